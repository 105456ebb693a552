"""A run's chains read by one script: each chain's first members and scores, as ZRANGE WITHSCORES gives them."""

import pytest

from services.notifier.announcement_index import AnnouncementIndex
from services.notifier.announcements import MAX_CHAIN

pytestmark = pytest.mark.integration


async def test_each_chain_reads_as_zrange_withscores(redis_client, key_prefix):
    client, p = redis_client, key_prefix
    index = AnnouncementIndex(client, lambda name: f"{p}{name}")
    await client.zadd(f"{p}notifier:chain:a", {'["c1", "r1"]': 1_511_949_600.654321, '["c2", "r2"]': 1_600_000_000.5})
    await client.zadd(f"{p}notifier:chain:long", {f'["c{i}", "r"]': float(i) for i in range(MAX_CHAIN + 5)})
    rows = await index._chain_rows(["a", "none", "long"])
    assert rows == [await client.zrange(f"{p}notifier:chain:{name}", 0, MAX_CHAIN - 1, withscores=True)
                    for name in ["a", "none", "long"]]
    assert rows[0] == [(b'["c1", "r1"]', 1_511_949_600.654321), (b'["c2", "r2"]', 1_600_000_000.5)]
    assert len(rows[2]) == MAX_CHAIN and rows[1] == []
    assert await index._chain_rows([]) == []
