"""Stream trimming keeps streams near their cap and never drops an unread entry."""

import logging
from pathlib import Path

import pytest

from schemas.streams import DEAD_LETTERS
from services.common.metrics import DEAD_LETTERS_TRIMMED
from services.common.runtime import Runtime
from services.common.trimming import StreamTrimmer

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


@pytest.fixture
async def trimmer(settings):
    """The trimmer of a system whose streams are capped at 10 entries and its dead letters at 40."""
    runtime = Runtime(settings.model_copy(update={"stream_maxlen": 10, "dead_letters_maxlen": 40}), source="/test")
    await runtime.open()
    yield StreamTrimmer(runtime)
    await runtime.close()


async def _letters(trimmer, count):
    streams = trimmer.runtime.streams
    return [await streams.client.xadd(streams.key(DEAD_LETTERS), {"n": str(i)}) for i in range(count)]


async def test_dead_letters_are_not_cut_to_the_stream_cap(trimmer):
    """Before: the dead-letter stream, which no group reads, was cut to PLEDGEWATCH_STREAM_MAXLEN like any stream
    no group reads, so letters nobody had looked at were dropped without a word."""
    ids = await _letters(trimmer, 30)
    assert await trimmer.trim_once() == 0
    streams = trimmer.runtime.streams
    assert [entry_id for entry_id, _ in await streams.client.xrange(streams.key(DEAD_LETTERS))] == ids


async def test_dead_letters_past_their_own_cap_lose_the_oldest_with_an_error(trimmer, caplog):
    ids = await _letters(trimmer, 45)
    before = DEAD_LETTERS_TRIMMED._value.get()
    with caplog.at_level(logging.WARNING, logger="services.common.trimming"):
        assert await trimmer.trim_once() == 5
    assert DEAD_LETTERS_TRIMMED._value.get() - before == 5  # pledgewatch_dead_letters_trimmed_total
    streams = trimmer.runtime.streams
    assert [entry_id for entry_id, _ in await streams.client.xrange(streams.key(DEAD_LETTERS))] == ids[5:]
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "dropped the 5 oldest dead letters" in record.getMessage()
    assert "PLEDGEWATCH_DEAD_LETTERS_MAXLEN" in record.getMessage()


async def test_dead_letters_near_their_cap_are_warned_of_once_not_every_round(trimmer, caplog):
    await _letters(trimmer, 31)  # under 80% of 40: nothing to say
    with caplog.at_level(logging.WARNING, logger="services.common.trimming"):
        await trimmer.trim_once()
        assert not caplog.records
        await _letters(trimmer, 1)  # 32 of 40
        await trimmer.trim_once()
        await trimmer.trim_once()
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert "32 dead letters, 80% of the 40 kept at most" in record.getMessage()
    assert "pledgewatch dlq list" in record.getMessage()


async def test_dead_letters_without_a_cap_are_never_trimmed(trimmer):
    trimmer.runtime.settings = trimmer.runtime.settings.model_copy(update={"dead_letters_maxlen": 0})
    await _letters(trimmer, 60)
    assert await trimmer.trim_once() == 0
    streams = trimmer.runtime.streams
    assert await streams.client.xlen(streams.key(DEAD_LETTERS)) == 60


async def test_a_group_of_ones_own_on_dead_letters_does_not_keep_them_past_their_cap_and_the_contract_says_so(
        trimmer):
    """Before: docs/CONTRACTS.md said the dead letters were trimmed "(as above)", only of what every group had read,
    so a consumer reading them in a group of its own counted on a letter waiting for it; past their cap the oldest
    go whether or not a group has read them (their cap bounds Redis's memory), as a replayed or dropped one does."""
    streams = trimmer.runtime.streams
    await streams.ensure_group(streams.key(DEAD_LETTERS), "audit")  # has read nothing
    ids = await _letters(trimmer, 45)
    assert await trimmer.trim_once() == 5
    assert [entry_id for entry_id, _ in await streams.client.xrange(streams.key(DEAD_LETTERS))] == ids[5:]
    contracts = " ".join((Path(__file__).parents[3] / "docs" / "CONTRACTS.md").read_text(encoding="utf-8").split())
    trimming = contracts[contracts.index("- **Trimming.**"):contracts.index("- **Versions.**")]
    assert "(as above)" not in trimming
    assert "whether or not your group has read it" in trimming
