"""A demand written as an operative clause names the party asked or obliged to act (tests/data/README.md, "actor
of a demand"), never the body that speaks: "The Council encourages / requests / invites X to", "X are invited /
encouraged to"."""

from __future__ import annotations

import pytest

from schemas import Kind
from services.classifier.core.commitments import find_commitment

PUBLISHER = "United Nations"


@pytest.mark.parametrize(("sentence", "party"), [
    pytest.param("The members of the Security Council encouraged the G5 Sahel States to ensure that the force "
                 "continues to scale up its operations.", "G5 Sahel States", id="encouraged"),
    pytest.param("The Council requests the Secretary-General to submit a report on the mission by 30 June.",
                 "Secretary-General", id="requests"),
    pytest.param("The Assembly invites Member States to contribute to the trust fund.", "Member States",
                 id="invites"),
    pytest.param("All Member States affected by the problem are invited to join these efforts by the end of 2024.",
                 "Member States", id="are-invited-to"),
    pytest.param("States are encouraged to ratify the convention before the next session.", "States",
                 id="are-encouraged-to"),
])
def test_the_party_an_operative_clause_addresses_acts(sentence, party):
    found = find_commitment(sentence, PUBLISHER)
    assert found is not None
    assert (found.trigger.kind, found.actor.name) == (Kind.DEMAND, party)
