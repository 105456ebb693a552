"""The actor of a demand is the party asked or obliged to act (tests/data/README.md, "Labelling rules"): the
party an operative verb addresses, whoever it is, never the publisher that asks."""

from __future__ import annotations

import pytest

from schemas import Kind
from services.classifier.core.triggers import demand_triggers
from services.classifier.core.unruled import read_unruled

PUBLISHER = "Press release publisher"


@pytest.mark.parametrize(("sentence", "party"), [
    pytest.param("They urged all parties to exercise restraint and protect civilians.", "all parties",
                 id="parties-are-no-agent-noun"),
    pytest.param("He will call on both sides to continue substantive negotiations.", "both sides", id="sides"),
    pytest.param("I call on the international community to be actively engaged on peace efforts.",
                 "the international community", id="community"),
    pytest.param("They urged all States, in accordance with their obligations under international law and relevant "
                 "Security Council resolutions, to cooperate actively with the Government.", "all States",
                 id="a-parenthesis-between-party-and-act"),
    pytest.param("The Assembly also requested the Secretary-General, in consultation with Member States, to submit "
                 "a report.", "the Secretary-General", id="requested-with-a-parenthesis"),
    pytest.param("The Home Secretary has urged Meta not to roll out end-to-end encryption without safety measures.",
                 "Meta", id="not-to"),
    pytest.param("It demands that Member States ensure that their counter-terrorism measures comply with the law.",
                 "Member States", id="demands-that"),
    pytest.param("By other terms, the Council decided that all States shall deny safe haven to terrorists.",
                 "all States", id="decides-that-shall"),
    pytest.param("The Security Council called upon Member States today to step up efforts.", "Member States",
                 id="a-time-word-is-no-part-of-the-party"),
])
def test_the_model_s_demand_names_the_party_addressed(sentence, party):
    found = read_unruled(sentence, PUBLISHER, Kind.DEMAND, 0.9)
    assert found.actor.name == party


@pytest.mark.parametrize("sentence", [
    "The Council urges them to report by June.",
    "The Minister gave £5 million to charities to expand their work.",
])
def test_no_pronoun_and_no_sum_is_a_party(sentence):
    assert read_unruled(sentence, PUBLISHER, Kind.DEMAND, 0.9).actor.name in (PUBLISHER, "charities")


def test_a_ruled_demand_s_party_drops_a_time_word():
    [trigger] = demand_triggers("The Security Council called upon Member States today to step up efforts.")
    assert trigger.actor == "Member States"


@pytest.mark.parametrize("sentence", [
    "They noted and further encouraged progress in the deployment of the police and civilian components of the "
    "force to protect civilians.",
    "eSafety has requested that a revised Search Engines code be submitted within four weeks to address concerns.",
    "TikTok must provide the requested information to the Commission by 18 October.",
])
def test_a_thing_or_a_clause_after_an_operative_verb_is_no_party(sentence):
    assert read_unruled(sentence, PUBLISHER, Kind.DEMAND, 0.9).actor.name not in (
        "progress in the deployment of the police and civilian components of the force",
        "that a revised Search Engines code be", "information")


def test_a_party_addressed_in_the_progressive_is_named():
    assert read_unruled("The Commission is requesting TikTok to provide more information.", PUBLISHER,
                        Kind.DEMAND, 0.9).actor.name == "TikTok"


@pytest.mark.parametrize(("sentence", "actor"), [
    pytest.param("The Council also decided to actively review the implementation of the measures.", "Council",
                 id="decided"),
    pytest.param("The General Assembly today decided to hold the third Conference in 2024.", "General Assembly",
                 id="decided-today"),
])
def test_the_body_that_decided_acts_on_a_pledge_read_for_the_model_alone(sentence, actor):
    # "Decides to …" is a pledge by the body deciding (tests/data/README.md, operative clauses): in the past
    # tense of a news report too.
    assert read_unruled(sentence, PUBLISHER, Kind.PLEDGE, 0.9).actor.name == actor


@pytest.mark.parametrize(("sentence", "party"), [
    pytest.param("Prison governors must report every assault on an officer to the police within 48 hours.",
                 "Prison governors", id="a-sentence-s-first-word-and-a-noun"),
    pytest.param("Landlords must check the papers of every new tenant within 28 days.", "Landlords",
                 id="a-noun-no-list-holds"),
])
def test_a_demand_s_party_is_the_subject_obliged_whatever_its_noun(sentence, party):
    """The actor of a demand is the party obliged (tests/data/README.md), never the publisher that obliges it."""
    assert read_unruled(sentence, PUBLISHER, Kind.DEMAND, 0.9).actor.name == party


@pytest.mark.parametrize("sentence", [
    pytest.param("Harmful posts must be removed within one hour.", id="a-thing-a-passive-duty-is-about"),
    pytest.param("Passing background checks must become a legal requirement.", id="a-verb-in-ing"),
])
def test_a_thing_the_duty_is_about_is_no_party_obliged(sentence):
    assert read_unruled(sentence, PUBLISHER, Kind.DEMAND, 0.9).actor.name == PUBLISHER


@pytest.mark.parametrize("sentence", [
    pytest.param("This must stop now.", id="a-pronoun"),
    pytest.param("Crisis talks must start by Friday.", id="a-plural-that-names-no-one"),
    pytest.param("Various measures must follow within 28 days.", id="things"),
])
def test_a_subject_that_names_no_people_or_body_is_no_party_obliged(sentence):
    assert read_unruled(sentence, "Home Office", Kind.DEMAND, 0.9).actor.name == "Home Office"
