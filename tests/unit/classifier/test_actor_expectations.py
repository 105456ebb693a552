"""A regulator that expects a party to act demands it of that party: "We therefore expect platforms to ensure
their systems are effective" names the platforms; an expectation of a thing ("we expect funding to reach") names
no one."""

from __future__ import annotations

from schemas import Kind
from services.classifier.core.commitments import find_commitment

PUBLISHER = "Ofcom"


def test_the_party_expected_to_act_is_the_actor():
    found = find_commitment("We therefore expect platforms to ensure their systems and processes are effective.",
                            PUBLISHER)
    assert found is not None
    assert (found.trigger.kind, found.actor.name) == (Kind.DEMAND, "platforms")


def test_an_expected_thing_is_no_party():
    assert find_commitment("We expect the economy to grow by two per cent next year.", PUBLISHER) is None


def test_an_expectation_of_others_is_no_demand_of_the_publisher():
    assert find_commitment("The Australian community expects the online industry to take all reasonable steps.",
                           PUBLISHER) is None
