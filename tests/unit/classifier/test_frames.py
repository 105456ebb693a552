"""Commitments without "will": restated commitments, headlines, passive demands, rules on others, and the
clause and voice rules that decide who acts. Every case is a sentence in the style of a press release."""

from __future__ import annotations

import pytest

from schemas import Kind
from services.classifier.core.commitments import find_commitment

PUBLISHER = "Department for Transport"


@pytest.mark.parametrize(("sentence", "kind", "actor"), [
    pytest.param("The money adds to the government's commitment to raise road spending by 20%.", Kind.PLEDGE,
                 "UK government", id="restated-commitment"),
    pytest.param("Today I am confirming our plans to introduce a new road safety fund in 2019.", Kind.PLEDGE,
                 PUBLISHER, id="confirming-our-plans"),
    pytest.param("Councils are to be given £50m to fill potholes.", Kind.PLEDGE, PUBLISHER,
                 id="passive-recipient-is-not-the-actor"),
    pytest.param("A new rail adviser will be appointed next year.", Kind.PLEDGE, PUBLISHER, id="passive-appointment"),
    pytest.param("£20 million of improvements to the line will boost capacity.", Kind.PLEDGE, PUBLISHER,
                 id="money-subject-effect"),
    pytest.param("The Minister announced £3m for cycling schemes.", Kind.PLEDGE, PUBLISHER, id="announced-money"),
    pytest.param("The agency will require new safety checks for all operators.", Kind.DEMAND, "all operators",
                 id="will-require-for"),
    pytest.param("The Prime Minister will set out the plan in the spring.", Kind.PLEDGE, "UK government",
                 id="prime-minister-is-the-government"),
])
def test_commitments_and_who_acts(sentence, kind, actor):
    found = find_commitment(sentence, PUBLISHER)
    assert found is not None
    assert (found.trigger.kind, found.actor.name) == (kind, actor)


def test_a_headline_alone_in_its_paragraph_is_an_announcement():
    found = find_commitment("Ten new bus routes to open in rural areas.", PUBLISHER, alone=True)
    assert found is not None and found.trigger.kind is Kind.PLEDGE
    assert find_commitment("Ten new bus routes to open in rural areas.", PUBLISHER) is None


@pytest.mark.parametrize("sentence", [
    pytest.param("The department is committed to protecting passengers.", id="stance-is-committed-to"),
    pytest.param("Passengers will see faster and more reliable services.", id="will-see-predicts"),
    pytest.param("He will be sentenced at the Crown Court next month.", id="done-to-a-person"),
    pytest.param("This will provide support to families across the region.", id="this-will-effect"),
    pytest.param("It also means fares are set to rise in 2019.", id="set-to-rise-forecast"),
    pytest.param("The council reserves the right to close the road.", id="not-a-headline"),
    pytest.param("Students will progress on to college courses.", id="progress-on-to"),
    pytest.param("We are united in our commitment to stamp out crime.", id="rhetorical-commitment"),
])
def test_not_commitments(sentence):
    assert find_commitment(sentence, PUBLISHER, alone=True) is None


def test_a_passive_demand_with_a_deadline_falls_on_the_party_last_asked():
    from services.classifier.core.actors import Actor
    found = find_commitment("Illegal adverts should be removed within one hour.", PUBLISHER,
                            Actor("online platforms", True))
    assert (found.trigger.kind, found.actor.name) == (Kind.DEMAND, "online platforms")


def test_two_clauses_with_their_own_subjects_are_two_commitments(make_release):
    from services.classifier.core import classify
    body = "We will repair the bridge, and we will reopen the station by June 2018."
    assert [c.text for c in classify(make_release(body)).commitments] == [
        "We will repair the bridge", "we will reopen the station by June 2018."]
