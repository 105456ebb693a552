"""A span of units from a month or a day ("over two years from April 2025") runs from it, as one from a year
("over three years from 2024") already did (published 10 May 2023)."""

from __future__ import annotations

from datetime import date

import pytest

from services.classifier.core.deadlines import find_deadlines

PUBLISHED = date(2023, 5, 10)


@pytest.mark.parametrize(("sentence", "start", "end"), [
    ("The fund will pay out £8 million over two years from April 2025.", date(2025, 4, 1), date(2027, 3, 31)),
    ("The scheme will run for two years from 1 April 2025.", date(2025, 4, 1), date(2027, 3, 31)),
    ("The trial will run for 18 months starting in July 2024.", date(2024, 7, 1), date(2025, 12, 31)),
    ("The pilot will run for six months starting on 1st September 2023.", date(2023, 9, 1), date(2024, 2, 29)),
])
def test_units_from_a_month_or_day_run_from_it(sentence, start, end):
    # before: from publication
    [deadline] = find_deadlines(sentence, PUBLISHED)
    assert sentence[slice(*deadline.span)] == deadline.text
    assert (deadline.type, deadline.start, deadline.end) == ("period", start, end)


def test_units_from_a_month_with_no_year_still_run_from_publication():
    [deadline] = find_deadlines("The fund will pay out £8 million over two years from April.", PUBLISHED)
    assert (deadline.start, deadline.end) == (PUBLISHED, date(2025, 5, 10))
