"""A send may take longer than PLEDGEWATCH_DELIVERY_LEASE_SECONDS: the worker sending it renews its lease while the
send is under way, so another worker does not take the job, and the alert is sent once."""

import asyncio

import pytest

from samples import BORDERS, release

from notifier_harness import fast_config, wait_for

pytestmark = pytest.mark.integration

LEASE = 1.0


async def _none_left(outbox) -> bool:
    return await outbox.pending() == 0


async def test_a_send_three_leases_long_beside_another_worker_is_sent_once(
        notifier, receiver, write_yaml, publish_classified):
    path = write_yaml(f'subscriptions: [{{id: desk, channels: [{{webhook: {{url: "{receiver.url("hang")}"}}}}]}}]')
    config = fast_config(delivery_lease_seconds=LEASE)  # a poll every 0.05 s
    first, second = [await notifier(config=config, subscriptions=path, webhook_timeout=30) for _ in range(2)]
    await publish_classified(first.service, release(BORDERS))
    await wait_for(lambda: first.service.worker.inflight() or second.service.worker.inflight(),
                   what="the send under way")
    await asyncio.sleep(3 * LEASE)  # the receiver holds the send: a lease not renewed would have run out twice
    assert [n.service.worker.inflight() for n in (first, second)].count({}) == 1  # one worker sends it
    receiver.release_hang.set()
    await wait_for(lambda: _none_left(first.service.outbox), what="the job finished")
    assert len(receiver.hits("hang")) == 1
