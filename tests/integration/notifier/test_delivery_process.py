"""The delivery worker in a process of its own (``PLEDGEWATCH_DELIVERY_PROCESS``): the notifier queues every job
and sends none; a :class:`.DeliveryService` (here on the test's loop, with connections of its own, as in its own
process) sends them, woken through Redis by the commit's script, not by its poll. Real Redis."""

from __future__ import annotations

import json

import pytest

from samples import BORDERS, dated, release

from notifier_harness import delivery_attempts, desk_reminded_soon, fast_config, handled, wait_for

pytestmark = pytest.mark.integration

SLOW_POLL = dict(delivery_process=True, delivery_poll_seconds=60)  # a send in time is one woken by the bell


def _desk(write_yaml, url: str):  # type: ignore[no-untyped-def]
    return write_yaml(f'subscriptions: [{{id: desk, reminders: [], channels: [{{webhook: {{url: "{url}"}}}}]}}]')


async def test_the_notifier_sends_nothing_and_the_delivery_process_is_woken_by_the_commit(
        notifier, delivery, receiver, write_yaml, publish_classified):
    n = await notifier(config=fast_config(**SLOW_POLL), subscriptions=_desk(write_yaml, receiver.url("hook")))
    assert n.service.worker is None and n.service.send_loop is None
    await delivery(n)  # its first poll finds nothing; the next one is a minute away
    entry = await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: len(receiver.requests) == 1, timeout=20, what="the alert sent, woken by the commit")
    await wait_for(lambda: handled(n.service, entry), what="the entry acknowledged")
    await wait_for(lambda: _recorded(n.service), what="its delivery recorded")
    assert await n.service.outbox.pending() == 0
    assert len(receiver.requests) == 1


async def test_a_delivery_process_stopped_mid_send_leaves_the_job_to_the_next(
        notifier, delivery, receiver, write_yaml, publish_classified):
    """Its send cancelled, the job stays leased; another delivery process claims it once the lease ends, and
    it is recorded delivered once."""
    n = await notifier(config=fast_config(delivery_process=True, delivery_lease_seconds=2),
                       subscriptions=_desk(write_yaml, receiver.url("hang")), webhook_timeout=30)
    first = await delivery(n)
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: first.worker.inflight(), what="the send under way")
    await first.stop()
    receiver.release_hang.set()  # answers now
    await delivery(n)
    await wait_for(lambda: _recorded(n.service), timeout=20, what="delivered by the second process")
    attempts = await delivery_attempts(n.service)
    assert [a.outcome for a in attempts] == ["delivered"]
    assert await n.service.outbox.pending() == 0


async def _recorded(service) -> bool:
    return any(a.outcome == "delivered" for a in await delivery_attempts(service))


async def test_a_reminder_fired_wakes_the_delivery_process(notifier, delivery, receiver, write_yaml,
                                                           publish_classified):
    soon = desk_reminded_soon(write_yaml, receiver.url("hook"), seconds=2.0)
    n = await notifier(config=fast_config(reminder_time="00:00", **SLOW_POLL), subscriptions=soon.path)
    await delivery(n)
    await publish_classified(n.service, release(dated("c-dated", soon.due)))
    await wait_for(lambda: len(receiver.hits("hook")) == 1, timeout=20, what="the alert")
    reminded = await wait_for(lambda: [h for h in receiver.hits("hook") if json.loads(h[2])["data"]["kind"] == "reminder"],
                              timeout=20, what="the reminder sent, woken when it fired")
    assert len(reminded) == 1
