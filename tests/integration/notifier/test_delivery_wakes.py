"""When the delivery worker claims again without waiting for its next poll: only when a job may be waiting.

The jobs of an alert the consumer commits while their destination has a free slot are handed to the worker
leased (queued by the alerts' script as a claim leaves them): sent with no claim at all.

A send that ends frees a slot of its destination. If the last claim gave that destination all the slots it had
free, or the worker as many jobs as it had room for, due jobs may have been left for that slot, and the worker
claims at once; a job that leaves flight (its attempt recorded) makes room when the last claim was short of
room. Otherwise that claim took every due job it could: claiming again would find nothing, a script's round
trip per alert while alerts come one at a time; new jobs wake the worker themselves, and jobs retried later
wait for the next poll.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from samples import BORDERS, release

from notifier_harness import fast_config, wait_for

pytestmark = pytest.mark.integration


def _one_webhook(write_yaml, receiver):  # type: ignore[no-untyped-def]
    return write_yaml(f"""
subscriptions:
  - {{id: desk, reminders: [], channels: [{{webhook: {{url: "{receiver.url('hook')}"}}}}]}}
""")


def _count_claims(service) -> list[int]:  # type: ignore[no-untyped-def]
    claims = [0]
    claim = service.worker.outbox.claim  # the worker's (its own Redis connection when it sends in a thread)

    async def counted(**kw):  # type: ignore[no-untyped-def]
        claims[0] += 1
        return await claim(**kw)

    service.worker.outbox.claim = counted
    return claims


async def test_a_send_whose_slot_no_job_waits_for_claims_nothing_more(notifier, receiver, write_yaml,
                                                                      publish_classified):
    path = _one_webhook(write_yaml, receiver)
    n = await notifier(config=fast_config(delivery_poll_seconds=30), subscriptions=path)
    await asyncio.sleep(0.1)  # the worker's first poll is over
    claims = _count_claims(n.service)
    await publish_classified(n.service, release(BORDERS, release_id="r1"))
    await wait_for(lambda: len(receiver.hits("hook")) == 1, timeout=10, what="the alert")
    await asyncio.sleep(0.3)
    assert claims[0] == 0  # its job handed to the worker by its commit; none when its send ended


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
    record = n.service.worker.outbox.record

    async def slow_record(*args, **kw):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.05)  # a job stays in flight while its attempt is recorded, past the gap between polls
        return await record(*args, **kw)

    n.service.worker.outbox.record = slow_record
    for i in range(6):
        await publish_classified(n.service, release(BORDERS.model_copy(update={"id": f"c{i}"}), release_id=f"r{i}"))
    # one in flight at a time (sent, then recorded), each next one claimed as room frees, not at the next poll
    await wait_for(lambda: len(receiver.hits("hook")) == 6, timeout=5, what="all six alerts")


async def test_a_handed_send_that_ends_while_a_claim_finds_its_destination_full_is_followed_by_another_claim(
        notifier, receiver, write_yaml, publish_classified):
    """A handed job holds its slot without a claim having capped its destination: when its send ends while a
    claim that found the destination full is under way, that claim's answer must not leave the next job to the
    next poll (30 s)."""
    path = write_yaml(f"""
subscriptions:
  - {{id: desk, reminders: [], channels: [{{webhook: {{url: "{receiver.url('hang')}"}}}}]}}
""")
    n = await notifier(config=fast_config(delivery_poll_seconds=30, destination_concurrency=1), subscriptions=path)
    await asyncio.sleep(0.1)
    worker = n.service.worker
    outbox = worker.outbox  # its claims run on the worker's loop: threading events, which either loop may set
    await publish_classified(n.service, release(BORDERS, release_id="r0"))
    await wait_for(lambda: sum(worker.inflight().values()) == 1, timeout=5, what="the first job, handed and hanging")
    claim, claiming, go_on = outbox.claim, threading.Event(), threading.Event()

    async def held(**kw):  # type: ignore[no-untyped-def]
        claiming.set()
        while not go_on.is_set():
            await asyncio.sleep(0.005)
        return await claim(**kw)

    outbox.claim = held
    await publish_classified(n.service, release(BORDERS.model_copy(update={"id": "c1"}), release_id="r1"))
    await wait_for(claiming.is_set, timeout=5, what="the claim")  # the second job, queued due: its slot is taken
    receiver.release_hang.set()  # the first send ends, its slot freed while that claim is under way
    await wait_for(lambda: not worker.inflight(), timeout=5, what="the first send over")
    outbox.claim = claim
    go_on.set()
    await wait_for(lambda: len(receiver.hits("hang")) == 2, timeout=5, what="the second alert, not at the next poll")
