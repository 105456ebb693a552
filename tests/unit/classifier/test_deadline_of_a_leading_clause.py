"""A time written in a clause that leads the sentence and tells its circumstances ("As the host of the Congress in
2020, …", "Following the summit in June, …") is when that happened or happens, not the commitment's deadline."""

from __future__ import annotations

from datetime import date

import pytest

from services.classifier.core import classify

_LEADING = {
    "as-host": "As the host country of the next Crime Congress in 2020, Japan will fund the programme.",
    "following": "Following the summit in June 2024, the Government will fund new police officers.",
    "after": "After the election in November 2024, the Government will fund new police officers.",
    "while": "While the review runs until March 2024, the Government will fund new police officers.",
}


@pytest.mark.parametrize("body", _LEADING.values(), ids=_LEADING.keys())
def test_a_time_in_a_leading_clause_is_not_the_commitments_deadline(make_release, body):
    # before: "in 2020", "in June 2024", "in November 2024", "until March 2024" were the commitment's deadline
    [commitment] = classify(make_release(body, "2017-05-10"), rules_only=True).commitments
    assert commitment.deadlines == []


@pytest.mark.parametrize(("body", "due"), [
    ("As the host country of the Congress, Japan will fund the programme by 2025.", date(2025, 12, 31)),
    ("By summer, the Government will fund new police officers.", date(2023, 8, 31)),
    ("Before the end of 2024, the Government will fund new police officers.", date(2024, 12, 31)),
])
def test_the_main_clauses_deadline_and_a_leading_time_of_its_own_stay(make_release, body, due):
    [commitment] = classify(make_release(body, "2023-05-10"), rules_only=True).commitments
    assert [(d.type, d.due) for d in commitment.deadlines] == [("date", due)]
