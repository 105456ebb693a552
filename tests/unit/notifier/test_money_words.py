"""A commitment's money in words: the amount as the release gave it, pence and cents included."""

import pytest

from samples import FUNDING
from schemas.classified import Money
from services.notifier.rendering import commitment_view


@pytest.mark.parametrize(("amount", "text", "words"), [
    (10_000_000, "£10m", "GBP 10,000,000 (\u201c£10m\u201d)"),
    (2.5, "£2.50", "GBP 2.50 (\u201c£2.50\u201d)"),  # not "GBP 2": rounding half to even
    (1_234_567.5, "£1,234,567.50", "GBP 1,234,567.50 (\u201c£1,234,567.50\u201d)"),
    (0.99, "99p", "GBP 0.99 (\u201c99p\u201d)"),
])
def test_money_is_shown_to_the_penny_when_the_amount_has_one(amount, text, words):
    money = Money(amount=amount, currency="GBP", text=text, span=(0, len(text)))
    assert commitment_view(FUNDING.model_copy(update={"money": money})).money == words
