"""When the delivery worker claims again without waiting for its next poll: a send that ends frees a slot of its
destination, and a job that leaves flight (its attempt recorded) makes room when the last claim took as many
jobs as there was room for; either may let a due job be claimed at once.
"""

from __future__ import annotations

import asyncio

import pytest

from samples import BORDERS, release

from notifier_harness import fast_config, wait_for

pytestmark = pytest.mark.integration


def _one_webhook(write_yaml, receiver):  # type: ignore[no-untyped-def]
    return write_yaml(f"""
subscriptions:
  - {{id: desk, reminders: [], channels: [{{webhook: {{url: "{receiver.url('hook')}"}}}}]}}
""")


async def test_a_send_that_frees_a_full_destination_claims_the_job_waiting_for_it(notifier, receiver, write_yaml,
                                                                                  publish_classified):
    path = _one_webhook(write_yaml, receiver)
    n = await notifier(config=fast_config(delivery_poll_seconds=30, destination_concurrency=1), subscriptions=path)
    await asyncio.sleep(0.1)
    for i in range(3):
        await publish_classified(n.service, release(BORDERS.model_copy(update={"id": f"c{i}"}), release_id=f"r{i}"))
    # one at a time to the one slot, each claimed as the send before it ends, not at the next poll (30 s)
    await wait_for(lambda: len(receiver.hits("hook")) == 3, timeout=5, what="all three alerts")


async def test_jobs_left_for_want_of_room_in_flight_are_claimed_as_room_frees(notifier, receiver, write_yaml,
                                                                              publish_classified):
    path = _one_webhook(write_yaml, receiver)
    n = await notifier(config=fast_config(delivery_poll_seconds=30, delivery_max_inflight=1), subscriptions=path)
    await asyncio.sleep(0.1)
    record = n.service.outbox.record

    async def slow_record(*args, **kw):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.05)  # a job stays in flight while its attempt is recorded, past the gap between polls
        return await record(*args, **kw)

    n.service.outbox.record = slow_record
    for i in range(6):
        await publish_classified(n.service, release(BORDERS.model_copy(update={"id": f"c{i}"}), release_id=f"r{i}"))
    # one in flight at a time (sent, then recorded), each next one claimed as room frees, not at the next poll
    await wait_for(lambda: len(receiver.hits("hook")) == 6, timeout=5, what="all six alerts")
