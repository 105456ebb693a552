"""A release record (``ingest:release:<id>``) whose ``version`` is no number, edited by hand: its release is not
published under a version guessed, and the error names the record and the value; the record set right, its file
goes through. The session's Redis."""

from __future__ import annotations

import aiohttp
import pytest

from services.ingest.state import UnreadableRecord
from tests.integration.ingest.settled_files import write_settled

pytestmark = pytest.mark.integration

PLAN = "Border plan published\nThe UK will invest £5m in border checks by 1 March 2027.\n"
CHANGED = PLAN.replace("£5m", "£7m")


@pytest.mark.parametrize("unreadable", ["not a number", "3_000", "", "-1"])
async def test_a_version_that_is_no_number_is_told_naming_the_record_and_the_file_goes_through_once_set_right(
        tmp_path, http_service, streams, published, unreadable):
    """Before: ``invalid literal for int()`` naming neither, or a version read as 0 (``""``) or 3000 (``3_000``)."""
    service, _ = http_service
    seeds = tmp_path / "seeds"
    first = await service.ingest_file(write_settled(seeds / "2026-12-01-plan.txt", PLAN), within=[seeds])
    record = streams.key(f"ingest:release:{first.release_id}")
    await streams.client.hset(record, "version", unreadable)
    with pytest.raises(UnreadableRecord) as told:
        await service.ingest_file(write_settled(seeds / "2026-12-01-plan.txt", CHANGED), within=[seeds])
    assert record in str(told.value) and repr(unreadable) in str(told.value)
    assert [r.version for r in await published()] == [1]
    await streams.client.hset(record, "version", 1)
    changed = await service.ingest_file(seeds / "2026-12-01-plan.txt", within=[seeds])
    assert (changed.release_id, changed.version) == (first.release_id, 2)


async def test_a_posted_release_whose_record_holds_no_number_is_the_servers_fault_not_the_bodys(
        http_service, streams, api_headers, published):
    """Before: 422 blaming the body (``invalid literal for int()``), the body dead-lettered as the sender's fault."""
    _, url = http_service
    body = {"id": "border-plan", "title": "Border plan", "published_at": "2026-11-25T09:00:00Z", "body": PLAN}
    async with aiohttp.ClientSession(headers=api_headers) as session:
        async with session.post(url, json=body) as answer:
            assert answer.status == 202
        await streams.client.hset(streams.key("ingest:release:border-plan"), "version", "not a number")
        async with session.post(url, json={**body, "body": CHANGED}) as answer:
            assert answer.status == 500
    assert [r.version for r in await published()] == [1]
