"""One mailbox is mailed once: an address given twice in a subscription (whatever its case or display name) is
refused, as a channel given twice is; one stored twice before that check is read back once."""

import json

import pytest

from services.notifier.store import load_file
from services.notifier.subscriptions import Subscription, SubscriptionError, parse_subscription

TWICE = ["twice@example.org", "Twice@Example.org", '"T" <twice@example.org>']


def _errors(channels) -> list[dict[str, str]]:
    with pytest.raises(SubscriptionError) as info:
        parse_subscription({"id": "dupmail", "channels": channels})
    return info.value.errors


def test_an_address_repeated_in_one_email_channel_is_refused_whatever_its_case_or_display_name():
    assert _errors([{"email": {"to": TWICE}}]) == [{
        "field": "channels.0.to",
        "message": "recipient 2 (Twice@Example.org) is recipient 1 again (twice@example.org): "
                   "each message would be sent to it twice"}]


def test_an_address_in_two_email_channels_is_refused():
    assert _errors([{"email": "a@example.org"}, "console", {"email": {"to": ["b@example.org", "A@EXAMPLE.org"]}}]) \
        == [{"field": "channels",
             "message": "recipient 2 of channel 3 (A@EXAMPLE.org) is recipient 1 of channel 1 again (a@example.org): "
                        "each message would be sent to it twice"}]


def test_a_subscriptions_file_with_a_repeated_address_is_refused(tmp_path):
    path = tmp_path / "subs.yaml"
    path.write_text("subscriptions:\n  - id: dupmail\n    channels:\n"
                    "      - email: {to: [jane@example.org, '\"Jane Doe\" <JANE@example.org>']}\n")
    with pytest.raises(SubscriptionError, match=r"subscriptions\.0 \('dupmail'\): channels\.0\.to: recipient 2 .* is recipient 1"):
        load_file(path)


def test_distinct_addresses_are_kept_as_written():
    sub = parse_subscription({"id": "s", "channels": [{"email": {"to": ["a@example.org", '"B" <b@example.org>']}},
                                                      {"email": "c@example.org"}]})
    assert [c.to for c in sub.channels] == [["a@example.org", '"B" <b@example.org>'], ["c@example.org"]]


def test_an_address_stored_twice_before_it_was_refused_is_read_back_once():
    stored = '{"id": "s", "channels": [{"type": "email", "to": ["twice@example.org", "Twice@Example.org"]}]}'
    assert Subscription.model_validate_json(stored).channels[0].to == ["twice@example.org"]


def test_one_stored_in_two_email_channels_before_it_was_refused_can_be_paused_and_resumed():
    older = Subscription.model_validate_json(
        '{"id": "s", "channels": [{"email": {"to": ["a@x.org"]}}, {"email": {"to": ["A@x.org", "b@x.org"]}}]}')
    for paused_until in (None, "2030-01-01T00:00:00Z"):
        again = parse_subscription({**json.loads(older.stored()), "paused_until": paused_until}, kept=older.channels)
        assert again.channels == older.channels
    with pytest.raises(SubscriptionError, match="recipient 1 of channel 2"):
        parse_subscription(json.loads(older.stored()))  # given as new: refused
