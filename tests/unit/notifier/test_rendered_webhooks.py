"""A webhook job carries its message's CloudEvent rendered once, when it is queued; the POST made from it is
the one the message itself would give."""

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
