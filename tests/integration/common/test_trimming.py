"""Stream trimming keeps streams near their cap and never drops an unread entry."""

import pytest

pytestmark = pytest.mark.integration


async def _fill(streams, stream, count):
    return [await streams.client.xadd(stream, {"n": str(i)}) for i in range(count)]


async def test_a_stream_no_group_reads_is_cut_to_its_cap(streams):
    stream = streams.key("orphan")
    await _fill(streams, stream, 50)
    await streams.trim_consumed(stream)
    assert await streams.client.xlen(stream) == 10


async def test_entries_a_group_has_not_read_are_kept_however_many(streams):
    stream = streams.key("lagging")
    await streams.ensure_group(stream, "slow")
    ids = await _fill(streams, stream, 50)
    assert await streams.trim_consumed(stream) == 0
    assert await streams.client.xlen(stream) == 50

    # The group reads 30 and acknowledges 25: the 5 pending and the 20 unread stay.
    read = await streams.client.xreadgroup("slow", "c1", {stream: ">"}, count=30)
    delivered = [entry_id for entry_id, _ in read[0][1]]
    await streams.client.xack(stream, "slow", *delivered[:25])
    await streams.trim_consumed(stream)
    remaining = [entry_id for entry_id, _ in await streams.client.xrange(stream)]
    assert remaining == ids[25:]


async def test_a_stream_under_its_cap_is_left_alone(streams):
    stream = streams.key("small")
    await streams.ensure_group(stream, "g")
    await _fill(streams, stream, 5)
    await streams.client.xreadgroup("g", "c1", {stream: ">"})
    assert await streams.trim_consumed(stream) == 0
    assert await streams.client.xlen(stream) == 5


@pytest.mark.parametrize("count", [50, 250], ids=["a few over", "read in several chunks"])
async def test_a_stream_every_group_has_read_keeps_its_cap_of_history(streams, count):
    # "trimmed back toward this many entries": what every group has read is history that a new group
    # (created at 0) and `ledger rebuild` read, and only what lies beyond the cap goes.
    stream = streams.key("read")
    await streams.ensure_group(stream, "g")
    ids = await _fill(streams, stream, count)
    read = await streams.client.xreadgroup("g", "c1", {stream: ">"})
    await streams.client.xack(stream, "g", *[entry_id for entry_id, _ in read[0][1]])
    assert await streams.trim_consumed(stream) == count - 10
    remaining = [entry_id for entry_id, _ in await streams.client.xrange(stream)]
    assert remaining == ids[-10:]


async def test_a_group_behind_the_cap_keeps_what_it_has_not_read(streams):
    stream = streams.key("behind")
    await streams.ensure_group(stream, "g")
    ids = await _fill(streams, stream, 250)
    read = await streams.client.xreadgroup("g", "c1", {stream: ">"}, count=200)
    await streams.client.xack(stream, "g", *[entry_id for entry_id, _ in read[0][1]])
    await streams.trim_consumed(stream)
    remaining = [entry_id for entry_id, _ in await streams.client.xrange(stream)]
    assert remaining == ids[199:]  # the last one read stays too, as it always has
