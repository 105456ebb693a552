"""A number word written with a hyphen ("twenty-four") is one number, not a range from the first word to the
second (published 10 May 2023)."""

from __future__ import annotations

from datetime import date

import pytest

from services.classifier.core.deadlines import find_deadlines

PUBLISHED = date(2023, 5, 10)


@pytest.mark.parametrize(("sentence", "duration"), [
    ("Platforms must remove the content within twenty-four hours.", "PT24H"),
    ("Operators must report an incident within seventy-two hours of discovering it.", "PT72H"),
    ("Firms must answer within thirty-five minutes.", "PT35M"),
])
def test_a_hyphenated_number_of_hours_is_one_response_time(sentence, duration):
    # before: "twenty-four" was read as from twenty to four hours (PT20H..PT4H)
    [deadline] = find_deadlines(sentence, PUBLISHED)
    assert (deadline.type, deadline.min, deadline.max) == ("response_time", duration, duration)


def test_a_hyphenated_number_of_days_is_one_period():
    # before: "twenty-one days" was read as one day
    [deadline] = find_deadlines("Providers must respond within twenty-one days.", PUBLISHED)
    assert (deadline.type, deadline.start, deadline.end) == ("period", PUBLISHED, date(2023, 5, 31))


@pytest.mark.parametrize(("sentence", "low", "high"), [
    ("Content must come down within one-two hours.", "PT1H", "PT2H"),
    ("Content must come down within twenty to thirty minutes.", "PT20M", "PT30M"),
    ("Content must come down within 1-2 hours.", "PT1H", "PT2H"),
])
def test_a_range_of_numbers_stays_a_range(sentence, low, high):
    [deadline] = find_deadlines(sentence, PUBLISHED)
    assert (deadline.min, deadline.max) == (low, high)
