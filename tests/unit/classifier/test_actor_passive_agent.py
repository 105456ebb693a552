"""In a passive demand the party obliged is the subject, never the agent after "by": in "Providers have been
required by Ofcom to submit their records", the providers must act."""

from __future__ import annotations

from schemas import Kind
from services.classifier.core.triggers import demand_triggers
from services.classifier.core.unruled import read_unruled

SENTENCE = "Providers of a number of online services have been required by Ofcom to submit their records."


def test_the_agent_of_a_passive_is_no_party_a_rule_reads():
    assert [t.actor for t in demand_triggers(SENTENCE)] == []


def test_the_model_s_passive_demand_names_its_subject():
    assert read_unruled(SENTENCE, "Ofcom", Kind.DEMAND, 0.9).actor.name == "Providers"
