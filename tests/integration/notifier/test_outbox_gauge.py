"""`/metrics` of the notifier tells the deliveries queued in its outbox, as `pledgewatch status` does: how many are
due, how many wait (for a retry, or being sent), and how long the oldest due has waited."""

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from samples import BORDERS, release
from services.common.metrics import Measured, registry_with

from notifier_harness import fast_config, wait_for

pytestmark = pytest.mark.integration


async def _scrape(service) -> dict:
    assert isinstance(service, Measured), "the notifier exports nothing of its own"
    collectors = service.collectors()
    for collector in collectors:
        await collector.refresh()
    text = generate_latest(registry_with(*collectors)).decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


DUE = ("pledgewatch_deliveries_queued", (("state", "due"),))
WAITING = ("pledgewatch_deliveries_queued", (("state", "waiting"),))
OLDEST = ("pledgewatch_deliveries_oldest_due_seconds", ())


async def test_a_delivery_waiting_for_its_retry_is_counted_queued_until_it_is_given_up(
        notifier, receiver, write_yaml, publish_classified):
    """Before: `status` showed the outbox and `/metrics` had nothing of it, so no alert could watch a backlog."""
    n = await notifier(config=fast_config(delivery_attempts=2, retry_base_seconds=600, retry_max_seconds=600),
                       subscriptions=write_yaml(
        f"subscriptions: [{{id: desk, channels: [{{webhook: {{url: '{receiver.url('fail')}'}}}}]}}]"))
    assert (await _scrape(n.service))[WAITING] == 0
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: receiver.hits("fail"), what="the first POST")

    async def retry_waiting():
        samples = await _scrape(n.service)
        return samples if samples[WAITING] == 1 else None

    samples = await wait_for(retry_waiting, what="the retry queued")
    assert (samples[DUE], samples[OLDEST]) == (0, 0)


LIVE = ("pledgewatch_delivery_processes_live", ())


async def test_a_notifier_that_sends_nothing_counts_the_delivery_processes_live(notifier):
    """Before: with PLEDGEWATCH_DELIVERY_PROCESS=true and no delivery process, `/metrics` showed the outbox grow
    and nothing of why; now a rule can fire on deliveries due while no delivery process is live."""
    import time

    from services.notifier.delivery_presence import KEY, beat_text

    n = await notifier(config=fast_config(delivery_process=True))
    assert (await _scrape(n.service))[LIVE] == 0
    streams = n.service.runtime.streams
    await streams.client.hset(streams.key(KEY), mapping={"gone": beat_text(1, time.time() - 3600),
                                                         "live": beat_text(2, time.time())})
    assert (await _scrape(n.service))[LIVE] == 1


async def test_a_notifier_that_sends_exports_no_count_of_delivery_processes(notifier):
    n = await notifier()
    assert LIVE not in await _scrape(n.service)
