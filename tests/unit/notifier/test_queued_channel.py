"""Which of a subscription's channels a queued delivery goes out on now: the channel it was queued for when the
subscription still has it as it was (compared as the channel model reads them, so that a job written by an
earlier version, without a field added since, still matches); the subscription's channel sending to the same
place when only its settings changed (a webhook's secret or content mode, an email channel's recipients with one
in common); none when the subscription no longer sends there."""

import pytest

from services.notifier.presence import cancellation
from services.notifier.queued_channel import channel_now
from services.notifier.subscriptions import Subscription

HOOK = "https://hooks.example.org/desk"
CHAT = "json://hooks.example.org/chat"


def _sub(*channels):
    return Subscription.model_validate({"id": "desk", "channels": list(channels)})


def _spec(sub, n=0):
    """A channel as a job made now holds it."""
    return sub.channels[n].model_dump(mode="json")


def _queued(channel):
    return _spec(_sub(channel))


@pytest.mark.parametrize("queued, now", [
    ({"webhook": {"url": HOOK}}, {"webhook": {"url": HOOK}}),
    ({"email": {"to": ["a@example.org"]}}, {"email": {"to": ["a@example.org"]}}),
    ({"apprise": CHAT}, {"apprise": CHAT}),
    ("console", "console"),
])
def test_a_channel_the_subscription_has_as_it_was_goes_out_as_queued(queued, now):
    spec = _queued(queued)
    assert channel_now(_sub(now), spec) is spec


@pytest.mark.parametrize("queued, now", [
    pytest.param({"webhook": {"url": HOOK, "secret": "s1"}}, {"webhook": {"url": HOOK, "secret": "s2"}},
                 id="secret-rotated"),
    pytest.param({"webhook": {"url": HOOK}}, {"webhook": {"url": HOOK, "secret": "s2"}}, id="secret-set"),
    pytest.param({"webhook": {"url": HOOK, "secret": "s1"}}, {"webhook": {"url": HOOK}}, id="secret-taken-out"),
    pytest.param({"webhook": {"url": HOOK}}, {"webhook": {"url": HOOK, "content_mode": "binary"}},
                 id="content-mode"),
    pytest.param({"email": {"to": ["a@example.org"]}}, {"email": {"to": ["a@example.org", "b@example.org"]}},
                 id="recipient-added"),
    pytest.param({"email": {"to": ["a@example.org", "b@example.org"]}}, {"email": {"to": ["b@example.org"]}},
                 id="recipient-taken-out"),
    pytest.param({"email": {"to": ["a@example.org"]}}, {"email": {"to": ["Ann <A@Example.org>"]}},
                 id="display-name-and-case"),
])
def test_a_channel_sending_to_the_same_place_with_other_settings_goes_out_as_it_is_now(queued, now):
    assert channel_now(_sub(now), _queued(queued)) == _queued(now)


@pytest.mark.parametrize("queued, now", [
    pytest.param({"webhook": {"url": HOOK, "secret": "s1"}}, {"webhook": {"url": HOOK + "2", "secret": "s1"}},
                 id="url-changed"),
    pytest.param({"webhook": {"url": HOOK}}, {"webhook": {"url": HOOK + "?token=new"}}, id="url-token-changed"),
    pytest.param({"email": {"to": ["a@example.org"]}}, {"email": {"to": ["b@example.org"]}},
                 id="recipients-replaced"),
    pytest.param({"apprise": CHAT}, {"apprise": CHAT + "2"}, id="apprise-url-changed"),
    pytest.param({"apprise": "slack://T1/B1/old"}, {"apprise": "slack://T1/B1/new"}, id="apprise-token-rotated"),
    pytest.param({"webhook": {"url": HOOK}}, {"apprise": CHAT}, id="another-type"),
    pytest.param({"webhook": {"url": HOOK}}, "console", id="webhook-to-console"),
])
def test_a_channel_sending_elsewhere_now_has_nowhere_to_go(queued, now):
    assert channel_now(_sub(now), _queued(queued)) is None


def test_a_channel_among_several_is_found_wherever_it_now_is():
    queued = _queued({"webhook": {"url": HOOK, "secret": "s1"}})
    now = _sub("console", {"email": "a@example.org"}, {"webhook": {"url": HOOK, "secret": "s2"}})
    assert channel_now(now, queued) == _spec(now, 2)


def test_of_email_channels_sending_to_the_same_place_the_one_sharing_most_recipients_is_taken():
    queued = _queued({"email": {"to": ["a@example.org", "b@example.org", "c@example.org"]}})
    now = _sub({"email": {"to": ["a@example.org"]}}, {"email": {"to": ["b@example.org", "c@example.org"]}},
               {"email": {"to": ["c@example.org", "a@example.org", "d@example.org"]}})
    assert channel_now(now, queued) == _spec(now, 1)


def test_a_job_written_without_the_fields_added_since_goes_out_as_queued():
    written_before = {"type": "webhook", "url": HOOK}  # no secret, no content_mode: as older versions wrote it
    assert channel_now(_sub({"webhook": {"url": HOOK}}), written_before) is written_before


def test_a_spec_no_channel_model_reads_is_not_a_change():
    spec = {"type": "carrier-pigeon"}
    assert channel_now(_sub({"webhook": {"url": HOOK}}), spec) is spec


def test_the_cancellation_says_whether_the_subscription_or_its_channel_is_gone():
    assert cancellation("desk").startswith("cancelled: subscription deleted")
    changed = cancellation("desk", "HTTP 500", why="changed")
    assert changed.startswith("cancelled: channel changed") and changed.endswith("; this attempt failed: HTTP 500")
