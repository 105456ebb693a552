"""The money a title writes is read by the ledger's search as the classifier reads it into a commitment: the same
amount (of a range, its upper bound) in the same currency, a bare "$" or "dollars" being any dollar in a search."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.classifier.core.money import find_money
from services.common.money import DOLLARS
from services.ledger.core.amounts import amounts_written

WRITTEN = [
    "£10m", "£1.5 billion", "€20m", "US$5bn", "$40 million", "GBP 10m", "20m AUD", "AUD 20 million", "NZ$ 4.5m",
    "NZ$4.5m", "A$20m", "AU$20m", "C$10m", "CA$10m", "CAD $10 million", "10m pounds", "10 million pounds sterling",
    "5 million euros", "3 million US dollars", "10 million Australian dollars", "4.5 million New Zealand dollars",
    "2 million dollars", "£10m-£20m", "£10-20m", "$4-6 million", "£10 to £20 million", "between £10m and £20m",
    "£500m to 2025", "£650 to 8 million", "$1,400 to 85 million", "£650-8 million", "2030 EUR 5 million",
    "2024 GBP 3bn", "£10,000-20,000", "£4-6", "£5-2026", "£5-3", "300,000 USD",
]


@pytest.mark.parametrize("written", WRITTEN)
def test_an_amount_written_is_the_amount_and_currency_the_classifier_records(written):
    title = f"{written} for counter-terrorism policing"
    classified = find_money(title)
    asked = amounts_written(title)
    assert len(classified) == len(asked) == 1, (classified, asked)
    money, amount = classified[0], asked[0]
    any_dollar = money.currency == "USD" and not any(us in written for us in ("US", "USD"))
    assert amount.amount == money.amount
    assert amount.currencies == (frozenset(DOLLARS) if any_dollar else frozenset({money.currency}))


@pytest.mark.parametrize("written", ["500 CAD drawings", "10 CAD-designed parts", "40 AUD-denominated bonds",
                                     "2 EUR coins", "2024 EUR rates"])
def test_a_code_after_a_number_that_names_no_money_is_none_to_either(written):
    assert find_money(written) == [] and amounts_written(written) == ()


_PIECES = [*"£$€0123456789.,-– mkbnMKſ", "pounds", "dollars", "euros", "US", "NZ", "A", "C", "GBP", "cad", "to",
           "between ", "and "]


@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
def test_a_title_is_read_whole_wherever_it_may_hold_money_written_with_its_currency(text):
    """A title without a sign, a code or a currency word is not searched: no amount read in full is lost so."""
    from services.ledger.core.amounts import _ASKED, _asked

    assert amounts_written(text) == tuple(_asked(m) for m in _ASKED.finditer(text)
                                          if m["sign"] or m["code"] or m["word"])
