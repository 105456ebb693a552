"""What a planned reminder follows when it falls due or when a version is handled during a pause: the
subscription's filter as it is now, and the reminders the release's last version planned. Pure."""

from __future__ import annotations

from datetime import date, datetime, timezone

from schemas.alerts import ReminderDue, ReminderInfo
from services.notifier.planning import release_ref, reminder_skip
from services.notifier.reminders import following, reminder_id, reminder_jobs
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


def _jobs(*commitments):
    return reminder_jobs("desk", ["P30D", "P7D"], release_ref(release(*commitments)), commitments, now=NOW)


def test_a_paused_subscription_keeps_only_the_reminders_that_follow_ones_planned_before():
    planned = {j.reminder_id: j.fire_at for j in _jobs(dated("c-kept", DUE), dated("c-was", DUE))}
    moved = dated("c-kept", date(2027, 6, 14))
    edited = dated("c-now", DUE)
    new = dated("c-new", DUE)

    kept = following(_jobs(moved, edited, new), planned, {"c-now": "c-was"})

    assert sorted((j.commitment.id, j.offset, j.fire_at.date()) for j in kept) == [
        ("c-kept", "P30D", date(2027, 5, 15)), ("c-kept", "P7D", date(2027, 6, 7)),
        ("c-now", "P30D", date(2027, 4, 3)), ("c-now", "P7D", date(2027, 4, 26))]
    assert following(_jobs(moved, edited, new), {}, {"c-now": "c-was"}) == []


def test_a_reminder_edited_under_another_id_follows_by_its_deadline_number_and_offset():
    planned = {reminder_id("desk", "c-was", 0, "P7D"): NOW}
    kept = following(_jobs(dated("c-now", DUE)), planned, {"c-now": "c-was"})
    assert [(j.commitment.id, j.offset) for j in kept] == [("c-now", "P7D")]
