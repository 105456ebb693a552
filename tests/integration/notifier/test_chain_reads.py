"""A run's chains read by one script: each chain's first members and scores, as ZRANGE WITHSCORES gives them;
and its commitments' neighbours, as a stored union of their word sets read back would give them."""

import random

import pytest

from samples import BORDERS, FUNDING
from services.common.pipelined_scripts import run_pipeline
from services.ledger.core.reannouncements import MAX_CANDIDATES, index_keys, shared_enough
from services.notifier.announcement_index import AnnouncementIndex, _neighbours
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


async def test_each_commitments_neighbours_read_as_the_union_of_its_word_sets_stored_and_read_back(
        redis_client, key_prefix):
    client, p = redis_client, key_prefix
    index = AnnouncementIndex(client, lambda name: f"{p}{name}")
    rng = random.Random(7)
    # FUNDING: more members sharing enough than are returned; BORDERS: fewer; ties in count, and an empty set
    for c, pool in ((FUNDING, 60), (BORDERS, 15)):
        for key in index_keys(c)[:-1]:
            await client.sadd(index._set_key(key), *[f"c-{i:03d}" for i in range(pool) if rng.random() < 0.6])
    [answers] = await run_pipeline(client, lambda reads: index._find_neighbours(reads, [FUNDING, BORDERS]),
                                   [index._neighbours_script])
    for c, answer in zip([FUNDING, BORDERS], answers):
        words = [index._set_key(k) for k in index_keys(c) if k.startswith("w:")]
        assert answer[2] == [await client.scard(index._set_key(k)) for k in index_keys(c)]
        await client.zunionstore(f"{p}union", words)
        expected = await client.zrevrangebyscore(f"{p}union", "+inf", shared_enough(len(words)), withscores=True,
                                                 start=0, num=MAX_CANDIDATES)
        await client.delete(f"{p}union")
        assert _neighbours(answer).words == {m.decode(): int(n) for m, n in expected}
        assert [m for m in answer[1][::2]] == [m for m, _ in expected]  # the same order, ties included


async def test_the_neighbours_script_reads_the_records_of_a_new_commitments_neighbours(redis_client, key_prefix):
    """Those sharing enough words, and those sharing the amount when they are no more than MAX_CANDIDATES; none
    for a commitment whose own record is stored (its chain is known)."""
    client, p = redis_client, key_prefix
    index = AnnouncementIndex(client, lambda name: f"{p}{name}")
    keys = index_keys(FUNDING)
    money, words = [k for k in keys if k.startswith("m:")], [k for k in keys if k.startswith("w:")]
    assert money and len(words) >= 2
    for key in words:
        await client.sadd(index._set_key(key), "c-alike", FUNDING.id)
    await client.sadd(index._set_key(money[0]), "c-amount")
    await client.hset(f"{p}notifier:announced", mapping={"c-alike": "alike", "c-amount": "amount"})

    async def records() -> dict[bytes, bytes | None]:
        [[answer]] = await run_pipeline(client, lambda reads: index._find_neighbours(reads, [FUNDING]),
                                        [index._neighbours_script])
        return dict(zip(answer[3], answer[4]))

    assert await records() == {b"c-amount": b"amount", b"c-alike": b"alike"}  # never its own
    await client.sadd(index._set_key(money[0]), *[f"c-{i:03d}" for i in range(MAX_CANDIDATES)])
    assert await records() == {b"c-alike": b"alike"}  # too many share the amount: Python reads its picks
    await client.hset(f"{p}notifier:announced", FUNDING.id, "own")
    assert await records() == {}
