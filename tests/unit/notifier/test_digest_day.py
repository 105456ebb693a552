"""Which reminders a digest brings forward into its day, and the digest moment of a day."""

from datetime import datetime, time, timedelta, timezone

from services.notifier.digest import digest_moment_of_day
from services.notifier.digest_reminders import before, by_subscriber, end_of_day
from services.notifier.reminder_records import PlannedRecord

EIGHT = time(8, 0)


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=timezone.utc)


def test_the_digests_day_ends_at_the_next_midnight():
    assert end_of_day(_at(10, 8)) == _at(11, 0)
    assert end_of_day(_at(10, 0)) == _at(11, 0)


def _record(sub_id: str) -> bytes:
    return PlannedRecord("subject", 0, "P0D", sub_id, version=1).to_json().encode()


def test_the_days_reminders_go_by_subscriber_and_only_the_digests_day_is_brought_forward():
    due = [("desk-9", _at(10, 9).timestamp(), _record("desk")),
           ("other-9", _at(10, 9).timestamp(), _record("other")),
           ("desk-late", _at(10, 23, 59).timestamp(), _record("desk")),
           ("gone", _at(10, 10).timestamp(), None)]  # fired or cancelled since the due set was read
    found = by_subscriber(due)
    assert {sub: [r.reminder_id for r in rs] for sub, rs in found.items()} == {"desk": ["desk-9", "desk-late"],
                                                                              "other": ["other-9"]}
    assert [r.reminder_id for r in before(found["desk"], end_of_day(_at(10, 8)))] == ["desk-9", "desk-late"]
    assert before(found["desk"], end_of_day(_at(9, 8))) == []  # yesterday's digest, sent late: none of today's


def test_the_digest_moment_of_a_day_is_that_days_whether_it_has_come_or_not():
    assert digest_moment_of_day(EIGHT, now=_at(10, 7, 59)) == _at(10, 8)
    assert digest_moment_of_day(EIGHT, now=_at(10, 9)) == _at(10, 8)
    assert digest_moment_of_day(time(17, 0), now=_at(10, 9)) == _at(10, 17)
    assert digest_moment_of_day(EIGHT, now=datetime(2026, 3, 10, 23, 30, tzinfo=timezone(timedelta(hours=-2)))) \
        == _at(11, 8)  # the day is UTC's
