"""A commitment that refers back to a time another sentence set ("for the same period") takes that time."""

from __future__ import annotations

from datetime import date

import pytest

from services.classifier.core import classify

from .conftest import release_of


def _deadlines_of(body: str, published: str = "2015-03-05") -> list[list[tuple]]:
    return [[(d.type, getattr(d, "due", None)) for d in commitment.deadlines]
            for commitment in classify(release_of(body, published)).commitments]


@pytest.mark.parametrize("phrase", ["for the same period", "over the same period", "for the same length of time"])
def test_the_same_period_is_the_time_the_sentence_before_set(phrase):
    body = ("The Security Council will extend the mandate of the mission in Libya until 31 March.\n\n"
            f"The Council will also extend {phrase} the measures imposed on illicit crude oil exports.")
    assert _deadlines_of(body) == [[("date", date(2015, 3, 31))], [("date", date(2015, 3, 31))]]


def test_a_commitment_that_refers_back_to_no_time_borrows_none():
    body = ("The Security Council met on the situation in Libya.\n\n"
            "The Council will also extend for the same period the measures imposed on illicit crude oil exports.")
    assert all(deadlines == [] for deadlines in _deadlines_of(body))


def test_a_share_of_this_amount_takes_the_time_the_amount_was_given_for():
    body = ("The programme will provide €1.5 billion in grants for the period 2025-2027. Out of this amount, "
            "€300 million will be earmarked for a dedicated support instrument.")
    assert _deadlines_of(body, "2025-01-10") == [[("period", None)], [("period", None)]]
    [first, second] = classify(release_of(body, "2025-01-10")).commitments
    assert second.deadlines[0].model_dump(exclude={"span", "text"}) == first.deadlines[0].model_dump(
        exclude={"span", "text"})


def test_the_legislation_takes_the_time_the_sentence_naming_the_bill_set():
    body = ("Our efforts will be underpinned by the Offences Bill, which I introduced and which will be taken in "
            "the Dáil next month. The legislation will criminalise provocation to commit a terrorist offence.")
    assert _deadlines_of(body, "2015-01-12")[-1] == [("date", date(2015, 2, 28))]


def test_the_legislation_with_no_bill_named_before_borrows_no_time():
    body = ("The minister will meet the Commissioner next month. "
            "The legislation will criminalise provocation to commit a terrorist offence.")
    assert _deadlines_of(body, "2015-01-12")[-1] == []
