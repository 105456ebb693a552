"""Every duration, time, date, URL and list a subscription holds is bounded, with a clear reason.

What got through before: reminders ["P3000Y"] (planning then failed for every subscriber),
"P99999999999D" (an OverflowError, a 500), ``http://[::1``, ``digest_at: 800``, a pause until
year 9999 or 0001.
"""

from datetime import datetime, timezone

import pytest

from services.notifier.subscriptions import SubscriptionError, parse_file_document, parse_subscription
from services.notifier.yaml_text import load_yaml

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def _sub(**fields):
    return {"id": "s", "channels": ["console"], **fields}


def _hook(url):
    return _sub(channels=[{"webhook": {"url": url}}])


@pytest.mark.parametrize(("data", "field", "message"), [
    pytest.param(_sub(reminders=["P3000Y"]), "reminders", "longer than P5Y", id="offset-3000-years"),
    pytest.param(_sub(reminders=["P99999999999D"]), "reminders", "longer than P5Y", id="offset-overflow"),
    pytest.param(_sub(reminders=["PT" + "9" * 5000 + "S"]), "reminders", "not an ISO 8601 duration", id="long-text"),
    pytest.param(_sub(reminders=[f"P{i}D" for i in range(30)]), "reminders", "at most 20", id="too-many"),
    pytest.param(_sub(digest_at=800), "digest_at", "HH:MM", id="digest-int"),
    pytest.param(_sub(digest_at="25:99"), "digest_at", "HH:MM", id="digest-25-99"),
    pytest.param(_sub(digest_at="08:30:99"), "digest_at", "HH:MM", id="digest-seconds"),
    pytest.param(_sub(digest_at=True), "digest_at", "HH:MM", id="digest-bool"),
    pytest.param(_sub(paused_until="9999-12-31T23:00:00-05:00"), "paused_until", "before 2100", id="pause-9999"),
    pytest.param(_sub(paused_until="0001-01-01T00:00:00Z"), "paused_until", "from 2000", id="pause-0001"),
    pytest.param(_hook("http://[::1"), "channels.0.url", "not a well-formed URL", id="url-open-bracket"),
    pytest.param(_hook("http://exa mple.org/"), "channels.0.url", "not a well-formed URL", id="url-space"),
    pytest.param(_hook("http://example.org:99999/"), "channels.0.url", "not a well-formed URL", id="url-port"),
    pytest.param(_hook("https://example.org/\x00"), "channels.0.url", "not a well-formed URL", id="url-control"),
    pytest.param(_hook("https://example.org/" + "a" * 3000), "channels.0.url", "at most 2048", id="url-long"),
    pytest.param(_hook("javascript://example.org/"), "channels.0.url", "only http and https", id="url-js"),
    # a scheme written without "//" was told "no scheme given": the reason says how the URL must start
    pytest.param(_hook("htp:/hooks.example.org/x"), "channels.0.url",
                 "only http and https URLs are allowed: it must start with http:// or https://",
                 id="url-scheme-without-slashes"),
    pytest.param(_hook("hooks.example.org/x"), "channels.0.url",
                 "only http and https URLs are allowed: it must start with http:// or https://", id="url-no-scheme"),
    pytest.param(_sub(filter={"keywords": ["k"] * 101}), "filter.keywords", "at most 100", id="many-keywords"),
    pytest.param(_sub(filter={"actors": ["a" * 201]}), "filter.actors.0", "at most 200", id="long-actor"),
    pytest.param(_sub(channels=[{"email": {"to": ["a@b.org"] * 101}}]), "channels.0.to", "at most 100",
                 id="many-recipients"),
    pytest.param(_sub(channels=["console"] * 21), "channels", "at most 20", id="many-channels"),
])
def test_out_of_bounds_field_is_refused_with_its_reason(data, field, message):
    with pytest.raises(SubscriptionError) as info:
        parse_subscription(data)
    assert [e["field"] for e in info.value.errors] == [field], info.value.errors
    assert message in info.value.errors[0]["message"]


@pytest.mark.parametrize(("data", "field"), [
    pytest.param(_sub(paused_until="2026-02-28T12:00:00Z"), "paused_until", id="pause-in-the-past"),
])
def test_a_pause_given_now_must_not_be_in_the_past(data, field):
    with pytest.raises(SubscriptionError) as info:
        parse_subscription(data, now=NOW)
    assert info.value.errors == [{"field": field, "message": "is in the past (now 2026-03-01T12:00:00+00:00)"}]


def test_an_expired_pause_read_back_without_a_clock_is_still_valid():
    assert parse_subscription(_sub(paused_until="2020-01-01T00:00:00Z")).paused_until.year == 2020


def test_values_inside_the_bounds_pass():
    sub = parse_subscription(_sub(reminders=["P5Y", "P1M", "PT36H", "P0D"], digest_at="7:05",
                                  paused_until="2099-12-31T23:59:59+01:00",
                                  channels=[{"webhook": {"url": "https://[2001:db8::1]:8443/in?x=1"}}]), now=NOW)
    assert sub.digest_at.strftime("%H:%M") == "07:05" and sub.reminders[0] == "P5Y"


def test_a_yaml_file_reads_an_unquoted_time_as_text_not_as_base_60_minutes():
    (sub,) = parse_file_document(load_yaml(
        "subscriptions: [{id: d, mode: digest, digest_at: 07:30, reminders: [P1D], channels: [console]}]"))
    assert sub.digest_at.strftime("%H:%M") == "07:30"
    assert load_yaml("a: 1\nb: 08:30\nc: 1_000\nd: 0x10") == {"a": 1, "b": "08:30", "c": 1000, "d": 16}


def test_the_now_a_past_pause_is_told_against_is_to_the_second():
    """Before: "is in the past (now 2026-12-05T11:45:26.715662+00:00)" on the dashboard, microseconds and all."""
    with pytest.raises(SubscriptionError) as info:
        parse_subscription(_sub(paused_until="2026-02-28T12:00:00Z"), now=NOW.replace(microsecond=715662))
    assert info.value.errors[0]["message"] == "is in the past (now 2026-03-01T12:00:00+00:00)"


# before: "HH:MM (UTC)" for every subscription, though digest_at is a time in its own timezone
@pytest.mark.parametrize(("zone", "message"), [
    pytest.param({"timezone": "Australia/Sydney"},
                 "expected a time of day as HH:MM in the subscription's timezone (Australia/Sydney), 00:00 to 23:59",
                 id="own-zone"),
    pytest.param({}, "expected a time of day as HH:MM in the subscription's timezone (UTC), 00:00 to 23:59",
                 id="no-zone"),
    pytest.param({"timezone": "Mars/Olympus"}, "expected a time of day as HH:MM in the subscription's timezone, "
                 "00:00 to 23:59", id="unknown-zone"),
])
def test_bad_digest_at_is_told_in_the_subscriptions_timezone(zone, message):
    with pytest.raises(SubscriptionError) as info:
        parse_subscription(_sub(mode="digest", digest_at="7am", **zone))
    assert {"field": "digest_at", "message": message} in info.value.errors, info.value.errors
