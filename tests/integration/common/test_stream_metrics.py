"""The streams' values read at scrape time: lengths, each group's pending count and lag (counted on Redis 6,
which reports none, and capped there), the dead letters waiting."""

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from services.common.metrics import registry_with
from services.common.stream_metrics import StreamCollector, read_stream_stats
from services.common.stream_stats import LAG_COUNT_LIMIT

pytestmark = pytest.mark.integration


async def _fill(streams, stream, count):
    async with streams.client.pipeline(transaction=False) as pipe:
        for i in range(count):
            pipe.xadd(stream, {"n": str(i)})
        await pipe.execute()


async def test_each_group_reports_its_pending_entries_and_its_lag(streams):
    releases = streams.key("releases")
    await streams.ensure_group(releases, "classifier")
    await streams.ensure_group(releases, "ledger")
    await _fill(streams, releases, 5)
    read = await streams.client.xreadgroup("classifier", "c1", {releases: ">"}, count=3)
    await streams.client.xack(releases, "classifier", read[0][1][0][0])

    stats = await read_stream_stats(streams)

    assert stats.lengths == {"releases": 5, "classified": 0, "alerts": 0, "reminders": 0, "deliveries": 0,
                             "dead-letters": 0, "sources": 0}
    assert {(g.stream, g.group, g.pending, g.lag) for g in stats.groups} == {
        ("releases", "classifier", 2, 2), ("releases", "ledger", 0, 5)}


async def test_a_lag_is_counted_no_further_than_the_limit(streams):
    releases = streams.key("releases")
    await streams.ensure_group(releases, "classifier")
    await _fill(streams, releases, LAG_COUNT_LIMIT + 50)
    (group,) = (await read_stream_stats(streams)).groups
    assert group.lag in (LAG_COUNT_LIMIT + 1, LAG_COUNT_LIMIT + 50)  # counted (Redis 6) or reported (Redis 7)


async def test_the_collector_exports_what_it_read_last(streams):
    await streams.ensure_group(streams.key("classified"), "notifier")
    await _fill(streams, streams.key("dead-letters"), 2)
    collector = StreamCollector(streams)
    await collector.refresh()
    text = generate_latest(registry_with(collector)).decode()
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(text) for s in family.samples}
    assert samples[("pledgewatch_dead_letters", ())] == 2
    assert samples[("pledgewatch_stream_length", (("stream", "dead-letters"),))] == 2
    assert samples[("pledgewatch_consumer_group_lag", (("group", "notifier"), ("stream", "classified")))] == 0


async def test_a_group_holding_back_trimming_is_exported_with_the_entries_it_keeps_past_the_cap(streams):
    """Before: a group that stopped reading showed only as lag. The streams here are capped at 10 entries."""
    releases = streams.key("releases")
    await streams.ensure_group(releases, "classifier")
    await streams.ensure_group(releases, "archive")  # reads nothing
    await streams.ensure_group(releases, "audit")
    await _fill(streams, releases, 25)
    read = await streams.client.xreadgroup("classifier", "c1", {releases: ">"})
    await streams.client.xack(releases, "classifier", *[entry_id for entry_id, _ in read[0][1]])
    await streams.client.xreadgroup("audit", "c1", {releases: ">"}, count=5)  # stopped, 5 unacknowledged

    collector = StreamCollector(streams)
    await collector.refresh()
    text = generate_latest(registry_with(collector)).decode()
    held = {tuple(sorted(s.labels.items())): s.value for family in text_string_to_metric_families(text)
            for s in family.samples if s.name == "pledgewatch_consumer_group_held_back"}
    assert held == {(("group", "archive"), ("stream", "releases")): 15,
                    (("group", "audit"), ("stream", "releases")): 15}


def test_past_the_limit_groups_holding_back_are_summed_as_other():
    from services.common.stream_metrics import HELD_BACK_SERIES_LIMIT, GroupStats, held_back_series

    groups = [GroupStats("releases", f"g{i}", 0, 0, held_back=100 + i) for i in range(HELD_BACK_SERIES_LIMIT + 3)]
    groups.append(GroupStats("releases", "caught-up", 0, 0))
    series = held_back_series(groups)
    assert len(series) == HELD_BACK_SERIES_LIMIT + 1
    assert series[0] == ("releases", f"g{HELD_BACK_SERIES_LIMIT + 2}", 100 + HELD_BACK_SERIES_LIMIT + 2)
    assert series[-1] == ("releases", "other", 100 + 101 + 102)


class _CountingXrange:
    """The client, counting the entries its XRANGE calls answer."""

    def __init__(self, client):
        self._client, self.calls, self.entries = client, 0, 0

    def __getattr__(self, name):
        return getattr(self._client, name)

    async def xrange(self, *args, **kwargs):
        answer = await self._client.xrange(*args, **kwargs)
        self.calls, self.entries = self.calls + 1, self.entries + len(answer)
        return answer


async def test_a_group_caught_up_beside_a_stopped_one_is_not_counted_by_reading_the_stream(streams):
    """Before: every group of a stream past its cap read the entries before its oldest needed one, bodies and
    all (up to 10001 a group, each scrape), to find it held back nothing. The streams here are capped at 10."""
    releases = streams.key("releases")
    await streams.ensure_group(releases, "classifier")
    await streams.ensure_group(releases, "audit")
    await _fill(streams, releases, 60)
    read = await streams.client.xreadgroup("classifier", "c1", {releases: ">"})
    await streams.client.xack(releases, "classifier", *[entry_id for entry_id, _ in read[0][1]])
    await streams.client.xreadgroup("audit", "c1", {releases: ">"}, count=5)  # stopped, 5 unacknowledged

    counting = _CountingXrange(streams.client)
    streams.client = counting
    stats = await read_stream_stats(streams)

    assert {g.group: g.held_back for g in stats.groups} == {"classifier": 0, "audit": 50}
    assert (counting.calls, counting.entries) == (1, 1)  # the stream's first entry: the stopped group needs it
