"""A minister or an official named with their title speaks for the publisher, as a bare title does ("the
Minister will"): "Parliamentary Secretary Oliphant announced", "The Honourable Marc Garneau, Minister of Foreign
Affairs, today announced"."""

from __future__ import annotations

import pytest

from services.classifier.core.actors import name_actor
from services.classifier.core.commitments import find_commitment

PUBLISHER = "Global Affairs Canada"


@pytest.mark.parametrize("subject", [
    pytest.param("Parliamentary Secretary Oliphant", id="parliamentary-secretary"),
    pytest.param("The Honourable Marc Garneau", id="honourable"),
    pytest.param("Minister Docherty", id="minister"),
    pytest.param("Governor Kathy Hochul", id="governor"),
    pytest.param("Secretary of Homeland Security Alejandro N. Mayorkas", id="secretary-of"),
])
def test_a_titled_official_is_the_publisher(subject):
    actor = name_actor(subject, False, PUBLISHER)
    assert (actor.name, actor.own) == (PUBLISHER, True)




def test_an_office_a_demand_addresses_is_the_party():
    found = find_commitment("Require the Director of National Intelligence to provide a report on the use of social "
                            "media by terrorist organizations.", PUBLISHER)
    assert found is not None and found.actor.name == "Director of National Intelligence"
