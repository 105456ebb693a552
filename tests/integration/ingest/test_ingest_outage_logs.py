"""A file dropped in while Redis is down is ingested once Redis is back, and the outage meanwhile is one WARNING,
not a traceback at every retry."""

from __future__ import annotations

import asyncio
import logging
import os
import time

import pytest

from services.common.embedded_redis import EmbeddedRedis
from services.ingest.service import IngestService

pytestmark = pytest.mark.integration


async def test_a_file_offered_during_an_outage_is_one_warning_and_ingested_after(settings, ingest_settings,
                                                                                  tmp_path, caplog):
    folder = tmp_path / "releases"
    folder.mkdir()
    server = EmbeddedRedis(tmp_path / "redis", appendonly=False)
    url = await server.start_from_loop()
    service = IngestService(settings.model_copy(update={"redis_url": url, "poll_seconds": 0.1}),
                            watch=[folder], ingest=ingest_settings, sources=[])
    await service.start()
    await service.started()
    try:
        await asyncio.to_thread(server.kill)
        caplog.set_level(logging.INFO)
        caplog.clear()
        path = folder / "2026-11-19-plan.txt"
        path.write_text("Border plan\nThe UK will invest £5m in border checks.\n")
        past = time.time() - 5
        os.utime(path, (past, past))  # settled: offered at once, not after the settle time
        for _ in range(400):  # the file offered and its first try refused, however busy the machine
            if any(r.levelno >= logging.WARNING for r in caplog.records):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(2.0)  # twenty more retries
        during = list(caplog.records)
        await server.start_from_loop()
        for _ in range(200):
            if any("published" in r.getMessage() for r in caplog.records):
                break
            await asyncio.sleep(0.05)
    finally:
        await service.stop()
        server.stop()
    failures = [r for r in during if r.levelno >= logging.WARNING]
    assert len(failures) == 1 and "Redis unavailable" in failures[0].getMessage(), [r.getMessage() for r in failures]
    assert not [r for r in during if r.exc_info]
    assert any("published" in r.getMessage() for r in caplog.records)
