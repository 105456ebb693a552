"""A subscription's filter selects commitments by their money: in a currency, within bounds (both included),
the bounds read as the ledger reads ``min_amount`` and ``max_amount`` (``10m``, ``1.5bn``, ``250k``)."""

import jsonschema
import pytest

from samples import BORDERS, FUNDING, FUNDING_CUT, release
from schemas.classified import Money
from services.notifier.matching import matching_commitments
from services.notifier.subscriptions import Filter, SubscriptionError, parse_subscription

DOLLARS = FUNDING.model_copy(update={"id": "c-dollars", "money": Money(amount=10_000_000, currency="USD",
                                                                        text="$10m", span=(120, 124))})


def selected(**criteria):
    flt = parse_subscription({"id": "s", "filter": criteria, "channels": ["console"]}).filter
    return [c.id for c in matching_commitments(flt, release(FUNDING, FUNDING_CUT, BORDERS, DOLLARS))]


@pytest.mark.parametrize("criteria, ids", [
    ({"currency": "GBP", "min_amount": "10m"}, ["c-funding"]),
    ({"currency": "gbp", "min_amount": 10_000_000}, ["c-funding"]),
    ({"currency": "GBP", "max_amount": "8m"}, ["c-funding-8m"]),
    ({"currency": "GBP", "min_amount": "8m", "max_amount": "10m"}, ["c-funding", "c-funding-8m"]),
    ({"currency": "GBP", "min_amount": "8,000,000", "max_amount": "0.009bn"}, ["c-funding-8m"]),
    ({"currency": "GBP"}, ["c-funding", "c-funding-8m"]),
    ({"currency": "USD", "min_amount": "1m"}, ["c-dollars"]),
    ({"currency": "EUR", "min_amount": "0"}, []),
    ({}, ["c-funding", "c-funding-8m", "c-borders", "c-dollars"]),
])
def test_money_is_selected_in_its_currency_within_both_bounds(criteria, ids):
    assert selected(**criteria) == ids


def test_a_commitment_without_money_is_not_selected_by_a_currency():
    assert "c-borders" not in selected(currency="GBP", min_amount="0")


@pytest.mark.parametrize("sign, code", [("£", "GBP"), ("€", "EUR"), ("us$", "USD")])
def test_a_currency_is_taken_by_its_sign_as_a_search_writes_it_and_kept_as_its_code(sign, code):
    """Before: ``£`` was "not a currency", where ``q=£10m`` reads it as the pound."""
    assert Filter.model_validate({"currency": sign, "min_amount": "1m"}).model_dump()["currency"] == code


def test_the_bounds_are_kept_as_amounts_and_written_back_so():
    flt = Filter.model_validate({"currency": "gbp", "min_amount": "1.5bn", "max_amount": "2bn"})
    assert flt.model_dump() == {"currency": "GBP", "min_amount": 1.5e9, "max_amount": 2e9}
    assert Filter.model_validate(flt.model_dump()) == flt


@pytest.mark.parametrize("criteria, field, words", [
    ({"currency": "GBP", "min_amount": "-5m"}, "filter.min_amount", "negative"),
    ({"currency": "GBP", "min_amount": -5}, "filter.min_amount", "negative"),
    ({"currency": "GBP", "max_amount": "ten"}, "filter.max_amount", "is not an amount"),
    ({"currency": "GBP", "max_amount": True}, "filter.max_amount", "is not an amount"),
    ({"currency": "GBP", "min_amount": "10m", "max_amount": "5m"}, "filter.max_amount", "less than min_amount"),
    ({"currency": "XYZ", "min_amount": "10m"}, "filter.currency", "not a currency"),
    ({"currency": "$", "min_amount": "10m"}, "filter.currency",
     "'$' is any dollar: give the one meant, AUD, CAD, NZD or USD"),
    ({"min_amount": "10m"}, "filter.currency", "give the currency of min_amount"),
    ({"max_amount": "10m"}, "filter.currency", "give the currency of max_amount"),
])
def test_bad_money_criteria_are_refused_naming_the_field(criteria, field, words):
    with pytest.raises(SubscriptionError) as caught:
        parse_subscription({"id": "s", "filter": criteria, "channels": ["console"]})
    assert [e["field"] for e in caught.value.errors] == [field]
    assert words in caught.value.errors[0]["message"]


@pytest.mark.parametrize("criteria", [
    {"currency": "GBP", "min_amount": "10m"}, {"currency": " gbp ", "max_amount": 5}, {"currency": "usd"},
    {"currency": "EUR", "min_amount": "1.5BN", "max_amount": "2 billion"}, {"min_amount": None},
    {"currency": "GBP", "min_amount": "-0"}, {"currency": "GBP", "min_amount": "2,500k"}, {"currency": "£"},
    {"currency": " € ", "min_amount": "1m"}, {"currency": "US$"}])
def test_the_filters_json_schema_takes_what_the_api_takes(criteria):
    Filter.model_validate(criteria, context={})
    jsonschema.validate(criteria, Filter.model_json_schema(), cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize("criteria", [
    {"currency": "GBP", "min_amount": "-5m"}, {"currency": "GBP", "min_amount": -1}, {"currency": "XYZ"},
    {"min_amount": "10m"}, {"max_amount": 10}, {"currency": "GBP", "max_amount": "ten"}, {"currency": "$"}])
def test_the_filters_json_schema_refuses_bad_money(criteria):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(criteria, Filter.model_json_schema(), cls=jsonschema.Draft202012Validator)
    with pytest.raises(ValueError):
        Filter.model_validate(criteria, context={})
