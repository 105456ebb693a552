"""What a planned reminder follows when it falls due or when a version is handled during a pause: the
subscription's filter as it is now, and the reminders the release's last version planned. Pure."""

from __future__ import annotations

from datetime import date, datetime, timezone

from schemas.alerts import ReminderDue, ReminderInfo
from services.notifier.planning import release_ref, reminder_skip
from services.notifier.subscriptions import Subscription

from samples import dated, release

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=timezone.utc)
DUE = date(2027, 5, 3)


def _due(commitment, offset="P7D") -> ReminderDue:
    r = release(commitment)
    return ReminderDue(reminder_id="rem-1", subscription_id="desk", release=release_ref(r), commitment=commitment,
                       reminder=ReminderInfo(deadline=commitment.deadlines[0], offset=offset, due=DUE), fired_at=NOW)


def _desk(**fields) -> Subscription:
    return Subscription.model_validate({"id": "desk", "channels": ["console"], "reminders": ["P7D"], **fields})


def test_a_reminder_whose_commitment_the_filter_no_longer_selects_is_dropped():
    """Before: sent, whatever the filter had become."""
    due = _due(dated("c-left", DUE))
    assert reminder_skip(_desk(filter={"keywords": ["c-left"]}), due, now=NOW) is None
    assert reminder_skip(_desk(filter={"keywords": ["c-kept"]}), due, now=NOW) == (
        "desk's filter no longer selects c-left")
    assert reminder_skip(_desk(filter={"sources": ["elsewhere"]}), due, now=NOW) == (
        "desk's filter no longer selects c-left")

