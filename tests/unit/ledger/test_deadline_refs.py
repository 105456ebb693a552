"""Which deadline of a commitment is which across versions: by what it says (refs), and the ledger's numbers
carried from the version before."""

from __future__ import annotations

from datetime import date

import pytest

from schemas.classified import DateDeadline, PeriodDeadline
from services.ledger.core.deadline_refs import carried_numbers, deadline_refs
from services.ledger.core.entries import apply_version
from tests.unit.notifier.samples import dated, release

NOW = date(2026, 9, 1)


def _on(day: int, text: str | None = None, span=(0, 10)) -> DateDeadline:
    due = date(2026, 10, day)
    return DateDeadline(due=due, text=text or f"by {day} October", span=span)


OCT_1, OCT_25, NOV_8 = _on(1), _on(25), DateDeadline(due=date(2026, 11, 8), text="by 8 November", span=(0, 10))


def test_a_ref_is_what_the_deadline_says_not_where_it_stands():
    (alone,) = deadline_refs([OCT_25])
    assert deadline_refs([OCT_1, OCT_25.model_copy(update={"span": (40, 52)})])[1] == alone
    assert deadline_refs([_on(25, "By 25  October")]) == [alone]  # case and spacing aside
    assert len({alone, *deadline_refs([_on(24, "by 25 October")]), *deadline_refs([_on(25, "before 25 October")]),
                *deadline_refs([PeriodDeadline(start=date(2026, 10, 25), end=date(2026, 10, 25),
                                               text="by 25 October", span=(0, 10))])}) == 4


def test_a_deadline_said_twice_has_two_refs():
    first, second = deadline_refs([OCT_25, OCT_25])
    assert second == f"{first}~2"


@pytest.mark.parametrize(("old", "old_numbers", "new", "numbers"), [
    ([OCT_25], [0], [OCT_1, OCT_25], [1, 0]),
    ([OCT_1, OCT_25], [1, 0], [OCT_1, OCT_25, NOV_8], [1, 0, 2]),
    ([OCT_1, OCT_25], [0, 1], [OCT_25], [1]),
    ([OCT_1, OCT_25], [0, 1], [_on(1, "before 1 October"), OCT_25], [0, 1]),
    ([OCT_1], [0], [_on(2)], [0]),
    ([OCT_1, OCT_25], [0, 1], [_on(2), OCT_25], [0, 1]),
    ([OCT_25], [0], [OCT_1, _on(26)], [0, 1]),
    ([], [], [OCT_1, OCT_25], [0, 1]),
], ids=["written-before", "written-after", "one-dropped", "reworded-same-day", "moved", "one-of-two-moved",
     "written-before-and-moved", "none-before"])
def test_a_deadline_keeps_its_number_across_versions(old, old_numbers, new, numbers):
    assert carried_numbers(old, old_numbers, new) == numbers


def test_the_ledger_keeps_numbers_only_when_they_are_not_the_places():
    one = dated("c-two", date(2026, 10, 25))
    two = one.model_copy(update={"deadlines": [OCT_1, *one.deadlines]})
    now = release().published_at
    first = apply_version([], release(one), last_version=None, now=now)
    (entry,) = first.entries
    assert (entry.deadline_numbers, entry.numbers()) == ([], [0])  # stored as every entry before: by place
    (entry,) = apply_version([entry], release(two, version=2), last_version=1, now=now).entries
    assert entry.numbers() == [1, 0]
    (entry,) = apply_version([entry], release(one, version=3), last_version=2, now=now).entries
    assert (entry.deadline_numbers, entry.numbers()) == ([], [0])


def test_a_deadline_dropped_and_written_again_gets_its_number_back():
    """Before: it took the number above the one kept (2), and a calendar app saw its event replaced by another."""
    one = dated("c-two", date(2026, 10, 25)).model_copy(update={"deadlines": [OCT_1, OCT_25]})
    now = release().published_at
    (entry,) = apply_version([], release(one), last_version=None, now=now).entries
    dropped = one.model_copy(update={"deadlines": [OCT_25]})
    (entry,) = apply_version([entry], release(dropped, version=2), last_version=1, now=now).entries
    assert entry.numbers() == [1]
    (entry,) = apply_version([entry], release(one, version=3), last_version=2, now=now).entries
    assert (entry.deadline_numbers, entry.numbers()) == ([], [0, 1])


def test_numbers_stay_below_the_most_deadlines_a_version_had_however_often_one_is_dropped_and_another_written():
    """Before: each new deadline took the number above all the others, so a release edited back and forth had
    numbers growing with each version."""
    numbers, old = [0, 1], [OCT_1, OCT_25]
    for version in range(2, 40):
        new = [OCT_25] if version % 2 == 0 else [_on(1 + version % 20), OCT_25]
        numbers, old = carried_numbers(old, numbers, new), new
        assert max(numbers) <= 1, (version, numbers)
