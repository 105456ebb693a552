"""A commitment's sentence with its money and deadlines marked."""

from __future__ import annotations

from datetime import date

import pytest

from schemas.classified import Commitment, DateDeadline, Money
from services.dashboard.highlight import Piece, highlighted
from tests.unit.notifier.samples import BORDERS, FUNDING

TEXT = "The UK will invest £10m by March 2018 in training."


def commitment(*, money_at: int | None = None, deadline_at: int | None = None, text: str = TEXT) -> Commitment:
    origin = 500  # spans count in the release's body, where the sentence starts here
    return Commitment(
        id="c", text=text, span=(origin, origin + len(text)), kind="pledge", actor="UK", category="training",
        counter_terrorism=False, confidence=0.9,
        money=Money(amount=1e7, currency="GBP", text="£10m", span=(origin + money_at, origin + money_at + 4))
        if money_at is not None else None,
        deadlines=[DateDeadline(due=date(2018, 3, 31), text="by March 2018",
                                span=(origin + deadline_at, origin + deadline_at + 13))]
        if deadline_at is not None else [])


def test_money_and_deadline_are_marked_where_their_spans_fall():
    assert highlighted(commitment(money_at=19, deadline_at=24)) == [
        Piece("The UK will invest "), Piece("£10m", "money"), Piece(" "), Piece("by March 2018", "deadline"),
        Piece(" in training.")]


@pytest.mark.parametrize("sample", [FUNDING, BORDERS], ids=["money-and-period", "nothing-to-mark"])
def test_the_pieces_joined_are_the_sentence(sample):
    assert "".join(p.text for p in highlighted(sample)) == sample.text


def test_a_span_off_its_text_is_found_by_the_text():
    # FUNDING's money span starts one character after "£10m" in its sentence
    marked = [p for p in highlighted(FUNDING) if p.mark]
    assert marked == [Piece("£10m", "money"), Piece("over the next three years", "deadline")]


def test_a_mark_overlapping_another_is_left_out():
    overlapping = commitment(money_at=19).model_copy(update={"deadlines": [
        DateDeadline(due=date(2018, 3, 31), text="£10m by", span=(519, 526))]})
    assert [p.mark for p in highlighted(overlapping) if p.mark] == ["money"]


def test_a_text_not_in_the_sentence_is_not_marked():
    absent = commitment().model_copy(update={"money": Money(amount=5e6, currency="GBP", text="£5m", span=(0, 3))})
    assert highlighted(absent) == [Piece(TEXT)]
