"""Which of a subscription's channels a queued delivery goes out on now: the channel it was queued for when the
subscription still has it as it was (compared as the channel model reads them, so that a job written by an
earlier version, without a field added since, still matches); the subscription's channel sending to the same
place when only its settings changed (a webhook's secret or content mode: of several at its URL, the one at the
job's position); an email job's own recipients still listed in any email channel; none when the subscription no
longer sends there."""

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


def _to(spec):
    return spec["to"] if spec is not None else None


A, B, C = "a@example.org", "b@example.org", "c@example.org"


def test_email_channels_merged_each_job_goes_to_its_own_recipients_only():
    merged = _sub({"email": {"to": [A, B]}})
    assert _to(channel_now(merged, _queued({"email": {"to": [A]}}), 0)) == [A]
    assert _to(channel_now(merged, _queued({"email": {"to": [B]}}), 1)) == [B]


def test_an_email_channel_split_in_two_its_job_goes_to_both():
    split = _sub({"email": {"to": [A]}}, {"email": {"to": [B]}})
    assert _to(channel_now(split, _queued({"email": {"to": [A, B]}}), 0)) == [A, B]


def test_a_recipient_added_gets_nothing_already_queued():
    spec = _queued({"email": {"to": [A]}})
    assert channel_now(_sub({"email": {"to": [A, B]}}), spec, 0) is spec


def test_a_recipient_taken_out_gets_nothing_more_and_one_renamed_is_written_as_now():
    now = channel_now(_sub({"email": {"to": ["Bea <B@Example.org>", C]}}), _queued({"email": {"to": [A, B, C]}}), 0)
    assert _to(now) == ["Bea <B@Example.org>", C]


def test_an_email_job_none_of_whose_recipients_is_listed_is_cancelled():
    replaced = _sub({"email": {"to": [C]}}, {"webhook": {"url": HOOK}})
    assert channel_now(replaced, _queued({"email": {"to": [A, B]}})) is None


def _hooks(*secrets):
    return _sub(*({"webhook": {"url": HOOK, "secret": s}} for s in secrets))


def test_of_two_webhooks_at_one_url_a_rotated_one_is_found_at_its_own_position():
    queued = _hooks("s1", "s2")
    rotated = _hooks("s1", "s2-new")
    assert channel_now(rotated, _spec(queued, 1), 1) == _spec(rotated, 1)
    assert channel_now(rotated, _spec(queued, 0), 0) == _spec(queued, 0)


def test_a_jobs_position_is_asked_for_only_when_its_channel_changed_and_then_used():
    """The position is worked out (a hash per position tried) only for a job whose subscription no longer has its
    channel as it was; a job judged as queued never asks for it."""
    asked = []

    def position(n):
        return lambda: asked.append(n) or n

    queued = _hooks("s1", "s2")
    assert channel_now(queued, _spec(queued, 1), position(1)) == _spec(queued, 1)
    assert asked == []
    rotated = _hooks("s1", "s2-new")
    assert channel_now(rotated, _spec(queued, 1), position(1)) == _spec(rotated, 1)
    assert asked == [1]


def test_a_subscriptions_channels_are_compared_as_they_are_each_time():
    """Each of a subscription's channels is read once for the comparison, not once per job; a subscription changed
    (a new model, its channels new too) is compared as it is now."""
    spec = _queued({"webhook": {"url": HOOK, "secret": "s1"}})
    for _ in range(3):
        assert channel_now(_hooks("s1"), spec) is spec
        assert channel_now(_hooks("s2"), spec) == _spec(_hooks("s2"))


def test_of_several_webhooks_at_one_url_none_at_its_position_a_job_goes_out_as_queued():
    queued = _spec(_hooks("s1", "s2"), 1)
    assert channel_now(_hooks("s3", "s4"), queued, None) is queued
    now = _sub("console", {"webhook": {"url": HOOK, "secret": "s3"}}, {"webhook": {"url": HOOK, "secret": "s4"}})
    assert channel_now(now, queued, 0) is queued


def test_the_only_webhook_at_its_url_is_taken_wherever_it_is():
    now = _sub({"webhook": {"url": HOOK + "2"}}, {"webhook": {"url": HOOK, "secret": "s2"}})
    assert channel_now(now, _spec(_hooks("s1")), 0) == _spec(now, 1)


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
