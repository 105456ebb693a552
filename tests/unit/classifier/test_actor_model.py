"""The actor model: a commitment's actor chosen among the readings the rules can make of it, weights read from the
model file, a file without them keeping the rules' actors."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.classifier.core import classify
from services.classifier.core.actor_model import (AGENT, GOVERNMENT, NAME, PUBLISHER, RULES, ActorModel,
                                                  ReleaseContext, actor_candidates, chosen_actor, publisher_readings)
from services.classifier.core.actors import _AGENT_NOUN_FOLDED, agent_noun_matches
from services.classifier.core.decision import DecisionModel, shipped_model
from services.classifier.core.folding import fold
from services.classifier.core.records import commitment_id
from services.ingest.files import load_release

ROOT = Path(__file__).resolve().parents[3]

NOTHING_ELSE = ReleaseContext("Press release", "", [])


def test_the_candidates_are_the_rules_reading_the_publisher_its_government_and_the_texts_names_in_order():
    text = "The Council also encouraged Member States and internet companies to act within two hours."
    candidates = actor_candidates(text, rules_actor="Member States", publisher_name="United Nations",
                                  government="United Nations", names={})
    assert [(c.name, sorted(c.sources)) for c in candidates] == [
        ("Member States", sorted({RULES, AGENT, NAME})),  # one candidate however many sources read it
        ("United Nations", sorted({PUBLISHER, GOVERNMENT})),
        ("Council", sorted({AGENT, NAME})),
        ("internet companies", [AGENT]),  # not "and internet companies": the noun phrase alone
    ]
    assert candidates[0].start == text.index("Member States")


def test_an_acronym_the_release_defines_is_a_candidate_by_its_full_name():
    [_, named] = actor_candidates("The GCTF will embark on new initiatives.", rules_actor="UK government",
                                     publisher_name="UK government", government="UK government",
                                     names={"GCTF": "Global Counterterrorism Forum"})
    assert named.name == "Global Counterterrorism Forum" and named.sources == {NAME}


def test_the_candidate_of_largest_score_is_the_actor_and_a_tie_keeps_the_rules_reading():
    text = "We call upon internet companies to remove terrorist content."
    kwargs = {"kind": "demand", "rules_actor": "UK government", "publisher_name": "Home Office",
              "government": "UK government", "names": {}, "release": NOTHING_ELSE}
    assert chosen_actor(ActorModel(0.0, {}), text, **kwargs) == "UK government"
    assert chosen_actor(ActorModel(0.0, {"prev=upon&demand": 2.0}), text, **kwargs) == "internet companies"
    assert chosen_actor(ActorModel(0.0, {"s=publisher": 1.0, "never-seen": 9.0}), text, **kwargs) == "Home Office"


def test_a_site_missing_from_the_table_speaks_for_itself_and_a_department_for_its_government():
    assert publisher_readings("Home Office", None) == ("Home Office", "UK government")
    assert publisher_readings("unlisted", "Ofcom") == ("Ofcom", "Ofcom")


def test_the_shipped_model_names_the_alliance_its_allies_pledge_for_and_the_id_follows_the_actor(make_release):
    release = make_release("Allies will increase their defence spending to 2% of GDP by 2024.").model_copy(
        update={"url": "https://www.nato.int/cps/en/natohq/news.htm"})
    [by_rules] = classify(release, model=replace(shipped_model(), actor=None)).commitments
    [learned] = classify(release).commitments
    assert by_rules.actor == "Allies"
    assert learned.actor == "NATO"
    assert learned.id == commitment_id(release.release_id, learned.text, "NATO") != by_rules.id
    assert learned.model_copy(update={"actor": by_rules.actor, "id": by_rules.id}) == by_rules  # nothing else moves


def test_a_sentences_first_word_a_fund_a_minister_a_hostile_group_or_a_headlines_words_are_no_candidates():
    def names(text: str) -> list[str]:
        return [c.name for c in actor_candidates(text, rules_actor="X", publisher_name="X", government="X", names={})]

    assert names("What is planned: the Home Office will fund BN(O) projects.") == ["X", "Home Office"]
    assert names("The Community Resilience Fund and the Minister will help Da’esh victims.") == ["X"]
    assert names("Funding to be Distributed to Faith-based Institutions") == ["X", "Faith-based Institutions"]


def test_the_model_file_holds_the_actor_model_and_one_without_it_keeps_the_rules_actors(make_release):
    data = json.loads(json.dumps(shipped_model().to_dict()))
    assert set(data["actor"]) == {"intercept", "weights"}
    assert DecisionModel.from_dict(data).actor == shipped_model().actor
    del data["actor"]
    model = DecisionModel.from_dict(data)
    assert model.actor is None
    release = make_release("Allies will increase their defence spending to 2% of GDP by 2024.").model_copy(
        update={"url": "https://www.nato.int/cps/en/natohq/news.htm"})
    assert [c.actor for c in classify(release, model=model).commitments] == ["Allies"]


def test_a_model_file_with_a_bad_actor_model_is_refused_naming_why(tmp_path):
    from services.classifier.model_choice import ModelFileError, read_model

    data = json.loads(json.dumps(shipped_model().to_dict()))
    data["actor"]["weights"]["s=rules"] = "heavy"
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match="heavy"):
        read_model(path)


_PIECES = ("police", "forces", "force", "reinforce", "the", "uk", "counter-terrorism", "britain's", "local",
           "authorities", "-", "'", "’", " ", "  ", "\n", "(", ".", "x_1", "governments", "ministry")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30))
def test_agent_noun_matches_are_those_of_the_pattern_tried_everywhere(pieces):
    folded = fold("".join(pieces))
    assert _spans(agent_noun_matches(folded)) == _spans(_AGENT_NOUN_FOLDED.finditer(folded))


def test_agent_noun_matches_are_those_of_the_pattern_tried_everywhere_in_each_training_release():
    for path in sorted((ROOT / "tests" / "data" / "releases").glob("*.json")):
        folded = fold(load_release(path).body)
        assert _spans(agent_noun_matches(folded)) == _spans(_AGENT_NOUN_FOLDED.finditer(folded)), path.name


def _spans(matches):
    return [match.span() for match in matches]
