"""A display name holding a bidi embedding, override or isolate, written or in an encoded word, is refused when
given; a subscription stored with one before that check is read back, can be paused and resumed, and its
recipient is mailed under the display name without them, which reorders nothing."""

import json

import pytest

from services.notifier.channels.email import EmailSender
from services.notifier.config import NotifierConfig
from services.notifier.subscriptions import Subscription, SubscriptionError, parse_subscription

ISOLATED = '"\u2067Jane\u2069" <jane@example.org>'  # as a phone wraps a name it shows
ENCODED = "=?utf-8?b?4oCu?= Doe <doe@example.org>"  # U+202E, encoded
STORED = json.dumps({"id": "s", "channels": [{"type": "email", "to": [ISOLATED, ENCODED]}]})


def test_a_subscription_stored_with_such_a_display_name_before_the_check_is_read_back_as_written():
    # Before: it was skipped as invalid, every channel of it, from the upgrade on: its subscriber got nothing.
    assert Subscription.model_validate_json(STORED).channels[0].to == [ISOLATED, ENCODED]


def test_one_stored_so_can_be_paused_and_resumed_and_given_anew_is_refused():
    older = Subscription.model_validate_json(STORED)
    for paused_until in (None, "2030-01-01T00:00:00Z"):
        again = parse_subscription({**json.loads(older.stored()), "paused_until": paused_until}, kept=older.channels)
        assert again.channels == older.channels
    with pytest.raises(SubscriptionError, match="bidi embedding, override or isolate"):
        parse_subscription(json.loads(older.stored()))


def test_its_recipients_are_mailed_under_their_display_names_without_the_controls():
    [channel] = Subscription.model_validate_json(STORED).channels
    sender = EmailSender(channel.to, NotifierConfig())
    assert [(r.display_name, r.addr_spec) for r in sender.to] == [
        ("Jane", "jane@example.org"), ("Doe", "doe@example.org")]
