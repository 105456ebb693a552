"""Amounts and currencies given to select commitments by: one reading for the ledger's query and a filter."""

import math

import pytest

from services.common.money import AmountRange, amount_of, bounds_problem, currency_code


@pytest.mark.parametrize("given, amount", [("10000000", 1e7), ("10m", 1e7), ("1.5bn", 1.5e9), ("250k", 2.5e5),
                                           ("10 million", 1e7), (" 2,500 ", 2500.0), ("-0", 0.0), (7, 7.0),
                                           (2.5, 2.5)])
def test_an_amount_is_read_with_its_scale(given, amount):
    assert amount_of(given) == amount


@pytest.mark.parametrize("given, words", [("-1m", "negative"), (-1, "negative"), ("ten", "not an amount"),
                                          ("£10m", "not an amount"), (math.inf, "not an amount"),
                                          (math.nan, "not an amount"), (True, "not an amount"),
                                          (None, "not an amount")])
def test_what_is_no_amount_is_refused_saying_why(given, words):
    with pytest.raises(ValueError, match=words):
        amount_of(given)


def test_a_currency_is_an_iso_code_in_any_case_or_its_sign():
    given = (" gbp", "£", " € ", "US$", "us$")
    assert [currency_code(one) for one in given] == ["GBP", "GBP", "EUR", "USD", "USD"]
    with pytest.raises(ValueError, match="AUD, CAD, EUR, GBP, NZD, USD"):
        currency_code("JPY")


def test_a_dollar_sign_alone_is_refused_naming_the_dollars():
    """Before: "not a currency the ledger records", where a search's ``$10m`` is any of them."""
    with pytest.raises(ValueError, match=r"^'\$' is any dollar: give the one meant, AUD, CAD, NZD or USD \(amounts"):
        currency_code("$")


def test_bounds_need_their_currency_and_an_end_not_below_the_start():
    assert bounds_problem(low=5.0, high=5.0, currency="GBP") is None
    assert bounds_problem(low=None, high=None, currency=None) is None
    assert bounds_problem(low=6.0, high=5.0, currency="GBP")[0] == "max_amount"
    assert bounds_problem(low=None, high=5.0, currency=None)[0] == "currency"


def test_a_range_holds_both_ends_in_its_currency_only():
    money = AmountRange("GBP", 5.0, 10.0)
    assert [money.matches(a, "GBP") for a in (4.9, 5.0, 10.0, 10.1)] == [False, True, True, False]
    assert not money.matches(7.0, "EUR") and not money.matches(None, None)


def test_a_dollar_is_also_given_by_the_sign_of_its_country():
    """Before: ``A$``, ``NZ$`` and ``C$`` were "not a currency", where a release's "A$20m" is recorded in AUD."""
    given = ("A$", "au$", "NZ$", "C$", "CA$", "can$")
    assert [currency_code(one) for one in given] == ["AUD", "AUD", "NZD", "CAD", "CAD", "CAD"]
