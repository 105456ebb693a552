"""The decision stage: rules propose, a small linear model decides commitment or not and its kind."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest

from schemas import Kind
from services.classifier.core import classify
from services.classifier.core.classifier import proposals_of
from services.classifier.core.decision import DecisionModel, Linear, load_model, shipped_model
from services.classifier.core.signals import read_signals, signals, tied


def _model(weights: dict[str, float], *, intercept: float = -3.0, kind: dict[str, float] | None = None,
           threshold: float = 0.5, veto: float = 0.0) -> DecisionModel:
    return DecisionModel("test", Linear(weights, intercept), Linear(kind or {}, -3.0), threshold, veto)


@pytest.mark.parametrize(("sentence", "present", "absent"), [
    pytest.param("The Council urges all States to ratify the convention without delay.",
                 {"operative", "operative:early", "after_modal:ratify", "first:determiner"}, {"will", "perfect"},
                 id="operative-clause"),
    pytest.param("The department has awarded twelve grants worth $4m to community groups.",
                 {"perfect", "money", "money_verb", "money:stated"}, {"will", "operative"}, id="perfect-money"),
    pytest.param("Platforms will have six months to comply with the new code.",
                 {"will", "window", "time_words", "after_modal:have"}, {"negation"}, id="duty-with-window"),
    pytest.param("The minister is expected to tell the summit that the UK will provide £5m.",
                 {"expected", "will", "money"}, {"negation"}, id="reported-speech"),
    pytest.param("We do not expect that the rules will change.",
                 {"negation", "will", "first:we", "we"}, {"perfect"}, id="negated-prediction"),
    # A resolution's clauses reported with a participle ("requesting", "extending") are its operative verbs.
    pytest.param("The Council renewed the Force, requesting the Secretary-General to ensure its safety.",
                 {"operative"}, {"will"}, id="operative-participle"),
    pytest.param("It adopted the text, extending the mandate of the mission for nine months until 20 December.",
                 {"extend"}, {"operative"}, id="extend-participle"),
    # An adverb between the verb and its particle keeps the pair ("has called directly on Meta").
    pytest.param("The Home Secretary has called directly on Meta to commit to safety measures.",
                 {"operative_past"}, {"operative"}, id="pair-across-adverb"),
])
def test_signals_of_real_sentence_forms(sentence, present, absent):
    names = signals(sentence, None, alone=False, first_paragraph=False)
    assert present <= names
    assert not absent & names


@pytest.mark.parametrize(("sentence", "when"), [
    pytest.param("In 2024, $274.5 million was disbursed to states through the annual programme.", "year:past",
                 id="money-of-an-earlier-year"),
    pytest.param("The Council renewed the mandate set by resolution 2490 (2019) until 31 December 2026.",
                 "year:future", id="a-later-year-outweighs-an-earlier-one"),
    pytest.param("The summit will take place in October 2025 in London.", "year:current", id="this-year"),
    pytest.param("We will invest $40 million in 2026-27, reaching 2,000 officers.", None,
                 id="financial-years-and-numbers-are-no-years"),
])
def test_a_clause_carries_the_years_it_names_against_its_releases_year(sentence, when):
    names = signals(sentence, None, alone=False, first_paragraph=False, year=2025)
    assert {name for name in names if name.startswith("year:")} == ({when} if when else set())
    assert not any(name.startswith("year:") for name in signals(sentence, None, alone=False, first_paragraph=False))


def test_a_proposal_reads_years_against_the_release_publication(make_release):
    body = "In 2024, the department provided $10 million to councils. It will provide $12 million by 2026."
    assert [sorted(name for name in p.signals.general if name.startswith("year:"))
            for p in proposals_of(make_release(body, "2025-03-01"))] == [["year:past"], ["year:future"]]


def test_the_kind_model_does_not_weigh_the_years_a_clause_names():
    from pledgewatch.training import _NOT_KIND

    assert "year:past".startswith(_NOT_KIND) and "year:past|rule".startswith(_NOT_KIND)
    assert not any(name.startswith("year:") for name in shipped_model().kind.weights)


def test_tied_signals_carry_the_rules_reading():
    names = {"will", "rule:found"}
    assert tied(names, True) == {"will", "rule:found", "will|rule"}
    assert tied(names, False) == {"will", "rule:found", "will|none"}


def test_a_tied_weight_counts_only_with_its_reading():
    linear = Linear({"operative|none": 4.0, "operative": 1.0}, 0.0)
    assert linear.probability({"operative"}, ruled=False) > linear.probability({"operative"}, ruled=True)


def test_the_model_keeps_an_operative_clause_the_rules_pass_over(make_release):
    release = make_release("The Security Council requests the Secretary-General to submit a report by 2025.")
    assert not [p for p in proposals_of(release) if p.found is not None]
    assert classify(release, rules_only=True).commitments == []
    model = _model({"operative:early|none": 8.0}, kind={"operative:early": 8.0})
    [commitment] = classify(release, model=model).commitments
    assert commitment.kind == Kind.DEMAND
    assert commitment.actor == "the Secretary-General"
    assert [d.due.isoformat() for d in commitment.deadlines] == ["2025-12-31"]
    assert 0.5 <= commitment.confidence <= 1.0


def test_the_model_can_overrule_the_rules(make_release):
    release = make_release("The UK will invest £10m over the next three years.")
    assert classify(release, rules_only=True).commitments
    assert classify(release, model=_model({"rule:found": -10.0})).commitments, "kept: no veto"
    assert classify(release, model=_model({"rule:found": -10.0}, veto=0.5)).commitments == []


def test_the_shipped_model_loads_without_a_download():
    model = shipped_model()
    assert model.commitment.weights and 0 < model.threshold < 1
    assert model.version


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"version": "x", "commitment": {}}))
    with pytest.raises(ValueError, match="not a decision model"):
        load_model(path)


def test_a_release_with_a_commitment_about_terrorism_is_flagged_counter_terrorism(make_release):
    release = make_release("Annual report on rail services.\n\nPassenger numbers rose by 4% last year. "
                           "The department will fund a new counter-terrorism training unit for station staff.")
    result = classify(release)
    assert any(c.counter_terrorism for c in result.commitments)
    assert result.is_counter_terrorism


@pytest.mark.parametrize(("sentence", "kind", "actor"), [
    pytest.param("The Council requests the Secretary-General to report by June.", Kind.DEMAND, "the Secretary-General",
                 id="addressed-party"),
    pytest.param("It invites them to report by June.", Kind.DEMAND, "Press release publisher", id="never-a-pronoun"),
    pytest.param("We have awarded twelve grants worth $4m.", Kind.PLEDGE, "Press release publisher",
                 id="we-is-the-publisher"),
])
def test_an_actor_read_for_the_model_alone_is_never_a_bare_pronoun(sentence, kind, actor):
    from services.classifier.core.unruled import read_unruled

    found = read_unruled(sentence, "Press release publisher", kind, 0.9)
    assert (found.trigger.kind, found.actor.name) == (kind, actor)


@pytest.mark.parametrize(("sentence", "actor"), [
    pytest.param("The Security Council today renewed the mandate of the Counter-Terrorism Committee Executive "
                 "Directorate until 31 December 2025", "Security Council", id="renewed"),
    pytest.param("The Council extended the mandates of the Special Rapporteurs for a period of one year", "Council",
                 id="extended"),
    pytest.param("The European Union prolongs its sanctions regime until 31 October 2022", "European Union",
                 id="prolongs"),
])
def test_the_body_extending_renewing_or_prolonging_a_mandate_acts(sentence, actor):
    # "Decides to extend the mandate of X until 31 March 2025" is the deciding body's pledge (the labelling
    # rules): the subject of "extended", "renewed" or "prolonged" acts, not the release's publisher.
    from services.classifier.core.unruled import read_unruled

    found = read_unruled(sentence, "Press release publisher", Kind.PLEDGE, 0.9)
    assert found.actor.name == actor


HUGE = "The UK will invest £10m in new schools. " * 2000  # one 80 KB line: 2,000 pledges


def test_a_huge_release_gives_at_most_the_cap_and_says_where_reading_stopped(make_release):
    from services.classifier.core.classifier import MAX_COMMITMENTS

    result = classify(make_release(HUGE))
    assert len(result.commitments) == MAX_COMMITMENTS
    assert f"stopped at {MAX_COMMITMENTS} commitments" in result.unsupported_reason


# one pledge naming 112 days: each a deadline, and each deadline four reminders to every subscriber of it
MANY_DAYS = "The Home Office will recruit 200 officers " + ", ".join(
    f"by {day} {month} 2027" for month in ("January", "March", "May", "July") for day in range(1, 29)) + "."


def test_a_commitment_keeps_at_most_the_cap_of_deadlines_and_says_so(make_release):
    """Before: every day a sentence named was a deadline of its commitment: one 4 KB sentence made 112 of them, 448
    reminders planned for each subscriber, and the alert listed them all."""
    from services.classifier.core.classifier import MAX_DEADLINES

    result = classify(make_release(MANY_DAYS))
    [commitment] = result.commitments
    assert [d.text for d in commitment.deadlines] == [f"by {day} January 2027" for day in range(1, MAX_DEADLINES + 1)]
    assert result.unsupported_reason == (f"a commitment at character 0 names 112 deadlines: "
                                         f"the first {MAX_DEADLINES} are kept")


def test_the_time_budget_stops_reading_and_keeps_what_was_found(make_release):
    seconds = iter(range(10_000))  # every look at the clock: one second later
    result = classify(make_release(HUGE), budget_seconds=5, clock=lambda: next(seconds))
    assert 0 < len(result.commitments) <= 5
    assert "stopped at the time budget of 5 s" in result.unsupported_reason


def test_paragraphs_know_a_whole_paragraph_as_a_scan_of_its_lines_would(labelled_sentences):
    from services.classifier.core.proposals import Paragraphs
    from services.classifier.core.sentences import split_sentences

    def scanned(body, sentence):
        first, last = body.rfind("\n", 0, sentence.start) + 1, body.find("\n", sentence.end)
        return not body[first:sentence.start].strip() and not body[sentence.end:last if last != -1 else None].strip()

    bodies = ["Headline to go\n\nFirst sentence. Second one,\n\ncontinued here.\n  Alone line.  \n", HUGE[:2000],
              " \tTabbed line\r\n\xa0Spaced out.\u2003\x0b\nOne. Two.\x1c\n\n- Bullet item\nLast words",
              "\n\n".join(labelled_sentences[:400])]
    for body in bodies:
        paragraphs = Paragraphs(body)
        for sentence in split_sentences(body):
            assert paragraphs.alone(sentence) == scanned(body, sentence), body[sentence.start:sentence.end]


def test_words_are_found_as_the_word_pattern_finds_them(labelled_sentences):
    from services.classifier.core.signals import _WORD, _words

    for sentence in labelled_sentences + ["We'll act—now!", "naïve £10m co-operation 2023/24", ""]:
        low = sentence.lower()
        assert _words(low) == _WORD.findall(low), sentence


def test_weighing_a_clauses_tokens_equals_weighing_its_word_and_pair_names(labelled_sentences):
    model = shipped_model()
    texts = labelled_sentences + ["Funds will fund funds will fund 2025 and 2026, 10m or 5m."]  # repeated words, pairs
    for text in texts:
        read = read_signals(text, None, alone=False, first_paragraph=False)
        assert read.names == signals(text, None, alone=False, first_paragraph=False)
        for linear in (model.commitment, model.kind):
            for ruled in (False, True):
                assert linear.probability(read.general, ruled, read.tokens) == \
                    pytest.approx(linear.probability(read.names, ruled), rel=1e-12, abs=1e-15)


def test_a_lexical_weight_counts_once_however_often_its_word_or_pair_occurs():
    linear = Linear({"w:fund": 1.0, "w2:will_fund": 2.0, "will": 0.5}, 0.0)
    once = linear.probability({"will"}, False, ["we", "will", "fund"])
    assert once == linear.probability({"will"}, False, ["we", "will", "fund", "and", "will", "fund"])
    assert once == pytest.approx(1 / (1 + math.exp(-3.5)))


BUDGET_LIST = ("The 2019-20 State Budget includes:\n\n"
               "$22 million investment to boost the Enhanced Prescribed Burning program in the South-West;\n\n"
               "$186 million to expand Casuarina Prison including $3.3 million for security system upgrades;\n\n"
               "$12.3 million to secure and screen a new female compound and enhance security at Greenough "
               "Regional Prison.")


def test_a_list_item_the_rules_pass_over_beside_items_they_read_is_proposed_on_its_own(make_release):
    release = make_release(BUDGET_LIST)  # the items end in ";": one sentence, split into its clauses
    proposals = [(BUDGET_LIST[p.span.start:p.span.end], p.found is not None) for p in proposals_of(release)]
    assert proposals == [
        ("$22 million investment to boost the Enhanced Prescribed Burning program in the South-West", True),
        ("$186 million to expand Casuarina Prison including $3.3 million for security system upgrades", False),
        ("$12.3 million to secure and screen a new female compound and enhance security at Greenough Regional "
         "Prison.", True)]


@pytest.mark.parametrize(("body", "first", "later"), [
    pytest.param("The Security Council today extended the mandate of the mission until 30 April. The Council "
                 "requested a report by June. It met twice. It will meet again. Members must report by May.",
                 {"genre:un", "place:first"}, {"genre:un", "place:later"}, id="un-meeting-coverage"),
    pytest.param("Ministers will meet in May, the minister said. They met before. They said so. It rained. "
                 "Councils must report by June, he said.",
                 {"genre:said", "place:first"}, {"genre:said", "place:later"}, id="reported-speech"),
])
def test_a_proposal_carries_where_it_stands_and_the_genre_of_its_release(make_release, body, first, later):
    from services.classifier.core.signals import CONTEXT_PREFIXES

    proposals = proposals_of(make_release(body))
    context = [{name for name in p.signals.general if name.startswith(CONTEXT_PREFIXES)} for p in proposals]
    assert (context[0], context[-1]) == (first, later)


def test_prose_in_long_paragraphs_is_not_a_list_of_lines():
    from services.classifier.core.proposals import genre_of

    paragraph = "The department will fund new training for officers across the country this year. " * 3
    assert all("genre:lines" not in names for names in genre_of(paragraph + "\n\n" + paragraph))
    assert all("genre:lines" in names for names in genre_of("Short line one\nShort line two\n" + paragraph))


def test_interactions_weigh_single_signals_pairs_and_steps_of_the_linear_probability():
    from services.classifier.core.decision import Interactions, step_name

    interactions = Interactions({"operative": 1.0, step_name(0.5): 2.0},
                                [("genre:un", "operative", 0.5), ("operative", step_name(0.3), -1.5),
                                 (step_name(0.3), step_name(0.5), 0.25)], -1.0)

    def sigmoid(total):
        return 1 / (1 + math.exp(-total))
    assert interactions.probability({"genre:un"}, 0.2) == pytest.approx(sigmoid(-1.0))
    assert interactions.probability({"genre:un", "operative"}, 0.2) == pytest.approx(sigmoid(0.5))
    assert interactions.probability({"genre:un", "operative"}, 0.4) == pytest.approx(sigmoid(-1.0))
    assert interactions.probability({"operative"}, 0.6) == pytest.approx(sigmoid(-1.0 + 1.0 + 2.0 - 1.5 + 0.25))
    assert interactions.probability({"operative"}, 0.5) == pytest.approx(sigmoid(-1.5)), "a step is above its cut"


def test_interactions_correct_the_linear_probability_and_survive_the_json(tmp_path):
    from services.classifier.core.decision import Interactions, step_name

    model = DecisionModel("test", Linear({"will": 2.0}, -1.0), Linear({}, -3.0), 0.5, 0.0,
                          Interactions({"will": -5.0}, [("will", step_name(0.9), 9.0)], 0.0), terrorism_cut=0.25)
    assert model.commitment.probability({"will"}, False) > 0.5
    assert model.commitment_probability({"will"}, False) < 0.01
    assert model.decide({"will"}, False) is None
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model.to_dict()))
    assert load_model(path) == model


def test_a_release_is_about_terrorism_when_a_clause_near_the_cut_names_it(make_release):
    release = make_release("Annual report on rail services.\n\nPassenger numbers rose by 4% last year. Station "
                           "staff should be ready to respond to a terrorist attack.")
    dropped = _model({}, intercept=-1.0, threshold=0.9, veto=0.9)  # P(commitment) 0.27 for every proposal
    result = classify(release, model=dropped)
    assert (result.commitments, result.is_counter_terrorism) == ([], False)
    lifted = classify(release, model=replace(dropped, terrorism_cut=0.25))
    assert (lifted.commitments, lifted.is_counter_terrorism) == ([], True)
    assert not classify(release, model=replace(dropped, terrorism_cut=0.3)).is_counter_terrorism
