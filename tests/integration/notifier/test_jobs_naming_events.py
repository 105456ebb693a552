"""An alert's webhook job names its alert's event, kept beside it until the job is finished, rather than holding a
copy: the event is written once, and neither trimming the alerts stream nor a restart takes it from a job still
queued; a job retried or given up on holds its event again, so that `dlq replay` has what it sends."""

import json
from datetime import datetime, timezone

import pytest

from samples import BORDERS, release
from schemas import decode_event
from schemas.dead_letter import DeadLetter, DeadLetterEvent
from schemas.streams import ALERTS, DEAD_LETTERS, EVENT_FIELD
from services.notifier.alert_commit import AlertCommitter, Commit
from services.notifier.outbox import Attempt, DeliveryJob, Outbox

from notifier_harness import fast_config, wait_for

pytestmark = pytest.mark.integration

EVENT = b'{"specversion": "1.0", "id": "a1", "data": {"alert_id": "a1"}}'
WEBHOOK_JOB = DeliveryJob(job_id="j1", subscription_id="desk", channel={"type": "webhook", "url": "https://x.test/h"},
                          kind="alert", message={"alert_id": "a1"}, event_json=EVENT.decode())


def _outbox_and_committer(client, p):
    outbox = Outbox(client, lambda name: f"{p}{name}")
    return outbox, AlertCommitter(client, alerts=f"{p}alerts", event_field=EVENT_FIELD, outbox_zset=outbox.zset,
                                  job_dests=outbox.dests, job_prefix=outbox.job_key(""),
                                  done_prefix=outbox.done_key(""), event_prefix=outbox.event_key(""), common=2,
                                  job_generations=outbox.generations)


async def _commit_one(committer) -> None:
    commit = Commit()
    event = commit.alert(EVENT, feed="feed", digest=None)
    commit.job(WEBHOOK_JOB, event=event)
    assert await committer.commit(commit) is True


async def test_a_webhook_job_names_its_alert_s_event_which_is_written_once_beside_it(redis_client, key_prefix):
    outbox, committer = _outbox_and_committer(redis_client, key_prefix)
    await _commit_one(committer)

    queued = await redis_client.get(outbox.job_key("j1"))
    assert EVENT not in queued and "event_json" not in json.loads(queued)  # no second copy, escaped
    assert await redis_client.get(outbox.event_key("j1")) == EVENT
    [(job_id, _, job)] = await outbox.claim(lease=5.0, limit=10, idle_slots=2)
    assert job_id == "j1" and job == WEBHOOK_JOB  # the job as it was made, its event with it


async def test_a_job_whose_alert_entry_was_trimmed_is_claimed_whole_by_another_notifier(
        redis_client, key_prefix):
    """The alerts stream is trimmed to its cap whatever the outbox holds: the event a job names is its own."""
    outbox, committer = _outbox_and_committer(redis_client, key_prefix)
    await _commit_one(committer)
    await redis_client.xtrim(f"{key_prefix}alerts", maxlen=0)

    restarted = Outbox(redis_client, lambda name: f"{key_prefix}{name}")
    [(_, _, job)] = await restarted.claim(lease=5.0, limit=10, idle_slots=2)
    assert job.event_json == EVENT.decode()


@pytest.mark.parametrize("outcome", ["delivered", "given up"])
async def test_a_finished_job_leaves_neither_its_document_nor_its_event(redis_client, key_prefix, outcome):
    outbox, committer = _outbox_and_committer(redis_client, key_prefix)
    await _commit_one(committer)
    [(_, _, job)] = await outbox.claim(lease=5.0, limit=10, idle_slots=2)
    job.attempts = 1
    audit = _event()
    await outbox.record([Attempt(job, delivered=outcome == "delivered", final=True, event=audit,
                                 dead_letter=audit if outcome == "given up" else None)],
                        deliveries=f"{key_prefix}deliveries", dead_letters=f"{key_prefix}dead")

    assert not await redis_client.exists(outbox.job_key("j1"), outbox.event_key("j1"))
    if outcome == "given up":  # kept for `dlq replay`, its event in it
        assert DeliveryJob.model_validate_json(await redis_client.get(outbox.given_up_key("j1"))).event_json == \
            EVENT.decode()


async def test_a_job_to_retry_holds_its_event_again(redis_client, key_prefix):
    outbox, committer = _outbox_and_committer(redis_client, key_prefix)
    await _commit_one(committer)
    [(_, _, job)] = await outbox.claim(lease=5.0, limit=10, idle_slots=2)
    job.attempts = 1
    await outbox.record([Attempt(job, delivered=False, final=False, event=_event(), retry_in=0.0)],
                        deliveries=f"{key_prefix}deliveries", dead_letters=f"{key_prefix}dead")

    assert not await redis_client.exists(outbox.event_key("j1"))
    [(_, _, again)] = await outbox.claim(lease=5.0, limit=10, idle_slots=2)
    assert again.event_json == EVENT.decode() and again.attempts == 1


async def test_a_notifier_restarted_after_the_alerts_stream_was_trimmed_sends_the_alert_as_committed(
        notifier, receiver, write_yaml, publish_classified):
    """A notifier killed between the commit and the send; the alerts stream trimmed meanwhile (past its cap, no
    group reading it); the next notifier claims the job at its lease's end and posts the event committed."""
    path = write_yaml(f'subscriptions: [{{id: desk, channels: [{{webhook: {{url: "{receiver.url("hook")}"}}}}]}}]')
    first = await notifier(config=fast_config(delivery_lease_seconds=1.0), subscriptions=path)
    dropped = []
    first.service.worker.take = lambda jobs, offered, handed, *, lease_until: dropped.extend(handed or ())
    await publish_classified(first.service, release(BORDERS))
    await wait_for(lambda: dropped, what="the commit that handed the job")
    streams = first.service.runtime.streams
    [(_, fields)] = await streams.client.xrange(streams.key(ALERTS))
    committed = decode_event(fields[EVENT_FIELD.encode()])
    await first.stop()
    second = await notifier(config=fast_config(delivery_lease_seconds=1.0), subscriptions=path)
    streams = second.service.runtime.streams
    assert await streams.trim_consumed(streams.key(ALERTS), cap=0) == 1  # the job still leased
    client = streams.client

    await wait_for(lambda: len(receiver.hits("hook")) == 1, timeout=10, what="the job sent by the next notifier")
    posted = json.loads(receiver.hits("hook")[0][2])
    assert posted["id"] == committed.id and posted["data"] == committed.data.model_dump(mode="json")
    assert await client.xlen(streams.key(DEAD_LETTERS)) == 0


def _event():
    """An event to record with an attempt (its audit event, or its dead letter)."""
    now = datetime.now(timezone.utc)
    return DeadLetterEvent.wrap(DeadLetter(stream="s", payload={}, reason="r", deliveries=1, at=now), id="x",
                                source="/test", time=now, subject="s")
