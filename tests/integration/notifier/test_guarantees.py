"""Exactly once under redelivery, isolation of a hanging endpoint, retries then dead letters."""

import asyncio
import json
import time

import pytest

from samples import BORDERS, FUNDING, release
from schemas import decode_event
from schemas.streams import CLASSIFIED, DEAD_LETTER_COUNTS, DEAD_LETTERS, DELIVERIES, EVENT_FIELD, NOTIFIER_GROUP
from services.common.redis_clock import redis_now
from services.notifier.channels.webhook import WebhookSender
from services.notifier.delivery import DeliveryWorker

from notifier_harness import fast_config, handled, wait_for

pytestmark = pytest.mark.integration

TWO_HOOKS = """
subscriptions:
  - id: slow-desk
    channels: [{{webhook: {{url: "{slow}"}}}}]
  - id: fast-desk
    channels: [{{webhook: {{url: "{fast}"}}}}]
"""


async def _events(service, name):
    streams = service.runtime.streams
    return [decode_event(f[EVENT_FIELD.encode()]).data for _, f in await streams.client.xrange(streams.key(name))]


async def _letter_counts(service):
    streams = service.runtime.streams
    return await streams.client.hgetall(streams.key(DEAD_LETTER_COUNTS))


async def _pending(service):
    streams = service.runtime.streams
    info = await streams.client.xpending(streams.key(CLASSIFIED), NOTIFIER_GROUP)
    return info["pending"]


async def test_crash_after_send_before_ack_sends_no_second_alert(notifier, receiver, write_yaml,
                                                                  publish_classified):
    path = write_yaml(f'subscriptions: [{{id: desk, channels: [{{webhook: {{url: "{receiver.url("hook")}"}}}}]}}]')
    first = await notifier(subscriptions=path)
    handler = first.service.on_release_classified

    async def crash_before_ack(event, entry):  # does all the work, then "dies" before XACK
        await handler(event, None)

    first.service.consumer.handler = crash_before_ack
    first.service.consumer.batch_handler = None  # entries one by one, through the handler above
    await publish_classified(first.service, release(FUNDING, BORDERS))
    await wait_for(lambda: len(receiver.hits("hook")) == 1, what="the alert sent by the first notifier")
    await first.service.worker.drain()
    assert await _pending(first.service) == 1  # sent, never acknowledged
    await first.stop()

    second = await notifier(subscriptions=path)  # restarted: reclaims the entry after claim_idle_ms
    await wait_for(lambda: _is_zero(_pending(second.service)), timeout=15, what="entry reclaimed and acked")
    await second.service.worker.drain()
    assert len(receiver.hits("hook")) == 1
    assert len(await _events(second.service, DELIVERIES)) == 1


async def _is_zero(awaitable):
    return await awaitable == 0


async def test_a_delivered_job_left_in_the_outbox_is_finished_not_resent(notifier, receiver, write_yaml,
                                                                        publish_classified, monkeypatch):
    path = write_yaml(f'subscriptions: [{{id: desk, channels: [{{webhook: {{url: "{receiver.url("hook")}"}}}}]}}]')
    jobs = []
    record = DeliveryWorker._record

    async def keep_job(self, job, channel, result):
        jobs.append(job.model_copy(deep=True))
        await record(self, job, channel, result)

    monkeypatch.setattr(DeliveryWorker, "_record", keep_job)
    n = await notifier(subscriptions=path)
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: jobs, what="the delivery")
    await n.service.worker.drain()
    outbox, (job,) = n.service.outbox, jobs
    await outbox.client.set(outbox.job_key(job.job_id), job.model_dump_json())  # as if it were still queued
    await outbox.client.zadd(outbox.zset, {job.job_id: 0})
    await outbox.client.hset(outbox.dests, job.job_id, job.destination)
    n.service.worker.wake()
    await wait_for(lambda: _is_zero(n.service.outbox.pending()), what="the leftover job finished")
    assert len(receiver.hits("hook")) == 1
    assert not await outbox.client.exists(outbox.job_key(job.job_id))


async def test_a_crash_between_the_answer_and_its_record_resends_under_the_same_alert_id(
        notifier, receiver, write_yaml, publish_classified, monkeypatch):
    """The one window at-least-once leaves (docs/RELIABILITY.md): the receiver can drop the second copy."""
    path = write_yaml(f'subscriptions: [{{id: desk, channels: [{{webhook: {{url: "{receiver.url("hook")}"}}}}]}}]')
    crashed = []
    record = DeliveryWorker._record

    async def crash_once(self, job, channel, result):
        if not crashed:
            crashed.append(job.job_id)
            raise ConnectionError("killed after the send")
        await record(self, job, channel, result)

    monkeypatch.setattr(DeliveryWorker, "_record", crash_once)
    n = await notifier(config=fast_config(delivery_lease_seconds=0.3), subscriptions=path)
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: crashed, what="the crash")
    await wait_for(lambda: _is_zero(n.service.outbox.pending()), what="lease ran out and the job finished")
    first, second = receiver.hits("hook")
    assert first[1]["X-Pledgewatch-Alert-Id"] == second[1]["X-Pledgewatch-Alert-Id"]
    assert first[2] == second[2]


async def test_a_job_handed_to_a_worker_killed_before_its_send_is_sent_once_when_its_lease_ends(
        notifier, receiver, write_yaml, publish_classified):
    """An alert's job is queued leased by the alerts' script and handed to the worker, unclaimed: a notifier
    killed between that commit and the send leaves it to the claim at the lease's end, as a claimed job."""
    path = write_yaml(f'subscriptions: [{{id: desk, channels: [{{webhook: {{url: "{receiver.url("hook")}"}}}}]}}]')
    n = await notifier(config=fast_config(delivery_lease_seconds=1.0, delivery_poll_seconds=0.05), subscriptions=path)
    worker, dropped = n.service.worker, []
    take = worker.take

    def killed_after_the_commit(jobs, offered, handed, *, lease_until):
        if not dropped and handed:
            dropped.extend(handed)  # nothing after the commit runs: the slots it held are held for good
            return
        take(jobs, offered, handed, lease_until=lease_until)

    worker.take = killed_after_the_commit
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: dropped, what="the commit that handed the job")
    outbox = n.service.outbox
    assert await outbox.client.zscore(outbox.zset, dropped[0]) > worker.clock() + 0.5  # leased, not due
    await asyncio.sleep(0.4)
    assert receiver.hits("hook") == []  # no claim takes it while leased
    await wait_for(lambda: len(receiver.hits("hook")) == 1, timeout=10, what="the job claimed at its lease's end")
    await wait_for(lambda: _is_zero(outbox.pending()), what="the job finished")
    await asyncio.sleep(0.3)
    assert len(receiver.hits("hook")) == 1
    assert len(await _events(n.service, DELIVERIES)) == 1


async def test_hanging_endpoint_does_not_delay_another(notifier, receiver, write_yaml, publish_classified):
    path = write_yaml(TWO_HOOKS.format(slow=receiver.url("hang"), fast=receiver.url("hook")))
    n = await notifier(config=fast_config(destination_concurrency=1), subscriptions=path, webhook_timeout=30)
    for i in range(5):
        await publish_classified(n.service, release(BORDERS.model_copy(update={"id": f"c{i}"}), release_id=f"r{i}"))
    await wait_for(lambda: len(receiver.hits("hook")) == 5, timeout=20, what="all five to the prompt endpoint")
    assert receiver.hits("hang") == []  # the slow one is still stuck on its first request
    receiver.release_hang.set()
    await wait_for(lambda: len(receiver.hits("hang")) == 5, timeout=20, what="the slow one catches up")


async def test_failing_endpoint_is_retried_then_dead_lettered_without_resending_others(
        notifier, receiver, write_yaml, publish_classified):
    path = write_yaml(f"""
subscriptions:
  - id: desk
    channels:
      - webhook: {{url: "{receiver.url('hook')}"}}
      - webhook: {{url: "{receiver.url('fail')}", secret: "hunter2-value"}}
      - webhook: {{url: "{receiver.url('gone')}"}}
""")
    n = await notifier(config=fast_config(delivery_attempts=3), subscriptions=path)
    await publish_classified(n.service, release(BORDERS))
    letters = await wait_for(lambda: _len_at_least(_events(n.service, DEAD_LETTERS), 2), what="dead letters")
    await n.service.worker.drain()
    assert len(receiver.hits("hook")) == 1
    assert len(receiver.hits("fail")) == 3
    assert len(receiver.hits("gone")) == 1  # 404: retrying cannot help
    reasons = sorted(letter.reason for letter in letters)
    assert "HTTP 404 Not Found" in reasons[0] and "not retryable" in reasons[0]
    assert "HTTP 500 Internal Server Error (attempt 3 of 3)" in reasons[1]
    assert "hunter2-value" not in json.dumps([letter.payload for letter in letters])
    assert await _letter_counts(n.service) == {b"notifier": b"2"}  # counted by the script that wrote them
    audit = await _events(n.service, DELIVERIES)
    failed = [(a.error.split()[1], a.attempt, a.final) for a in audit if a.outcome == "failed"]  # HTTP <status>
    assert sorted(failed) == [("404", 1, True), ("500", 1, False), ("500", 2, False), ("500", 3, True)]


async def test_a_failed_attempt_s_log_line_names_the_subscription_and_the_message(
        notifier, receiver, write_yaml, publish_classified, caplog):
    """Before: "webhook http://…/fail failed (HTTP 500); attempt 2 again in 0.1s" said neither whose alert
    nor which one."""
    import logging

    path = write_yaml(f'subscriptions: [{{id: desk, channels: [{{webhook: {{url: "{receiver.url("fail")}"}}}}]}}]')
    n = await notifier(config=fast_config(delivery_attempts=2), subscriptions=path)
    with caplog.at_level(logging.WARNING, logger="services.notifier.delivery"):
        await publish_classified(n.service, release(BORDERS))
        await wait_for(lambda: _len_at_least(_events(n.service, DEAD_LETTERS), 1), what="dead letter")
    alert_id = receiver.hits("fail")[0][1]["X-Pledgewatch-Alert-Id"]
    lines = [r.getMessage() for r in caplog.records if r.name == "services.notifier.delivery"]
    named = f"desk: {alert_id} (release gov-uk/iraq-2017 v1): webhook "
    assert any(line.startswith(named) and "attempt 2 again in" in line for line in lines)
    assert any(line.startswith(f"dead letter: {named}") for line in lines), lines


async def _len_at_least(awaitable, n):
    items = await awaitable
    return items if len(items) >= n else None


async def test_a_finished_send_frees_its_slot_for_the_next_job_at_once_not_at_the_next_poll(
        notifier, receiver, write_yaml, publish_classified):
    path = write_yaml(f'subscriptions: [{{id: desk, channels: [{{webhook: {{url: "{receiver.url("hook")}"}}}}]}}]')
    n = await notifier(config=fast_config(destination_concurrency=1, delivery_poll_seconds=30), subscriptions=path)
    for i in range(5):
        await publish_classified(n.service, release(BORDERS.model_copy(update={"id": f"c{i}"}), release_id=f"r{i}"))
    # One send at a time to the endpoint and a poll every 30 s: only waking on each finished send gets all
    # five there within the timeout.
    await wait_for(lambda: len(receiver.hits("hook")) == 5, timeout=10, what="all five, one after another")


async def test_a_cookie_one_webhook_sets_never_reaches_another(notifier, receiver, write_yaml, publish_classified):
    """Webhooks share one HTTP session: it must keep no cookies, or one subscriber's endpoint could read
    what another's set."""
    base = f"http://localhost:{receiver.port}"  # a host name: a cookie jar takes no cookie from an IP address
    path = write_yaml(f"""
subscriptions:
  - {{id: a-desk, channels: [{{webhook: {{url: "{base}/cookie-a"}}}}]}}
  - {{id: b-desk, channels: [{{webhook: {{url: "{base}/cookie-b"}}}}]}}
""")
    n = await notifier(config=fast_config(destination_concurrency=1), subscriptions=path)
    for i in range(3):
        await publish_classified(n.service, release(BORDERS.model_copy(update={"id": f"c{i}"}), release_id=f"r{i}"))
    await wait_for(lambda: len(receiver.requests) == 6, what="three alerts to each endpoint")
    assert [headers.get("Cookie") for _, headers, _, _ in receiver.requests] == [None] * 6


async def test_a_delivery_given_up_on_is_sent_again_by_replaying_its_dead_letter_once(
        notifier, receiver, write_yaml, publish_classified):
    """Before: `pledgewatch dlq replay` refused a delivery out of attempts (its letter holds the channel
    redacted), so once the endpoint was fixed the alert was lost to it all the same."""
    from pledgewatch.dead_letter_queue import DeadLetterQueue

    path = write_yaml(f"""
subscriptions:
  - id: desk
    channels: [{{webhook: {{url: "{receiver.url('fail')}", secret: "hunter2-value"}}}}]
""")
    n = await notifier(config=fast_config(delivery_attempts=2), subscriptions=path)
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: _len_at_least(_events(n.service, DEAD_LETTERS), 1), what="dead letter")
    await n.service.worker.drain()
    streams = n.service.runtime.streams
    [(letter_id, fields)] = await streams.client.xrange(streams.key(DEAD_LETTERS))
    assert b"hunter2-value" not in fields[EVENT_FIELD.encode()]  # the secret stays with the job, not the letter
    failed = receiver.hits("fail")
    assert len(failed) == 2

    receiver.fixed.add("fail")
    queue = DeadLetterQueue(streams.client, streams.key(DEAD_LETTERS))
    first, second = await queue.replay(letter_id.decode()), await queue.replay(letter_id.decode())
    assert first.new_id is not None and first.problem is None
    assert second.new_id is None and "no such dead letter" in second.problem
    await wait_for(lambda: len(receiver.hits("fail")) == 3, what="sent again")
    await n.service.worker.drain()
    again = receiver.hits("fail")[2]
    assert again[1]["X-Pledgewatch-Alert-Id"] == failed[0][1]["X-Pledgewatch-Alert-Id"]  # the same alert
    assert "X-Pledgewatch-Signature" in again[1] or "Webhook-Signature" in again[1]  # signed with the secret
    assert await streams.client.xlen(streams.key(DEAD_LETTERS)) == 0
    audit = [a for a in await _events(n.service, DELIVERIES) if a.outcome == "delivered"]
    assert [a.attempt for a in audit] == [1]


async def _event_ids(service, name):
    streams = service.runtime.streams
    return [decode_event(f[EVENT_FIELD.encode()]).id for _, f in await streams.client.xrange(streams.key(name))]


async def test_the_events_of_a_replayed_delivery_have_ids_of_their_own_and_its_alert_keeps_its_id(
        notifier, receiver, write_yaml, publish_classified):
    """Before: a replayed job counted its attempts from 1 again under the same event ids (`<job>/1`, ...), and a
    second dead letter reused the first's id, so a consumer dropping duplicates by id (docs/CONTRACTS.md) threw
    away the delivery that followed the replay. The alert's own id, which the receiver dedupes on, stays."""
    from pledgewatch.dead_letter_queue import DeadLetterQueue

    path = write_yaml(f'subscriptions: [{{id: desk, channels: [{{webhook: {{url: "{receiver.url("fail")}"}}}}]}}]')
    n = await notifier(config=fast_config(delivery_attempts=2), subscriptions=path)
    streams = n.service.runtime.streams
    queue = DeadLetterQueue(streams.client, streams.key(DEAD_LETTERS))
    await publish_classified(n.service, release(BORDERS))
    for letters in (1, 2):  # given up on, replayed while the endpoint still fails, given up on again
        await wait_for(lambda: _len_at_least(_events(n.service, DEAD_LETTERS), 1), what=f"dead letter {letters}")
        await n.service.worker.drain()
        [(letter_id, _)] = await streams.client.xrange(streams.key(DEAD_LETTERS))
        assert await _letter_counts(n.service) == {b"notifier": b"1"}
        if letters == 1:
            first_letter = await _event_ids(n.service, DEAD_LETTERS)
        else:
            second_letter = await _event_ids(n.service, DEAD_LETTERS)
            receiver.fixed.add("fail")
        assert (await queue.replay(letter_id.decode())).new_id is not None
        assert await _letter_counts(n.service) == {}  # counted down by the script that queued the job again
    await wait_for(lambda: len(receiver.hits("fail")) == 5, what="sent at the second replay")
    await wait_for(lambda: _is_zero(n.service.outbox.pending()), what="the job finished")

    ids = await _event_ids(n.service, DELIVERIES)
    audit = await _events(n.service, DELIVERIES)
    assert [(a.attempt, a.outcome) for a in audit] == [(1, "failed"), (2, "failed"), (1, "failed"), (2, "failed"),
                                                       (1, "delivered")]
    assert len(set(ids)) == 5, ids
    job = ids[0].rsplit("/", 1)[0]
    assert ids == [f"{job}/1", f"{job}/2", f"{job}/r1/1", f"{job}/r1/2", f"{job}/r2/1"]  # a first round's as before
    assert first_letter != second_letter
    assert first_letter == [f"{n.service.outbox.zset}/{job}/notifier"]
    assert second_letter == [f"{n.service.outbox.zset}/{job}/r1/notifier"]
    assert len({h[1]["X-Pledgewatch-Alert-Id"] for h in receiver.hits("fail")}) == 1  # one alert, sent again


async def test_a_job_in_flight_near_its_lease_end_is_renewed_at_the_next_poll(notifier, receiver, write_yaml,
                                                                              publish_classified):
    """Leases are renewed as they near their end (not at every poll), so none in flight runs out."""
    path = write_yaml(f'subscriptions: [{{id: desk, channels: [{{webhook: {{url: "{receiver.url("hang")}"}}}}]}}]')
    n = await notifier(config=fast_config(delivery_lease_seconds=100, delivery_poll_seconds=30), subscriptions=path,
                       webhook_timeout=120)
    worker, outbox = n.service.worker, n.service.outbox
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: worker.inflight(), what="the send under way")
    (_, claimed_until), = await outbox.client.zrange(outbox.zset, 0, -1, withscores=True)
    worker.ticks = lambda: time.monotonic() + 30  # thirty seconds into its hundred: not yet renewed
    await worker.poll_once()
    (_, still_until), = await outbox.client.zrange(outbox.zset, 0, -1, withscores=True)
    assert still_until == claimed_until
    worker.ticks = lambda: time.monotonic() + 60  # sixty into its hundred: past half of it
    before = await redis_now(outbox.client)
    await worker.poll_once()
    (_, leased_until), = await outbox.client.zrange(outbox.zset, 0, -1, withscores=True)
    assert leased_until > claimed_until and before + 100 <= leased_until <= await redis_now(outbox.client) + 100
    receiver.release_hang.set()
    await wait_for(lambda: _is_zero(outbox.pending()), what="the job finished")
    assert len(receiver.hits("hang")) == 1


async def test_a_send_whose_own_timeout_never_fires_is_ended_by_the_workers_and_retried(
        notifier, receiver, write_yaml, publish_classified, monkeypatch):
    path = write_yaml(f'subscriptions: [{{id: desk, channels: [{{webhook: {{url: "{receiver.url("hook")}"}}}}]}}]')
    stuck = []

    async def never_returns(self, event_json, message_id):
        stuck.append(message_id)
        if len(stuck) == 1:
            await asyncio.Event().wait()  # a channel bug: its own timeout does not fire
        return await send_rendered(self, event_json, message_id)

    send_rendered = WebhookSender.send_rendered
    monkeypatch.setattr(WebhookSender, "send_rendered", never_returns)
    n = await notifier(config=fast_config(smtp_timeout=0.1, apprise_timeout=0.1), subscriptions=path,
                       webhook_timeout=0.1)
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: receiver.hits("hook"), what="the retry delivered")

    async def both_recorded():  # an attempt is recorded after its send, so after the receiver's hit
        recorded = await _events(n.service, DELIVERIES)
        return recorded if len(recorded) >= 2 else None

    first, second = await wait_for(both_recorded, timeout=5, what="both attempts recorded")
    assert (first.outcome, first.error, second.outcome) == ("failed", "timed out after 0.3s", "delivered")


async def test_an_alert_is_sent_once_committed_not_after_its_release_s_reminders_are_scheduled(
        notifier, receiver, write_yaml, publish_classified):
    """The delivery worker is woken by the alerts' commit: a batch still scheduling its reminders does not
    hold back its alerts (with a poll every 30 s, only that wake-up sends it in time)."""
    path = write_yaml(f'subscriptions: [{{id: desk, channels: [{{webhook: {{url: "{receiver.url("hook")}"}}}}]}}]')
    n = await notifier(config=fast_config(delivery_poll_seconds=30), subscriptions=path)
    agenda, gate = n.service.agenda, asyncio.Event()
    apply = agenda.apply  # the reminders planned are scheduled here, after the alerts' commit

    async def held_apply(*args, **kwargs):
        await gate.wait()
        return await apply(*args, **kwargs)

    agenda.apply = held_apply
    entry_id = await publish_classified(n.service, release(BORDERS))
    try:
        await wait_for(lambda: len(receiver.hits("hook")) == 1, timeout=10, what="the alert, reminders pending")
    finally:
        gate.set()
    await wait_for(lambda: handled(n.service, entry_id), timeout=10, what="the entry acknowledged once scheduled")


async def test_new_jobs_are_claimed_at_once_not_after_the_gap_between_polls(
        notifier, receiver, write_yaml, publish_classified, monkeypatch):
    """A freed slot's wake-up waits for the gap between polls; new jobs do not: with a gap (and a poll) of 30 s,
    the second alert, queued while the worker waits out the gap after the first one's send, still goes at once."""
    from services.notifier import delivery

    monkeypatch.setattr(delivery, "MIN_POLL_GAP_SECONDS", 30)
    path = write_yaml(f'subscriptions: [{{id: desk, channels: [{{webhook: {{url: "{receiver.url("hook")}"}}}}]}}]')
    n = await notifier(config=fast_config(delivery_poll_seconds=30), subscriptions=path)
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: len(receiver.hits("hook")) == 1, timeout=10, what="the first alert")
    await n.service.worker.drain()  # its slot freed: the worker waits out the gap
    await publish_classified(n.service, release(FUNDING, release_id="other"))
    await wait_for(lambda: len(receiver.hits("hook")) == 2, timeout=10, what="the second alert, at once")
