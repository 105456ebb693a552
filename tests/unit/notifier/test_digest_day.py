"""Which reminders a digest brings forward into its day, and when a digest subscriber's day's digest has gone."""

from datetime import datetime, time, timezone

from services.notifier.digest import digest_sent_today
from services.notifier.digest_reminders import end_of_day, later_that_day

EIGHT = time(8, 0)


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=timezone.utc)


def test_the_digests_day_ends_at_the_next_midnight():
    assert end_of_day(_at(10, 8)) == _at(11, 0)
    assert end_of_day(_at(10, 0)) == _at(11, 0)


def test_only_reminders_planned_after_now_and_before_the_days_end_are_brought_forward():
    due = [("r1", "due-now", _at(10, 8).timestamp()),   # due already: the tick fires it as it is
           ("r1", "later", _at(10, 9).timestamp()),
           ("r2", "last-second", _at(10, 23, 59).timestamp()),
           ("r2", "tomorrow", _at(11, 0).timestamp()),  # the next digest's
           ("r3", "gone", None)]                        # fired or cancelled since the agenda was read
    assert later_that_day(due, now=_at(10, 8), until=_at(11, 0)) == [("r1", "later"), ("r2", "last-second")]


def test_the_days_digest_has_gone_once_its_moment_is_recorded_as_sent():
    assert not digest_sent_today(EIGHT, last_sent=_at(9, 8), now=_at(10, 7, 59))  # today's is still ahead
    assert not digest_sent_today(EIGHT, last_sent=_at(9, 8), now=_at(10, 8))  # due, not yet sent
    assert digest_sent_today(EIGHT, last_sent=_at(10, 8), now=_at(10, 9))
    assert not digest_sent_today(time(17, 0), last_sent=_at(9, 17), now=_at(10, 9))  # the evening's is ahead
    assert not digest_sent_today(EIGHT, last_sent=None, now=_at(10, 9))
