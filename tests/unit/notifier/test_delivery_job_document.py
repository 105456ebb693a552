"""A queued delivery job's document: a job never replayed is written as versions before replays counted wrote
it, so a notifier rolled back to one of them still reads every job queued meanwhile (jobs refuse unknown
fields); its channel's position is read back from its id."""

import json
from datetime import datetime, timezone

import pytest

from samples import BORDERS, release
from services.notifier.outbox import DeliveryJob, jobs_for
from services.notifier.planning import plan_alerts
from services.notifier.subscriptions import Subscription


def _job(**extra: object) -> DeliveryJob:
    return DeliveryJob(job_id="j1", subscription_id="desk", channel={"type": "webhook", "url": "https://x.example/h"},
                       kind="alert", message={"alert_id": "a1"}, **extra)


def test_a_job_never_replayed_has_no_replays_field() -> None:
    document = json.loads(_job().model_dump_json())
    assert "replays" not in document
    assert DeliveryJob.model_validate(document) == _job()


def test_a_replayed_job_keeps_its_round() -> None:
    job = _job(replays=2, attempts=1)
    document = job.model_dump_json()
    assert json.loads(document)["replays"] == 2
    assert DeliveryJob.model_validate_json(document) == job



@pytest.mark.parametrize("replays", [0, 1, 3], ids=["never-replayed", "replayed-once", "replayed-three-times"])
def test_every_form_of_a_jobs_document_has_its_replays_only_once_replayed(replays: int) -> None:
    job = _job(replays=replays, attempts=2, event_json='{"id": "a1"}')
    expected = {"job_id": "j1", "subscription_id": "desk", "channel": {"type": "webhook", "url": "https://x.example/h"},
                "kind": "alert", "message": {"alert_id": "a1"}, "attempts": 2,
                **({"replays": replays} if replays else {}), "event_json": '{"id": "a1"}'}
    assert job.model_dump() == json.loads(job.model_dump_json()) == expected  # in this order, as always written
    assert list(json.loads(job.model_dump_json())) == list(expected)
    assert json.loads(job.json_naming_event()) == {k: v for k, v in expected.items() if k != "event_json"}
    assert DeliveryJob.model_validate_json(job.model_dump_json()) == job


def test_a_job_knows_its_channels_position_from_its_id_until_its_channel_is_replaced() -> None:
    hooks = [{"webhook": {"url": "https://x.example/h", "secret": secret}} for secret in ("s1", "s2")]
    sub = Subscription.model_validate({"id": "desk", "channels": ["console", *hooks]})
    alert = plan_alerts(sub, release(BORDERS), sent={}, elapsed_sent=set(),
                        now=datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)).alerts[0]
    jobs = jobs_for(sub, alert)
    assert [job.channel_position() for job in jobs] == [0, 1, 2]
    rotated = jobs[2].model_copy(update={"channel": {**jobs[2].channel, "secret": "s3"}})
    assert rotated.channel_position() is None


def test_the_generation_a_job_was_planned_for_is_not_written_into_it():
    """Kept beside the job (``notifier:job-generation``): a notifier rolled back to a version before it still reads
    every job queued meanwhile (its decoder refuses a field it does not know)."""
    marked = _job().planned_for(3)
    assert marked.generation == 3
    assert marked.model_dump_json() == _job().model_dump_json()
    assert DeliveryJob.model_validate_json(marked.model_dump_json()).generation is None


def test_a_jobs_generation_is_none_until_marked_and_kept_by_a_copy():
    assert _job().generation is None
    assert DeliveryJob.model_construct().generation is None
    marked = _job().planned_for(0)
    assert marked.generation == 0 and marked.model_copy(update={"attempts": 1}).generation == 0
    assert marked.planned_for(None).generation is None
