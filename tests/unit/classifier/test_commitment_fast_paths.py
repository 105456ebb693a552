"""The shortcuts in reading one sentence for a commitment find exactly what the plain code finds, on the
labelled releases' sentences and on random text built from the rules' own words."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from services.classifier.core import actors, clauses, commitments, triggers
from services.classifier.core.commitments import find_commitment, may_commit
from services.classifier.core.folding import fold
from services.classifier.core.triggers import read_cues

_SUBORDINATOR = re.compile(
    r"\b(?:that|which|who|whom|whereby|where|when|and|but|so|because|while|whilst|as|if|once|after|before|"
    r"said|says|announced|announces|confirmed|means|why|how)\b", re.IGNORECASE)
_WORDS = ["will ", "must ", "The ", "council ", "that ", "Which ", "whereby ", "where ", "as ", "so ", "forces ",
          "FORCE ", "governments ", "Trust ", "trusts ", "unity ", "the Home Office ", "of ", "to ", "£5m ", ", ",
          ": ", "İ", "ſ", "K", "x", " ", "we ", "they ", "commitment ", "plans ", "should be removed ",
          "and ", "AND ", "Police ", "Crime "]


def _texts(sentences: list[str], count: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return sentences + ["".join(rnd.choice(_WORDS) for _ in range(rnd.randint(0, 20))) for _ in range(count)]


def _subject_by_scan(segment: str) -> str:
    cuts = list(_SUBORDINATOR.finditer(segment))
    while cuts and cuts[-1].group() == "and" and re.match(r"\s+[A-Z]", segment[cuts[-1].end():]) \
            and re.search(r"(?:^|\s)[A-Z]\S*[^\W\d_]\s+$|(?:^|\s)[A-Z]\s+$", segment[:cuts[-1].start()]):
        cuts.pop()  # "Police and Crime Commissioners": one name
    if cuts:
        after = segment[cuts[-1].end():].strip()
        return after or segment[: cuts[-1].start()].strip()
    return segment.strip()


def test_the_last_subordinator_is_the_one_a_scan_finds_last(labelled_sentences):
    for text in _texts(labelled_sentences, 2000, 3):
        assert actors.clause_subject(text + " will", len(text) + 1) == _subject_by_scan(
            _segment(text.rstrip())), text


def _segment(pre: str) -> str:
    if pre.endswith(","):
        pre = pre[:-1]
        if "," in pre:
            pre = pre[: pre.rfind(",")]
    segment = pre[pre.rfind(",") + 1:] if "," in pre else pre
    return segment.split(":")[-1]


def test_a_subject_without_an_agent_noun_word_has_no_agent_noun(labelled_sentences):
    for text in _texts(labelled_sentences, 2000, 4):
        if not actors._AGENT_NOUN_WORDS.in_(fold(text)):
            assert actors._AGENT_NOUN.search(text) is None, text


def test_a_sentence_that_may_not_commit_commits_nothing(labelled_sentences):
    for text in _texts(labelled_sentences, 3000, 5):
        if not may_commit(text, read_cues(fold(text))):
            assert find_commitment(text, "Home Office", actors.Actor("Companies", True)) is None, text


_TRIGGER_WORDS = _WORDS + ["promised to ", "promises ", "shall ", "we'll ", "I’ll ", "They'll ", "has ", "have been ", "is ", "are now ", "am ",
                           "remains ", "committed to ", "Pledges ", "promise ", "vows ", "undertakes ", "reaffirms ",
                           "reiterate ", "renews its commitment ", "not ", "to ", "going ", "plans ", "intend ",
                           "set ", "need ", "needs to ", "called on ", "urges ", "pressed ", "asked ", "requires ",
                           "forced ", "told ", "advocates ", "pushing for ", "lobbied ", "appeal ", "companies ",
                           "remove ", "be ", "also "]


@pytest.mark.parametrize("pattern", [p for p in triggers._PATTERNS if id(p) in triggers._STARTS])
def test_trigger_regexes_tried_at_their_cues_find_what_a_scan_finds(pattern, labelled_sentences):
    rnd = random.Random(6)
    made = ["".join(rnd.choice(_TRIGGER_WORDS) for _ in range(rnd.randint(0, 20))) for _ in range(3000)]
    for text in labelled_sentences + made:
        folded = fold(text)
        cues = triggers.read_cues(folded)
        assert [m.span() for m in triggers._finditer(pattern, text, folded, cues)] == \
            [m.span() for m in pattern.finditer(text)], text
        assert cues.families == triggers.trigger_families(folded)
        assert all(offsets == sorted(set(offsets)) for offsets in cues.starts.values()), text


def test_no_start_word_of_a_trigger_regex_begins_another():  # so read_cues finds no start twice
    for words in triggers._STARTS.values():
        assert not [(a, b) for a in words for b in words if a != b and b.startswith(a)]


def test_the_clause_boundary_finds_what_it_found_before(labelled_sentences):
    before = re.compile(r"(?:[,;]\s+(?:and|but|while|whilst)|;)\s+(?=\S)", re.IGNORECASE)
    rnd = random.Random(8)
    pieces = [", ", "; ", ",", ";", " and ", "AND ", "but ", " while", "whilst ", "\t", "\n", "x", "We will "]
    made = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))) for _ in range(3000)]
    for text in labelled_sentences + made:
        assert [m.span() for m in clauses._BOUNDARY.finditer(text)] == [m.span() for m in before.finditer(text)]


def _every_trigger_then_the_earliest(text: str, publisher: str, previous) -> object:
    """What ``find_commitment`` picks among the triggers when it names the actor of every one of them."""
    low, folded = text.lower(), fold(text)
    cues = triggers.read_cues(folded)
    found = []
    for trigger in triggers.demand_triggers(text, low, cues, folded):
        actor = commitments._named_actor(trigger, publisher)
        if actor is not None:
            found.append(commitments.Found(trigger, actor))
    for trigger in triggers.obligation_triggers(text, cues, folded) + triggers.pledge_triggers(text, cues, folded):
        actor = commitments._acting(text, trigger, publisher, previous, folded, cues)
        if actor is not None:
            found.append(commitments.Found(trigger, actor))
    return min(found, key=lambda f: commitments._place(f.trigger), default=None)


def test_the_first_trigger_with_an_actor_is_the_earliest_of_all(labelled_sentences):
    rnd = random.Random(9)
    made = ["".join(rnd.choice(_TRIGGER_WORDS) for _ in range(rnd.randint(0, 20))) for _ in range(3000)]
    previous = actors.Actor("Companies", True)
    for text in labelled_sentences + made:
        if text.rstrip().endswith("?"):
            continue
        expected = _every_trigger_then_the_earliest(text, "Home Office", previous)
        if expected is not None and not commitments.possessed_commitment(text, text.lower()):
            assert find_commitment(text, "Home Office", previous) == expected, text


def test_a_boundary_is_found_where_the_boundary_regex_finds_one(labelled_sentences):
    rnd = random.Random(10)
    pieces = [", ", "; ", ",", ";", " and ", "AND ", "But ", " while", "whilſt ", "\t", "\n", "\u00a0", "x", "We will "]
    made = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))) for _ in range(3000)]
    for text in labelled_sentences + made:
        assert clauses._has_boundary(text) == (clauses._BOUNDARY.search(text) is not None), text


def test_only_the_demands_that_name_whom_they_ask_carry_an_actor(labelled_sentences):
    rnd = random.Random(11)
    made = ["".join(rnd.choice(_TRIGGER_WORDS) for _ in range(rnd.randint(0, 20))) for _ in range(3000)]
    for text in labelled_sentences + made:
        low, folded = text.lower(), fold(text)
        cues = triggers.read_cues(folded)
        assert all(t.actor is not None for t in triggers.demand_triggers(text, low, cues, folded)), text
        assert all(t.actor is None for t in triggers.obligation_triggers(text, cues, folded)
                   + triggers.pledge_triggers(text, cues, folded)), text


def _plain_find_commitment(text: str, publisher: str, previous, alone: bool):
    """``find_commitment`` reading money twice and sorting every trigger list, as it was first written."""
    if text.rstrip().endswith("?"):
        return None
    low, folded = text.lower(), fold(text)
    cues = read_cues(folded)
    if not alone and not may_commit(text, cues):
        return None
    tagged = [(t, True) for t in triggers.demand_triggers(text, low, cues, folded)] + \
        [(t, False) for t in triggers.obligation_triggers(text, cues, folded)
         + triggers.pledge_triggers(text, cues, folded)]
    found = []
    for trigger, names in sorted(tagged, key=lambda item: commitments._place(item[0])):
        actor = commitments._named_actor(trigger, publisher) if names else \
            commitments._acting(text, trigger, publisher, previous, folded, cues)
        if actor is not None:
            found.append(commitments.Found(trigger, actor))
            break
    found += commitments._frames(text, low, publisher, previous, found, alone, folded, cues)
    if not found and commitments.has_money(text):
        trigger = triggers.money_trigger(text, folded)
        if trigger is not None:
            actor = actors.name_actor(actors.clause_subject(text, trigger.start, folded), trigger.start == 0, publisher)
            if not actor.hostile and not triggers.FRAMING.search(text, 0, trigger.start):
                found.append(commitments.Found(trigger, actor if actor.agent else
                                               actors.Actor(publisher, True, own=True)))
    return min(found, key=lambda f: commitments._place(f.trigger), default=None)


@pytest.mark.parametrize("alone", [False, True], ids=["in a paragraph", "alone"])
def test_a_commitment_is_what_the_plain_reading_finds(labelled_sentences, alone):
    rnd = random.Random(12)
    words = _TRIGGER_WORDS + ["£5m ", "$40 million ", "10 million pounds ", "announced ", "the government's ",
                              "commitment to ", "within one hour ", "by 2021 ", "Councils to get "]
    made = ["".join(rnd.choice(words) for _ in range(rnd.randint(0, 20))) for _ in range(3000)]
    for previous in (None, actors.Actor("Companies", True)):
        for text in labelled_sentences + made:
            assert find_commitment(text, "Home Office", previous, alone=alone) == \
                _plain_find_commitment(text, "Home Office", previous, alone), text


def test_a_sentence_without_the_going_to_core_has_no_going_to_trigger(labelled_sentences):
    rnd = random.Random(13)
    words = _TRIGGER_WORDS + ["planning ", "intending ", "preparing ", "intends ", "plan ", "Set ", "settled ",
                              "to\t", "to\n", "\u00a0", "be ", "open ", "no ", "the "]
    made = ["".join(rnd.choice(words) for _ in range(rnd.randint(0, 20))) for _ in range(5000)]
    for text in labelled_sentences + made:
        if triggers._GOING_TO_CORE.search(fold(text)) is None:
            assert triggers._GOING_TO.search(text) is None, text


def test_whether_a_sentence_names_money_given_reads_as_found(labelled_sentences):
    from services.classifier.core.money import has_money
    from services.classifier.core.signals import read_signals

    for text in _texts(labelled_sentences, 2000, 41):
        money = has_money(text)
        for alone in (False, True):
            assert find_commitment(text, "Home Office", alone=alone, money=money) == \
                find_commitment(text, "Home Office", alone=alone), text
        plain = read_signals(text, None, alone=False, first_paragraph=False)
        given = read_signals(text, None, alone=False, first_paragraph=False, money=money)
        assert (given.general, given.tokens) == (plain.general, plain.tokens), text


def test_named_tuples_built_without_their_own_new_are_theirs():
    from services.classifier.core.classifier import proposals_of
    from services.classifier.core.proposals import Proposal
    from services.classifier.core.signals import Signals
    from services.classifier.core.triggers import Cues
    from services.ingest.files import load_release

    release = load_release(next(iter(sorted(Path(__file__).parents[3].glob("seeds/*.txt")))))
    proposals = proposals_of(release)
    assert proposals
    for proposal in proposals:
        assert type(proposal) is Proposal and type(proposal.signals) is Signals
        assert proposal == Proposal(*proposal) and proposal.signals == Signals(*proposal.signals)
    cues = read_cues(fold("We will commit £5m"))
    assert type(cues) is Cues and cues == Cues(*cues) and cues.families


def test_a_framed_trigger_found_as_the_search_finds_it(labelled_sentences):
    rnd = random.Random(43)
    pieces = ["we ", "expect ", "Expected ", "unlikely ", "likely ", "if ", "iff ", "specific ", "unless ", "whether ",
              "fears ", "feared ", "Warns ", "could ", "would ", "might ", "believes ", "means ", "meanswhile ",
              "hopes ", "hoped ", "hope ", "projected ", "forecasts ", "predicted ", "will ", "x", "-", "’", "İ", "ſ"]
    texts = labelled_sentences + ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 15))) for _ in range(3000)]
    for text in texts:
        folded = fold(text)
        cues = read_cues(folded)
        for end in {0, len(text) // 3, len(text) // 2, len(text)}:
            assert commitments._framed(folded, end, cues) == (triggers.FRAMING.search(text, 0, end) is not None), text
