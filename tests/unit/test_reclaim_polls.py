"""How often a consumer's reclaiming subscriber polls for stale entries."""

import pytest
from faststream.redis import RedisBroker

from services.common.consumer import StreamConsumer, reclaim_poll_ms


async def _nothing(event, entry):
    return None


def _subscribers(claim_idle_ms):
    broker = RedisBroker("redis://127.0.0.1:1")  # never connected
    StreamConsumer(streams=lambda: None, stream="pledgewatch:releases", group="g", consumer="c", expect=(),
                   handler=_nothing, claim_idle_ms=claim_idle_ms, max_deliveries=3).attach(broker, title="t")
    subscribers = sorted(broker.subscribers, key=lambda s: s.stream_sub.min_idle_time is not None)
    return subscribers  # the one reading new entries, then the one reclaiming


@pytest.mark.parametrize(("claim_idle_ms", "poll_ms"), [(30_000, 1000), (2000, 200), (500, 100), (50, 100)])
def test_reclaim_polls_a_tenth_of_the_idle_time_within_bounds(claim_idle_ms, poll_ms):
    assert reclaim_poll_ms(claim_idle_ms) == poll_ms
    fresh, stale = _subscribers(claim_idle_ms)
    assert stale.stream_sub.min_idle_time == claim_idle_ms
    assert stale.stream_sub.polling_interval == poll_ms


def test_new_entries_are_read_with_the_frameworks_blocking_time():
    fresh, _ = _subscribers(30_000)
    assert fresh.stream_sub.min_idle_time is None
    assert fresh.stream_sub.polling_interval == 100
