"""Naming the actor and reading the no-modal frames over folded text finds exactly what the plain
IGNORECASE code finds, on the labelled releases' sentences and on random text built from the rules' own
words (with the characters that fold differently: "İ", "ı", "ſ" and the Kelvin sign)."""

from __future__ import annotations

import random
import re

import pytest

from schemas import Kind
from services.classifier.core import actors, frames, verbs
from services.classifier.core.actors import Actor
from services.classifier.core.folding import fold
from services.classifier.core.publishers import UK_GOVERNMENT, government_of
from services.classifier.core.triggers import Trigger

_WORDS = ["we ", "We ", "I ", "our ", "it ", "It ", "This ", "these ", "They ", "they ", "the ", "The ", "UK ", "Britain ",
          "Prime Minister ", "Home Secretary ", "Secretary of State for Home ", "government ", "Government ",
          "companies ", "service providers ", "terrorists ", "Daesh ", "people ", "the public ", "of ", "to ",
          "with ", "signing ", "'s ", "’s ", "Work Programme ", "Fund ", "Defra ", "DHS ", "NATS ", "2021 ",
          "commitment ", "30 April ", "Friday ", "Friday's ", "On ", "By ", "in ", "Office ", "2,000 ", "Category 1 ",
          "Police and Crime ", "G7 ", "France ", "Each of ", "Some ", "many of us ", "plans ", "plan ", "pledge ",
          "promise ", "government's ", "its ", "their ",
          "should be ", "must be ", "will need to be ", "removed ", "done ", "set ", "opened ", "open ",
          "more ", "Councils ", "schools ", "to get ", "to be ", "is ", "include ", "that ", "which ", "and ",
          "said ", ", ", ": ", ".", "İ", "ı", "ſ", "\u212a", "K", "x", " ", "planſ ", "promiſe ", "commİtment ",
          "ıt ", "ſaid "]
_PUBLISHERS = ["UK government", "Defra", "Department for Education", "DHS"]
_TIME_WORDS = ("january|february|march|april|may|june|july|august|september|october|november|december|monday|tuesday|"
               "wednesday|thursday|friday|saturday|sunday")
_LEADING_PREPOSITIONS = "by|on|in|from|at|until|till|before|after|since|during|over"
# Words whose letters IGNORECASE matches but str.lower() does not turn into the pattern's.
_ODD_FRAMES = ["The government's commitment to ınvest £5m.", "The government’s pledge to \u212aeep it.",
               "Our planſ to introduce rules.", "Its promiſe to open schools.", "Schools to ſtay open.",
               "Content should be removed within one hour.", "Content should be ſet out.", "Thıs must be done."]


def _texts(sentences: list[str], count: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return sentences + ["".join(rnd.choice(_WORDS) for _ in range(rnd.randint(0, 14))) for _ in range(count)]


def _plain_clause_subject(sentence: str, trigger: int) -> str:
    pre = sentence[:trigger].rstrip()
    if pre.endswith(","):
        pre = pre[:-1]
        if "," in pre:
            pre = pre[: pre.rfind(",")]
    segment = pre[pre.rfind(",") + 1:] if "," in pre else pre
    segment = segment.split(":")[-1]
    cut = actors._LAST_SUBORDINATOR.match(segment)
    while cut and cut["word"] == "and" and re.search(r"(?:^|\s)[A-Z]\S*[^\W\d_]\s+$|(?:^|\s)[A-Z]\s+$",
                                                          segment[:cut.start("word")]) \
            and re.match(r"\s+[A-Z]", segment[cut.end():]):
        cut = actors._LAST_SUBORDINATOR.match(segment[:cut.start("word")])
    if cut:
        after = segment[cut.end():].strip()
        if after:
            return after
        return segment[: cut.start("word")].strip()
    return segment.strip()


_QUANTIFIERS = ("the this these those it a an each every all some any both either neither none half most many several "
                "few around about over nearly almost up more such another further there here").split()


def _plain_name_actor(subject: str, sentence_start: bool, publisher_name: str) -> Actor:
    text = subject.strip()
    text = re.sub(r"^(?:each|every one|all|half|some|many|most|both|either|several|one)\s+of\s+"
                  r"(?!(?:us|you|them|whom|which|these|those|this|it)\b)", "", text, flags=re.IGNORECASE)
    if not text or actors._FIRST_PERSON.fullmatch(text) or actors._FIRST_PERSON.match(text) \
            and len(text.split()) == 1:
        return Actor(publisher_name, True, own=True)
    head = actors._PREPOSITION.split(text, maxsplit=1)[0]
    if actors._HOSTILE.search(head):
        return Actor(text, False, hostile=True)
    if actors._PUBLIC.match(text):
        return Actor(text, False)
    if actors._TITLE.match(text):
        bare = re.sub(r"^the\s+", "", text, flags=re.I)
        if bare.upper() in ("UK", "BRITAIN"):
            return Actor(bare, True, own=True)
        if re.search(r"government|prime minister", bare, re.IGNORECASE):
            named_uk = re.search(r"\b(?:uk|british|britain|united kingdom|hm)\b", bare, re.IGNORECASE)
            return Actor(UK_GOVERNMENT if named_uk else government_of(publisher_name), True, own=True)
        return Actor(publisher_name, True, own=True)
    for match in actors._CAPITALISED.finditer(text):
        if match.start() >= len(head):
            break
        name = match.group()
        rest = text[match.end():]
        if match.start() == 0 and sentence_start and " " not in name and not name.isupper():
            continue
        if name.lower() in _QUANTIFIERS:
            continue
        if re.match(r"(?:This|That)\s", name):
            return Actor(publisher_name, True, own=True)
        possessive = re.search(r"['’]s\b", name)
        name = re.sub(r"^(?:The|A|An)\s+", "", name[: possessive.start()] if possessive else name)
        name = re.sub(rf"^(?:(?:{_LEADING_PREPOSITIONS})\s+)?(?:(?:{_TIME_WORDS}|\d+)\s+)+"
                      r"(?:on|in|of|for|and|the|&)\s+(?:the\s+)?(?=[A-Z])", "", name, flags=re.IGNORECASE)
        name = re.sub(rf"\s+(?:on|in|of|for|and|the|&)\s+(?:the\s+)?(?:{_TIME_WORDS})\b.*", "", name,
                      flags=re.IGNORECASE | re.DOTALL)
        if re.fullmatch(rf"(?:(?:{_LEADING_PREPOSITIONS})\s+)?(?:(?:{_TIME_WORDS}|\d+)(?:\s+|$))*|"
                        rf"(?:{_LEADING_PREPOSITIONS})", name, re.IGNORECASE):
            continue
        if not possessive and actors._MODIFIED.match(rest) and not actors._AGENT_NOUN.match(rest.strip()):
            break
        if actors._TITLE.match(name):
            return _plain_name_actor(name, False, publisher_name)
        if name == publisher_name or actors._INSTRUMENT.search(re.split(r"\s+(?:of|for)\s+", name)[0]):
            return Actor(publisher_name, True, own=True)
        return Actor(name, True)
    agent = actors._AGENT_NOUN.search(head)
    if agent:
        phrase = agent.group()
        numbers = list(re.finditer(r"(?<!\S)\d\S*\s+(?:the\s+)?", phrase, re.I))
        named = re.search(r"(?:^|\s)([A-Z]\S*)\s+$", phrase[:numbers[-1].start()]) if numbers else None
        if numbers and (named is None or named[1].lower() in _QUANTIFIERS):
            phrase = phrase[numbers[-1].end():]
        return Actor(re.sub(r"^(?:the|a|an|all|its|our|their|these|those|such)\s+", "", phrase, flags=re.I), True)
    return Actor(publisher_name, False)


def _plain_possessed_commitment(sentence: str) -> Trigger | None:
    low = sentence.lower()
    if "commitment" not in low and "pledge" not in low and "promise" not in low and "plan" not in low:
        return None
    match = frames._PROMISE.search(sentence)
    if match is None or match["verb"].lower() in frames._NOT_VERBS | frames._ASPIRATIONS:
        return None
    owned = frames._OWNER.search(sentence, max(0, match.start() - 80), match.start())
    if owned is None or owned["pronoun"] and match["noun"].lower() not in ("plan", "plans"):
        return None
    owner = owned["owner"] or ""
    owner = re.sub(r"^(?:the|a|an)\s+", "", owner.split(" the ")[-1].strip(), flags=re.IGNORECASE)
    return Trigger(Kind.PLEDGE, match.start("noun"), owner or None, match["verb"].lower(), 0.7)


def _plain_headline(sentence: str) -> Trigger | None:
    match = frames._HEADLINE.match(sentence)
    if match is None or len(sentence.split()) > frames._HEADLINE_MAX_WORDS \
            or match["np"].split()[-1].lower() in frames._NOT_HEADLINE_HEADS \
            or match["verb"].lower() in frames._NOT_VERBS or frames._FINITE.search(match["np"]) \
            or len(match["np"].split()) > frames._HEADLINE_WORDS or frames._DETERMINER.search(match["np"]) \
            or frames._COPULA.search(frames._RELATIVE_CLAUSE.split(sentence[match.end():], maxsplit=1)[0]):
        return None
    return Trigger(Kind.PLEDGE, match.end("np"), None, match["verb"].lower(), 0.6)


def _plain_passive_demand(sentence: str) -> Trigger | None:
    if " be " not in sentence:
        return None
    match = frames._PASSIVE_DEMAND.search(sentence)
    if match is None or not verbs.is_participle(match["participle"]) or match["participle"].lower() == "done" \
            or re.search(r"\b(?:more|much|everything|something|nothing|this|it|that)\s*$",
                         sentence[:match.start()], re.IGNORECASE):
        return None
    return Trigger(Kind.DEMAND, match.start(), None, match["participle"].lower(), 0.65)


def _plain_is_participle(word: str) -> bool:
    word = word.lower()
    if word in verbs._ADJECTIVES:
        return False
    return word in verbs._IRREGULAR_PARTICIPLES or (len(word) > 3 and re.fullmatch(r"[a-z]+(?:ed|en)", word)
                                                    is not None)


def _word_ends(text: str) -> list[int]:
    """Where a trigger may start: after each word, and the text's end."""
    return [match.end() + 1 for match in re.finditer(r"\S+", text)] + [len(text)]


def test_the_subject_read_over_folded_text_is_the_plain_subject(labelled_sentences):
    for text in _texts(labelled_sentences, 2000, 11):
        folded = fold(text)
        for trigger in _word_ends(text):
            expected = _plain_clause_subject(text, trigger)
            assert actors.clause_subject(text, trigger) == expected, (text, trigger)
            assert actors.clause_subject(text, trigger, folded) == expected, (text, trigger)


@pytest.mark.parametrize("publisher", _PUBLISHERS)
def test_the_actor_named_over_folded_text_is_the_plain_actor(labelled_sentences, publisher):
    subjects = {actors.clause_subject(text, trigger) for text in _texts(labelled_sentences, 1500, 12)
                for trigger in _word_ends(text)}
    subjects |= set(_texts([], 3000, 13))
    for subject in sorted(subjects):
        for sentence_start in (False, True):
            assert actors.name_actor(subject, sentence_start, publisher) == \
                _plain_name_actor(subject, sentence_start, publisher), (subject, sentence_start)


def test_the_frames_read_over_folded_text_are_the_plain_frames(labelled_sentences):
    for text in _texts(labelled_sentences + _ODD_FRAMES, 5000, 14):
        assert frames.possessed_commitment(text) == _plain_possessed_commitment(text), text
        assert frames.possessed_commitment(text, text.lower()) == _plain_possessed_commitment(text), text
        assert frames.headline(text) == _plain_headline(text), text
        assert frames.passive_demand(text) == _plain_passive_demand(text), text


def test_a_participle_is_recognised_without_a_regex(labelled_sentences):
    words = {word for text in _texts(labelled_sentences, 500, 15) for word in re.findall(r"\S+", text)}
    words |= {"ſeted", "İnformed", "\u212aitten", "naïveed", "ed", "sen", "Used", "opened", "open", "set"}
    for word in sorted(words):
        assert verbs.is_participle(word) == _plain_is_participle(word), word
