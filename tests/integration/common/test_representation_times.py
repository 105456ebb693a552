"""A feed's Last-Modified, kept in Redis: the same answer keeps its moment, another takes a later second than the
answer before it, even within one second, so If-Modified-Since naming an earlier answer never matches a later."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import redis.asyncio

from services.common.representation_times import KEPT_SECONDS, first_served

pytestmark = pytest.mark.integration


async def test_an_answer_keeps_its_moment_and_another_takes_a_later_second(redis_url, key_prefix):
    client = redis.asyncio.Redis.from_url(redis_url)
    key = f"{key_prefix}feed-served:desk"
    try:
        before = datetime.now(timezone.utc).replace(microsecond=0)
        first, now = await first_served(client, key, '"a"')
        assert before <= first <= now <= datetime.now(timezone.utc)  # Redis's clock, this host's too here
        assert (await first_served(client, key, '"a"')).since == first
        moments = [first] + [(await first_served(client, key, tag)).since for tag in ('"b"', '"a"', '"c"')]
        assert moments == sorted(set(moments))  # each a later second, never one gone back to
        assert 0 < await client.ttl(key) <= KEPT_SECONDS
    finally:
        await client.aclose()
