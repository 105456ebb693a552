"""Every field ``GET /healthz`` answers with is one ``/openapi.json`` documents as required where it stands (null
where it may be), but ``workers``, which a process alone leaves out: a client generated from the document codes for
no absence that never happens."""

from __future__ import annotations

import time

import aiohttp
import pytest

from services.common.auth import ApiAuth
from services.common.http import HttpServer
from services.common.worker_liveness import Beat, Expected, judge
from tests.conftest import document_and_answer, documented_answer, unrequired_fields

pytestmark = pytest.mark.integration


async def test_every_field_of_the_health_answered_is_documented_as_required(settings):
    now = time.time()

    async def report():  # alive, starting (no beat yet), and the delivery process killed
        beats = {1: Beat(pid=101, at=now, count=3, release="0.9.0", commit="abc1234")}
        return judge([Expected(1, 101), Expected(2, 102), Expected(3, 103, ended="was killed by signal 9",
                                                                    delivery=True)],
                     beats, now=now, heartbeat_seconds=5)

    async def fine() -> None:
        pass

    http = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    http.add_check("ledger", fine)
    http.add_workers(report)
    await http.start()
    try:
        async with aiohttp.ClientSession(f"http://127.0.0.1:{http.port}") as client:
            document, status, answer = await document_and_answer(client, "GET", "/healthz")
    finally:
        await http.stop()
    assert status == 200
    assert [w["state"] for w in answer["workers"]] == ["alive", "starting", "stopped"]
    validator = documented_answer(document, "get", "/healthz")
    assert [e.message for e in validator.iter_errors(answer)] == []
    assert unrequired_fields(validator, answer) == ["/workers"]  # left out by a process alone
