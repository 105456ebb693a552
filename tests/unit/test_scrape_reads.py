"""What a scrape reads from Redis, collector by collector: a read Redis refused for now is left out alone, one
that did not reach it ends the reads (the rest left out unasked), one Redis refused as wrong still raises."""

import pytest
from prometheus_client import generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.parser import text_string_to_metric_families
from redis.exceptions import ConnectionError, OutOfMemoryError, ResponseError

from services.common.metrics import registry_with
from services.common.scrape_reads import ScrapeReads


class _Read:
    """A collector exporting ``pledgewatch_test_<name>``, its reads failing with whatever ``failure`` holds."""

    def __init__(self, name):
        self.name, self.failure, self.asked, self.unread_scrapes = name, None, 0, 0

    async def refresh(self):
        self.asked += 1
        if self.failure is not None:
            raise self.failure

    def collect(self):
        yield GaugeMetricFamily(f"pledgewatch_test_{self.name}", "A value read from Redis.", value=1)

    def unread(self):  # a collector kept elsewhere (``keeping_last``) is told a scrape did not read it
        self.unread_scrapes += 1


class _Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def _samples(reads):
    text = generate_latest(registry_with(reads)).decode()
    return {s.name: s.value for family in text_string_to_metric_families(text) for s in family.samples
            if s.name.startswith(("pledgewatch_test_", "pledgewatch_redis_"))}


async def test_a_read_redis_refused_for_now_is_left_out_alone_and_redis_is_up():
    first, full, last = _Read("first"), _Read("full"), _Read("last")
    full.failure = OutOfMemoryError("command not allowed when used memory > 'maxmemory'")
    reads = ScrapeReads([first, full, last])
    await reads.refresh()
    assert _samples(reads) == {"pledgewatch_test_first": 1, "pledgewatch_test_last": 1,
                               "pledgewatch_redis_up": 1, "pledgewatch_redis_seconds_since_answer": 0}


async def test_redis_not_reached_leaves_out_every_read_the_rest_unasked_and_counts_since_its_last_answer():
    clock = _Clock()
    first, rest, kept = _Read("first"), _Read("rest"), _Read("kept")
    reads = ScrapeReads([first, rest], keeping_last=[kept], clock=clock)
    await reads.refresh()
    clock.now += 30
    first.failure = ConnectionError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")
    await reads.refresh()
    clock.now += 12
    assert _samples(reads) == {"pledgewatch_redis_up": 0, "pledgewatch_redis_seconds_since_answer": 42}
    assert (rest.asked, kept.asked, kept.unread_scrapes) == (1, 1, 1)

    first.failure = None
    await reads.refresh()
    assert _samples(reads) == {"pledgewatch_test_first": 1, "pledgewatch_test_rest": 1,
                               "pledgewatch_redis_up": 1, "pledgewatch_redis_seconds_since_answer": 0}


async def test_a_command_redis_refused_as_wrong_still_raises():
    wrong = _Read("wrong")
    wrong.failure = ResponseError("WRONGTYPE Operation against a key holding the wrong kind of value")
    with pytest.raises(ResponseError, match="WRONGTYPE"):
        await ScrapeReads([wrong]).refresh()
