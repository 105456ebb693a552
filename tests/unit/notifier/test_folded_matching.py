"""A subscription's keywords and actors are matched as the ledger's free text is: without case or accents,
quotes straight, hyphens and dashes as spaces; a keyword still a whole word or phrase."""

import pytest

from samples import FUNDING, release
from services.notifier.matching import matching_commitments
from services.notifier.subscriptions import Filter, Subscription, SubscriptionError, parse_subscription

FEIN = FUNDING.model_copy(update={
    "id": "c-fein", "actor": "Sinn Féin",
    "text": "Sinn Féin will publish the Minister’s counter\u2011terrorism plan by Straße 5."})
DECOMPOSED = FUNDING.model_copy(update={"id": "c-decomposed", "actor": "Sinn Fe\u0301in",
                                        "text": "Sinn Fe\u0301in will fund a counter-terrorism unit."})


def selected(**criteria):
    return [c.id for c in matching_commitments(Filter(**criteria), release(FEIN, DECOMPOSED))]


@pytest.mark.parametrize("keyword", ["Sinn Fein", "SINN FÉIN", "sinn fe\u0301in"])
def test_a_keyword_is_found_whatever_its_accents_or_case(keyword):
    """Before: ``Sinn Fein`` missed "Sinn Féin", and "Sinn Féin" typed on a keyboard missed the same words
    written with a combining accent."""
    assert selected(keywords=[keyword]) == ["c-fein", "c-decomposed"]


@pytest.mark.parametrize("keyword", ["counter-terrorism", "counter terrorism", "counter\u2013terrorism"])
def test_a_keyword_reads_a_hyphen_or_a_dash_as_a_space(keyword):
    """Before: ``counter-terrorism`` missed "counter‑terrorism" written with a non-breaking hyphen."""
    assert selected(keywords=[keyword]) == ["c-fein", "c-decomposed"]


@pytest.mark.parametrize("keyword", ["Minister's", "minister’s", "strasse"])
def test_a_keyword_reads_curly_quotes_straight_and_sharp_s_as_ss(keyword):
    assert selected(keywords=[keyword]) == ["c-fein"]


@pytest.mark.parametrize("keyword", ["fei", "terror", "minister's plan", "sinn-feinn"])
def test_a_keyword_is_still_a_whole_word_or_phrase(keyword):
    assert selected(keywords=[keyword]) == []


@pytest.mark.parametrize("actor", ["sinn fein", "FÉIN", "sinn fe\u0301in"])
def test_an_actor_is_found_whatever_its_accents_or_case(actor):
    """Before: ``sinn fein`` missed the actor "Sinn Féin"."""
    assert selected(actors=[actor]) == ["c-fein", "c-decomposed"]


@pytest.mark.parametrize("entry", ["-", "\u2014", "\u0301"])
def test_an_entry_of_only_dashes_or_accents_selects_nothing(entry):
    """Folded, it is empty: it selects nothing, not every commitment."""
    assert selected(keywords=[entry]) == [] and selected(actors=[entry]) == []


@pytest.mark.parametrize("criterion", ["actors", "keywords"])
def test_an_entry_of_only_dashes_or_accents_is_refused_when_given(criterion):
    """Before: ``actors: ["-"]`` was taken, and selected every actor with a hyphen; folded, it looks for nothing."""
    with pytest.raises(SubscriptionError) as info:
        parse_subscription({"id": "s", "channels": ["console"], "filter": {criterion: ["UK", "\u2013"]}})
    assert [(e["field"], e["message"]) for e in info.value.errors] == [
        (f"filter.{criterion}", "entry 2 ('\u2013') is only dashes or accents: it would select nothing")]


def test_a_stored_entry_of_only_dashes_is_read_back_and_selects_nothing():
    stored = Subscription.model_validate_json('{"id": "s", "channels": ["console"], "filter": {"actors": ["-"]}}')
    assert matching_commitments(stored.filter, release(FEIN)) == []


def test_a_keyword_finds_words_joined_by_a_fullwidth_hyphen():
    wide = FUNDING.model_copy(update={"id": "c-wide", "text": "A counter\uff0dterrorism unit will be funded."})
    assert [c.id for c in matching_commitments(Filter(keywords=["counter-terrorism"]), release(wide))] == ["c-wide"]


def test_an_entry_of_only_a_fullwidth_hyphen_is_refused_when_given():
    with pytest.raises(SubscriptionError):
        parse_subscription({"id": "s", "channels": ["console"], "filter": {"keywords": ["\uff0d"]}})
