"""A queued delivery job's document: a job never replayed is written as versions before replays counted wrote
it, so a notifier rolled back to one of them still reads every job queued meanwhile (jobs refuse unknown
fields)."""

import json

from services.notifier.outbox import DeliveryJob


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
