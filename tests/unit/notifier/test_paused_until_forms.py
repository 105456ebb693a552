"""A subscription's ``paused_until`` reads a pause's end as the CLI's ``--until``, the API's pause and the dashboard
do (:func:`services.notifier.bounds.pause_end`): a date alone is 00:00 UTC of that day; a time gives its zone.

Before: ``paused_until: 2026-12-10`` in the subscriptions file, or a date alone in a PUT or PATCH body, was refused
("Input should be a valid datetime" / "Input should have timezone info") though a pause took it."""

from datetime import datetime, timedelta, timezone

import pytest

from services.notifier.store import load_file
from services.notifier.subscriptions import Subscription, SubscriptionError, parse_subscription

UTC = timezone.utc


def _sub(**fields):
    return {"id": "s", "channels": ["console"], **fields}


def _file(tmp_path, paused_until):
    path = tmp_path / "subs.yaml"
    path.write_text(f"subscriptions:\n  - id: s\n    channels: [console]\n    paused_until: {paused_until}\n")
    return path


@pytest.mark.parametrize("written, stored", [
    pytest.param("2026-12-10", "2026-12-10T00:00:00Z", id="date-alone"),
    pytest.param("'2026-12-10'", "2026-12-10T00:00:00Z", id="date-alone-quoted"),
    pytest.param("2026-12-10T09:30:00Z", "2026-12-10T09:30:00Z", id="time-in-utc"),
    pytest.param("2026-12-10T09:30:00+01:00", "2026-12-10T09:30:00+01:00", id="time-with-offset"),
    pytest.param("'2026-12-10t09:30:00z'", "2026-12-10T09:30:00Z", id="lower-case-t-and-z"),  # as RFC 3339 allows
])
def test_a_yaml_file_takes_a_date_alone_or_a_time_with_its_zone(tmp_path, written, stored):
    (sub,) = load_file(_file(tmp_path, written))
    assert sub.model_dump(mode="json")["paused_until"] == stored


@pytest.mark.parametrize("written", [
    pytest.param("2026-12-10 09:30:00", id="yaml-timestamp-without-zone"),
    pytest.param("'2026-12-10T09:30'", id="text-without-zone"),
    pytest.param("tomorrow", id="words"),
])
def test_a_yaml_file_without_a_zone_says_what_to_give(tmp_path, written):
    with pytest.raises(SubscriptionError) as refused:
        load_file(_file(tmp_path, written))
    assert "not a date or a time with a zone (e.g. 2026-02-01" in str(refused.value)


def test_a_body_with_a_date_alone_is_that_day_from_midnight_utc():
    sub = parse_subscription(_sub(paused_until="2026-12-10"), now=datetime(2026, 12, 6, tzinfo=UTC))
    assert sub.paused_until == datetime(2026, 12, 10, tzinfo=UTC) and sub.paused_until.utcoffset() == timedelta(0)
    assert '"paused_until":"2026-12-10T00:00:00Z"' in sub.stored()


@pytest.mark.parametrize("given, message", [
    pytest.param("2026-12-10T09:30", "not a date or a time with a zone (e.g. 2026-02-01", id="time-without-zone"),
    pytest.param("10/12/2026", "not a date or a time with a zone (e.g. 2026-02-01", id="not-iso"),
    pytest.param("1900000000", "expected an ISO 8601 time with a zone", id="unix-seconds"),
    pytest.param("2001-01-01", "in the past", id="date-in-the-past"),
    pytest.param("2100-01-01", "must be before 2100", id="date-past-the-bound"),
])
def test_a_bad_value_is_refused_with_the_pause_message(given, message):
    with pytest.raises(SubscriptionError) as refused:
        parse_subscription(_sub(paused_until=given), now=datetime(2026, 12, 6, tzinfo=UTC))
    (error,) = refused.value.errors
    assert error["field"] == "paused_until" and message in error["message"], error


def test_a_stored_pause_reads_back_unchanged():
    stored = '{"id":"s","channels":["console"],"paused_until":"2030-01-01T09:00:00+01:00"}'
    assert Subscription.model_validate_json(stored).paused_until.isoformat() == "2030-01-01T09:00:00+01:00"
