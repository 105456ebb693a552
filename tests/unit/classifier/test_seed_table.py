"""The seed's table in DESIGN.md, row by row: the first acceptance test."""

from __future__ import annotations

from datetime import date

import pytest

from schemas import Category, Kind, PeriodDeadline, ResponseTimeDeadline
from services.classifier.core import classify


@pytest.fixture(scope="module")
def classified(seed):
    return classify(seed)


def _commitment(classified, words: str):
    matches = [c for c in classified.commitments if words in c.text]
    assert len(matches) == 1, f"expected one commitment holding {words!r}, got {len(matches)}"
    return matches[0]


def test_ten_million_pledge_has_money_and_a_three_year_period(classified, seed):
    pledge = _commitment(classified, "The UK will invest £10m over the next three years")
    assert pledge.kind is Kind.PLEDGE
    assert pledge.actor in ("UK", "UK government")
    assert pledge.counter_terrorism
    assert (pledge.money.amount, pledge.money.currency) == (10_000_000, "GBP")
    assert seed.body[slice(*pledge.money.span)] == "£10m"
    assert pledge.deadlines == [PeriodDeadline(
        start=date(2017, 11, 29), end=date(2020, 11, 29), text="over the next three years",
        span=pledge.deadlines[0].span)]
    assert seed.body[slice(*pledge.deadlines[0].span)] == "over the next three years"


def test_border_infrastructure_pledge_is_border_security_with_no_date(classified):
    pledge = _commitment(classified, "develop border infrastructure, watch-lists and biometric capabilities")
    assert (pledge.kind, pledge.category, pledge.deadlines) == (Kind.PLEDGE, Category.BORDER_SECURITY, [])
    assert pledge.counter_terrorism


def test_demand_on_communications_companies_has_a_response_time_not_a_date(classified, seed):
    demand = _commitment(classified, "remove content within one to two hours of release")
    assert demand.kind is Kind.DEMAND
    assert demand.actor == "major communications companies"
    assert demand.category is Category.ONLINE_CONTENT
    [deadline] = demand.deadlines
    assert isinstance(deadline, ResponseTimeDeadline)
    assert (deadline.min, deadline.max, deadline.anchor) == ("PT1H", "PT2H", "release")
    assert seed.body[slice(*deadline.span)] == "within one to two hours of release"


def test_officer_training_pledge_is_one_sentence_across_a_paragraph_break(classified, seed):
    pledge = _commitment(classified, "the UK will continue to support Iraqi defence and security")
    assert (pledge.kind, pledge.category) == (Kind.PLEDGE, Category.TRAINING)
    assert "officer training,\n\nincluding places for Iraqi students" in pledge.text
    assert pledge.text == seed.body[slice(*pledge.span)]
    assert pledge.text.endswith("logistics, and force protection.")


def test_troops_based_at_taji_is_a_fact_not_a_commitment(classified):
    assert not [c for c in classified.commitments if "Around 80 British troops" in c.text]


def test_seed_release_is_counter_terrorism_with_evidence(classified, seed):
    assert classified.is_counter_terrorism and classified.counter_terrorism_score >= 0.5
    assert all(seed.body[slice(*e.span)] == e.term for e in classified.evidence)
    assert any(e.term.lower() == "counter-terrorism" for e in classified.evidence)


@pytest.mark.parametrize("words", [
    pytest.param("Daesh's ability to spread propaganda at speed drew terrorists", id="past-fact-with-noun-to"),
    pytest.param("Military success against Daesh means they are increasingly losing control", id="analysis"),
])
def test_seed_speech_facts_are_not_commitments(classified, words):
    assert not [c for c in classified.commitments if words in c.text]


def test_the_day_something_happened_is_not_a_deadline(classified):
    for commitment in classified.commitments:
        assert all(d.text != "On 29 November 2017" for d in commitment.deadlines)
