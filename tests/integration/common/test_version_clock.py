"""The version records are stamped and judged on Redis's clock, which every host reads alike: a process on a host
whose wall clock is behind is live to one starting on a host whose clock is ahead (which refuses to run beside it
when their key schemas differ), and to `pledgewatch status` there. Before: each host's wall clock, so that ten
minutes of skew told a live process of another key schema gone, and a process started beside it."""

from __future__ import annotations

import json

import pytest

from pledgewatch import status
from schemas.streams import KEY_SCHEMA
from services.common import versions
from services.common.redis_clock import redis_now
from services.common.runtime import Runtime
from services.common.versions import KEY, AnotherKeySchema, VersionRecord
from tests.integration.skewed_time import SkewedTime

pytestmark = pytest.mark.integration

SKEW = 600.0  # the hosts' clocks ten minutes apart


@pytest.fixture
async def recorded_behind(settings, monkeypatch):
    """A live process of the next key schema, recorded from a host whose wall clock is ten minutes behind."""
    monkeypatch.setattr(versions, "time", SkewedTime(-SKEW), raising=False)
    other = VersionRecord(Runtime(settings, source="/other"), "slow-host", release="0.9.0", schema=KEY_SCHEMA + 1)
    await other.start()
    yield other
    await other.stop()


async def test_a_process_on_a_host_whose_clock_is_ahead_does_not_start_beside_one_of_another_schema_behind(
        recorded_behind, settings, monkeypatch):
    monkeypatch.setattr(versions, "time", SkewedTime(SKEW), raising=False)
    mine = VersionRecord(Runtime(settings, source="/test"), settings.consumer)
    try:
        with pytest.raises(AnotherKeySchema, match="slow-host"):
            await mine.start()
    finally:
        await mine.stop()


async def test_a_process_on_a_host_whose_clock_is_ahead_stamps_its_record_with_redis_clock(settings, monkeypatch):
    """Once killed, its record is taken for gone a minute after its last write, not eleven."""
    monkeypatch.setattr(versions, "time", SkewedTime(SKEW), raising=False)
    mine = VersionRecord(Runtime(settings, source="/test"), settings.consumer)
    await mine.start()
    try:
        client = mine.runtime.streams.client
        at = json.loads(await client.hget(mine.runtime.streams.key(KEY), settings.consumer))["at"]
        assert abs(at - await redis_now(client)) < 30
    finally:
        await mine.stop()


async def test_status_on_a_host_whose_clock_is_ahead_sees_a_process_whose_clock_is_behind_live(
        recorded_behind, settings, monkeypatch):
    monkeypatch.setattr(status, "time", SkewedTime(SKEW))
    found = status._redis_status(settings.redis_url, settings, 100, 100, 5.0)["versions"]
    assert [p["consumer"] for p in found["live"]] == ["slow-host"]
