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
