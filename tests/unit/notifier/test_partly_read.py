"""A release read only in part (a language not supported, stopped at 500 commitments or at the time budget)
says so in every alert of it: ``unsupported_reason`` in the alert's data (schema v5) and a line in every
rendering, so a subscriber knows commitments may be missing."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from samples import FUNDING, release
from schemas import decode_event
from schemas.alerts import AlertEvent
from schemas.classified import ReleaseClassified
from services.notifier.mail_html import render_alert_html
from services.notifier.messages import alert_event, message_json, message_text
from services.notifier.planning import plan_alerts
from services.notifier.subscriptions import Subscription

NOW = datetime(2026, 12, 4, 9, 30, tzinfo=timezone.utc)
SUB = Subscription(id="desk", channels=["console"])
REASON = "read up to character 93681 of 1900000: stopped at 500 commitments"


def partly_read(r: ReleaseClassified, reason: str | None = REASON) -> ReleaseClassified:
    return ReleaseClassified.model_validate({**r.model_dump(), "unsupported_reason": reason})


def test_an_alert_of_a_release_read_in_part_carries_the_reason_and_every_rendering_says_it():
    [alert] = plan_alerts(SUB, partly_read(release(FUNDING)), sent={}, elapsed_sent=set(), now=NOW).alerts
    assert alert.unsupported_reason == REASON
    _, text = message_text(alert)
    assert f"Read only in part ({REASON})" in text and "may hold commitments not listed here" in text
    assert "Read only in part" in render_alert_html(alert, unsubscribe_url=None)
    event = json.loads(message_json(alert))
    assert event["dataschema"] == "https://pledgewatch.org/schemas/pledgewatch.alert/v6/data.json"
    assert event["data"]["unsupported_reason"] == REASON
    assert decode_event(message_json(alert)).data == alert


def test_a_release_read_in_full_says_nothing_of_it_and_a_v4_alert_is_still_read():
    [alert] = plan_alerts(SUB, release(FUNDING), sent={}, elapsed_sent=set(), now=NOW).alerts
    assert alert.unsupported_reason is None and "Read only in part" not in message_text(alert)[1]
    event = json.loads(alert_event(alert).to_json())
    del event["data"]["unsupported_reason"]
    event["dataschema"] = "https://pledgewatch.org/schemas/pledgewatch.alert/v4/data.json"
    decoded = decode_event(json.dumps(event).encode())
    assert isinstance(decoded, AlertEvent) and decoded.data == alert
