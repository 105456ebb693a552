"""Common ways of writing a deadline, each resolved as the labelling rules read it (published 10 May 2023)."""

from __future__ import annotations

from datetime import date

import pytest

from services.classifier.core.deadlines import find_deadlines

PUBLISHED = date(2023, 5, 10)


def _read(sentence: str) -> tuple:
    """The one deadline ``sentence`` writes: its type and values (the text it spans must be its own)."""
    deadlines = find_deadlines(sentence, PUBLISHED)
    assert len(deadlines) == 1, deadlines
    found = deadlines[0]
    assert sentence[slice(*found.span)].strip() == found.text
    if found.type == "date":
        return found.type, found.due
    if found.type == "period":
        return found.type, found.start, found.end
    return found.type, found.min, found.max


@pytest.mark.parametrize(("sentence", "due"), [
    pytest.param("Agencies must submit their plans by June 30.", date(2023, 6, 30), id="by-month-day"),
    pytest.param("The rule takes effect on July 4th.", date(2023, 7, 4), id="on-month-ordinal-day"),
    pytest.param("The waiver remains in place until January 31.", date(2024, 1, 31),
                 id="until-month-day-next-year"),
    pytest.param("Comments are due by Friday, June 16.", date(2023, 6, 16), id="by-weekday-month-day"),
])
def test_a_month_and_day_with_no_year_is_the_next_such_day(sentence, due):
    assert _read(sentence) == ("date", due)


def test_a_month_and_day_just_past_is_when_something_happened():
    assert find_deadlines("The attack on May 3 killed four people.", PUBLISHED) == []
