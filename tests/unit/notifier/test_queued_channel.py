"""Whether a subscription still has the channel a queued delivery was made for: equal as the channel model reads
them, so that a job written by an earlier version (without a field added since) still matches."""

import pytest

from services.notifier.presence import cancellation, holds_channel
from services.notifier.subscriptions import Subscription

HOOK = "https://hooks.example.org/desk"


def _sub(*channels):
    return Subscription.model_validate({"id": "desk", "channels": list(channels)})


def _spec(sub, n=0):
    """A channel as a job made now holds it."""
    return sub.channels[n].model_dump(mode="json")


@pytest.mark.parametrize("queued, now, held", [
    ({"webhook": {"url": HOOK}}, {"webhook": {"url": HOOK}}, True),
    ({"webhook": {"url": HOOK}}, {"webhook": {"url": HOOK + "2"}}, False),
    ({"webhook": {"url": HOOK, "secret": "s1"}}, {"webhook": {"url": HOOK, "secret": "s2"}}, False),
    ({"email": {"to": ["a@example.org"]}}, {"email": {"to": ["a@example.org", "b@example.org"]}}, False),
    ({"webhook": {"url": HOOK}}, {"email": {"to": ["a@example.org"]}}, False),
])
def test_a_channel_is_held_when_the_subscription_has_it_as_it_was(queued, now, held):
    assert holds_channel(_sub(now), _spec(_sub(queued))) is held


def test_a_channel_among_several_is_held_wherever_it_now_is():
    queued = _spec(_sub({"webhook": {"url": HOOK}}))
    assert holds_channel(_sub({"console": {}}, {"webhook": {"url": HOOK}}), queued)


def test_a_job_written_without_the_fields_added_since_is_held():
    written_before = {"type": "webhook", "url": HOOK}  # no secret, no content_mode: as older versions wrote it
    assert holds_channel(_sub({"webhook": {"url": HOOK}}), written_before)


def test_a_spec_no_channel_model_reads_is_not_a_change():
    assert holds_channel(_sub({"webhook": {"url": HOOK}}), {"type": "carrier-pigeon"})


def test_the_cancellation_says_whether_the_subscription_or_its_channel_is_gone():
    assert cancellation("desk").startswith("cancelled: subscription deleted")
    changed = cancellation("desk", "HTTP 500", why="changed")
    assert changed.startswith("cancelled: channel changed") and changed.endswith("; this attempt failed: HTTP 500")
