"""Subscription validation: the documented YAML works, every bad field has its message."""

import pytest
import yaml

from services.notifier.subscriptions import (Subscription, SubscriptionError, parse_file_document,
                                             parse_subscription)

CT_DESK = """
subscriptions:
  - id: ct-desk
    filter: {counter_terrorism: true}
    channels:
      - webhook: {url: "http://127.0.0.1:9911/hook", secret: "s3cret"}
"""


def test_documented_yaml_is_valid():
    (sub,) = parse_file_document(yaml.safe_load(CT_DESK))
    assert sub.filter.counter_terrorism and sub.channels[0].secret == "s3cret"
    assert sub.reminders == ["P30D", "P7D", "P1D", "P0D"] and sub.mode == "immediate"


@pytest.mark.parametrize("channel, expected", [
    ("console", {"type": "console"}),
    ({"webhook": "https://x.example/h"}, {"type": "webhook", "url": "https://x.example/h", "secret": None,
                                       "content_mode": None}),
    ({"email": "a@example.org"}, {"type": "email", "to": ["a@example.org"]}),
    ({"apprise": "ntfy://ntfy.sh/pledgewatch"}, {"type": "apprise", "url": "ntfy://ntfy.sh/pledgewatch"}),
    ({"type": "webhook", "url": "http://x.example/h"}, {"type": "webhook", "url": "http://x.example/h", "secret": None,
                                                   "content_mode": None}),
])
def test_channel_shorthands(channel, expected):
    assert Subscription(id="s", channels=[channel]).channels[0].model_dump() == expected


@pytest.mark.parametrize("data, field, message", [
    # before: "String should match pattern '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'", shown on the dashboard's form
    ({"id": "", "channels": ["console"]}, "id", "an id is a letter or digit, then letters, digits, '.', '_' or '-' "
                                                "(at most 64 characters)"),
    ({"id": "-x", "channels": ["console"]}, "id", "an id is a letter or digit, then"),
    ({"id": "s", "channels": ["console"], "filter": {"kinds": ["promise"]}}, "filter.kinds.0", "Input should be"),
    ({"id": "s", "channels": ["console"], "filter": {"actors": [" "]}}, "filter.actors", "entries must not be blank"),
    ({"id": "s", "channels": ["console"], "filter": {"topic": "x"}}, "filter.topic", "unknown field"),
    ({"id": "s", "channels": [{"webhook": {"url": "file:///etc/passwd"}}]}, "channels.0.url", "not file://"),
    ({"id": "s", "channels": [{"webhook": {"url": "https://"}}]}, "channels.0.url", "URL has no host"),
    ({"id": "s", "channels": [{"webhook": {"url": "https://x", "token": "t"}}]}, "channels.0.token", "unknown field"),
    ({"id": "s", "channels": [{"apprise": "nosuch://x"}]}, "channels.0.url", "Apprise does not understand"),
    # before: accepted, and sent on Apprise's own shared threads, past the notifier's bounds and one host's check
    ({"id": "s", "channels": [{"apprise": "json://a.example/x,json://b.example/y"}]}, "channels.0.url",
     "this Apprise URL names 2 services; give each its own channel"),
    ({"id": "s", "channels": [{"email": {"to": []}}]}, "channels.0.to", "at least 1 item"),
    ({"id": "s", "channels": ["console"], "mode": "hourly"}, "mode", "Input should be 'immediate' or 'digest'"),
    ({"id": "s", "channels": ["console"], "digest_at": "8am"}, "digest_at", "expected a time of day as HH:MM"),
    ({"id": "s", "channels": ["console"], "reminders": ["P7D", "P7D"]}, "reminders",
     "offset 2, 'P7D', is offset 1, 'P7D', again"),
    ({"id": "s", "channels": ["console"], "paused_until": "2030-01-01T00:00:00"}, "paused_until",
     "not a date or a time with a zone"),  # the pause routes' message (before: pydantic's "timezone info")
    # before: accepted, and every message was sent twice
    ({"id": "s", "channels": ["console", "console"]}, "channels", "channel 2 is channel 1 again"),
    ({"id": "s", "channels": [{"webhook": {"url": "https://x.example/h"}}, "console",
                              {"webhook": {"url": "https://x.example/h"}}]}, "channels", "channel 3 is channel 1 again"),
], ids=["id", "id-leading-dash", "kind",
        "blank-actor", "unknown-filter-field", "file-scheme", "no-host", "unknown-channel-field",
        "apprise", "apprise-two-services", "no-recipients", "mode", "digest-time", "duplicate-offsets", "naive-pause", "same-channel-twice",
        "same-webhook-twice"])
def test_bad_field_is_named_with_its_message(data, field, message):
    with pytest.raises(SubscriptionError) as info:
        parse_subscription(data)
    assert [e["field"] for e in info.value.errors] == [field]
    assert message in info.value.errors[0]["message"]


def test_file_errors_name_the_entry_by_place_and_id_and_duplicate_ids():
    """Before: ``subscriptions.2.channels.0``, the place alone, to be counted out in a long file."""
    doc = {"subscriptions": [{"id": "a", "channels": ["console"]}, {"id": "a", "channels": ["console"]},
                             {"id": "b", "channels": ["carrier-pigeon"]}, {"channels": ["console"]}]}
    with pytest.raises(SubscriptionError) as info:
        parse_file_document(doc)
    assert [e["field"] for e in info.value.errors] == ["subscriptions.1 ('a'): id", "subscriptions.2 ('b'): channels.0",
                                                      "subscriptions.3.id"]
    assert info.value.errors[0]["message"] == "duplicate id 'a' (subscriptions.0 has it too)"


def test_yaml_sexagesimal_digest_time_is_read_as_a_time():
    (sub,) = parse_file_document(yaml.safe_load("subscriptions: [{id: d, mode: digest, digest_at: 07:30, channels: [console]}]"))
    assert sub.digest_at.strftime("%H:%M") == "07:30"


def test_secrets_are_redacted_in_public_json_and_kept_in_stored_json():
    sub = Subscription(id="s", channels=[{"webhook": {"url": "https://x.example/h", "secret": "k"}}])
    assert sub.model_dump(mode="json")["channels"] == [{"webhook": {"url": "https://x.example/***", "secret": "***"}}]
    assert Subscription.model_validate_json(sub.stored()) == sub


@pytest.mark.parametrize("given, shown", [
    pytest.param({}, None, id="no-filter"),
    pytest.param({"counter_terrorism": False, "min_confidence": 0}, None, id="false-means-no-filter"),
    pytest.param({"counter_terrorism": True}, {"counter_terrorism": True}, id="counter-terrorism"),
    pytest.param({"kinds": ["pledge"], "min_confidence": 0.7}, {"kinds": ["pledge"], "min_confidence": 0.7},
                 id="kinds-and-confidence"),
])
def test_only_the_filter_criteria_that_are_set_are_shown(given, shown):
    sub = parse_subscription({"id": "s", "channels": ["console"], "filter": given})
    public = sub.model_dump(mode="json")
    assert public.get("filter") == shown
    assert parse_subscription(yaml.safe_load(yaml.safe_dump(public))) == sub  # read back as it was


def test_a_channel_stored_twice_before_it_was_refused_is_read_back_once():
    stored = '{"id": "s", "channels": [{"type": "console"}, {"type": "console"}]}'
    assert [c.type for c in Subscription.model_validate_json(stored).channels] == ["console"]
