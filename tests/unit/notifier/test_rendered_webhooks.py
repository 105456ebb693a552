"""A webhook job carries its message's CloudEvent rendered once, when it is queued; the POST made from it is
the one the message itself would give."""

import json
from datetime import datetime, timezone

import pytest

from samples import BORDERS, FUNDING, release
from services.notifier.alert_effects import alert_effects
from services.notifier.channels.webhook import WebhookSender
from services.notifier.messages import alert_event
from services.notifier.outbox import DeliveryJob
from services.notifier.planning import plan_alerts
from services.notifier.subscriptions import Subscription

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)
HOOK = "https://hooks.example.org/pledges"


def _sub(*channels):
    return Subscription.model_validate({"id": "desk", "channels": list(channels)})


def _alert():
    return plan_alerts(_sub("console"), release(FUNDING, BORDERS), sent={}, elapsed_sent=set(), now=NOW).alerts[0]


def test_a_webhook_job_carries_the_event_the_alert_is_published_as_and_other_channels_none():
    alert = _alert()
    effects = alert_effects(_sub({"webhook": {"url": HOOK}}, "console"), alert, digest_key="d", feed_key="f")
    webhook, console = effects.jobs
    assert effects.event_json == alert_event(alert).to_json()
    assert webhook.event_json == effects.event_json.decode()
    assert console.event_json is None


@pytest.mark.parametrize("mode", ["structured", "binary"])
@pytest.mark.parametrize("secret", [None, "hmac-key"], ids=["unsigned", "signed"])
def test_the_post_of_a_rendered_job_is_the_post_of_its_message(mode, secret):
    alert = _alert()
    job = alert_effects(_sub({"webhook": {"url": HOOK}}), alert, digest_key="d", feed_key="f").jobs[0]
    job = DeliveryJob.model_validate_json(job.model_dump_json())  # as a claim reads it back
    sender = WebhookSender(HOOK, secret, timeout=1, content_mode=mode)
    assert job.event_json is not None
    assert (sender.rendered_request(job.event_json.encode(), job.message_id, now=NOW.timestamp())
            == sender.request(job.message_model(), now=NOW.timestamp()))


def test_a_webhook_job_holds_its_alert_once_and_gives_it_whole_to_its_dead_letter():
    alert = _alert()
    webhook, console = alert_effects(_sub({"webhook": {"url": HOOK}}, "console"), alert, digest_key="d",
                                     feed_key="f").jobs
    webhook = DeliveryJob.model_validate_json(webhook.model_dump_json())  # as a claim reads it back
    assert webhook.message == {"alert_id": alert.alert_id}  # the rest is in its event
    assert webhook.message_id == alert.alert_id and webhook.message_model() == alert
    assert console.message == alert.model_dump(mode="json")  # no event: the message whole, as before
    assert json.loads(webhook.public_payload()["message"]) == json.loads(console.public_payload()["message"])


def test_a_webhook_job_queued_by_the_previous_version_with_its_alert_twice_is_read_as_before():
    alert = _alert()
    job = alert_effects(_sub({"webhook": {"url": HOOK}}), alert, digest_key="d", feed_key="f").jobs[0]
    earlier = DeliveryJob.model_validate_json(job.model_copy(update={"message": alert.model_dump(mode="json")})
                                              .model_dump_json())
    assert earlier.message_id == alert.alert_id and earlier.message_model() == alert
    assert json.loads(earlier.public_payload()["message"]) == alert.model_dump(mode="json")
