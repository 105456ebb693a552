"""One spelling of each filter criterion works everywhere: a subscription's filter takes the ledger's parameter
names (``keyword``), and the ledger's query takes the filter's (``keywords``); what is written out keeps the
filter's names."""

import pytest

from services.ledger.core.queries import QueryError, parse_query
from services.notifier.subscriptions import SubscriptionError, parse_subscription

SPELLINGS = [("categories", "category", "funding"), ("kinds", "kind", "pledge"), ("actors", "actor", "UK"),
             ("keywords", "keyword", "schools"), ("sources", "source", "gov.uk*")]


@pytest.mark.parametrize("field, parameter, value", SPELLINGS, ids=[s[1] for s in SPELLINGS])
def test_a_filter_takes_the_ledger_parameter_name(field, parameter, value):
    sub = parse_subscription({"id": "desk", "channels": ["console"], "filter": {parameter: [value]}})
    assert getattr(sub.filter, field) == [value]
    assert sub.model_dump(mode="json")["filter"] == {field: [value]}


@pytest.mark.parametrize("field, parameter, value", SPELLINGS, ids=[s[0] for s in SPELLINGS])
def test_the_ledger_query_takes_the_filter_field_name(field, parameter, value):
    assert getattr(parse_query({field: [value]}).filter, field) == [value]
    assert parse_query({field: [value]}) == parse_query({parameter: [value]})


def test_both_spellings_at_once_are_refused_by_name():
    with pytest.raises(SubscriptionError, match=r"^filter: keyword and keywords are one criterion: give one"):
        parse_subscription({"id": "d", "channels": ["console"], "filter": {"keyword": ["a"], "keywords": ["b"]}})
    with pytest.raises(QueryError, match=r"^keywords: keyword and keywords are one criterion: give one"):
        parse_query({"keyword": ["a"], "keywords": ["b"]})


def test_an_unknown_filter_field_is_still_refused():
    with pytest.raises(SubscriptionError, match=r"filter.keywrd: unknown field"):
        parse_subscription({"id": "d", "channels": ["console"], "filter": {"keywrd": ["a"]}})
