"""A subject that names a thing, not a body able to act, is not the actor: a law, a regulation, a code or a
fund ("Martyn’s Law", "the Centre's Community Resilience Fund") is the publisher acting through it, and a name
that only qualifies a thing ("the Fiscal Year 2023 grant guidance") names no one."""

from __future__ import annotations

import pytest

from services.classifier.core.actors import name_actor

PUBLISHER = "Home Office"


@pytest.mark.parametrize("subject", [
    pytest.param("Martyn’s Law", id="a-law-named-after-someone"),
    pytest.param("the Centre's Community Resilience Fund", id="a-fund-of-a-centre"),
    pytest.param("The Regulation", id="a-regulation"),
    pytest.param("The new Online Safety Code", id="a-code"),
])
def test_the_publisher_acts_through_a_law_a_code_or_a_fund(subject):
    assert name_actor(subject, False, PUBLISHER).name == PUBLISHER


def test_a_name_before_a_number_and_a_noun_qualifies_a_thing():
    assert name_actor("The Fiscal Year 2023 grant guidance", True, PUBLISHER).name == PUBLISHER


@pytest.mark.parametrize(("subject", "name"), [
    pytest.param("Britain's Counter Terrorism Police", "Counter Terrorism Police", id="a-body-of-a-country"),
    pytest.param("the Council of Europe's Committee of Ministers", "Committee of Ministers", id="a-body-of-a-body"),
    pytest.param("G7 members", "G7", id="a-name-with-a-digit"),
])
def test_a_body_named_after_a_possessive_is_the_actor(subject, name):
    assert name_actor(subject, False, PUBLISHER).name == name
