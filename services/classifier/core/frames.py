"""Commitments written without "will": a restated commitment ("the government's commitment to
increase spending"), a headline ("Fifteen new free schools to open …"), a passive demand
("terrorist content should be removed within one hour") and a rule set on others
("DHS will require enhanced security measures for all flights")."""

from __future__ import annotations

import re
from typing import Final

from .folding import case_sensitive, fold, fold_lowered, matches_at, word_starts
from .triggers import DEMAND, PLEDGE, Trigger, new_trigger
from .verbs import is_participle

_PROMISE: Final = re.compile(r"\b(?P<noun>commitment|pledge|promise|plans?)\s+to\s+(?P<verb>[a-z]+)", re.IGNORECASE)
_PROMISE_NOUNS: Final = ("commitment", "pledge", "promise", "plan")  # every match begins with one
# Who owns it, read back from the noun: "the government’s [long-standing] commitment", "our plans".
_OWNER: Final = re.compile(r"(?:(?P<owner>\b[\w-]+(?:\s+[\w-]+){0,3}?)['’]s|\b(?P<pronoun>our|its|their))"
                    r"\s+(?:[\w-]+\s+)?$", re.IGNORECASE)
# A headline: a noun phrase with no finite verb, then "to VERB" ("Councils to get £100m").
_HEADLINE: Final = re.compile(r"^(?P<np>[A-Z0-9£$€][^,;:.!?()]{0,80}?)\s+to\s+(?:be\s+)?(?:\w+ly\s+)?(?P<verb>[a-z]+)\b")
_FINITE: Final = re.compile(
    r"\b(?:is|are|was|were|be|been|being|will|shall|has|have|had|can|could|would|should|must|may|might|do|does|did|"
    r"thanks|due|according|ahead|welcome|response|access|next|up|close|prior|contrary|subject|able|want\w*|"
    r"need\w*|going|hope\w*|plan\w*|aim\w*|seek\w*|tr(?:y|ies|ied)|how|what|who|which|that|it|we|i|you|they|"
    r"he|she|in order|as|so|if|when|unless|whether|while|where|like|include\w*)\b|\w+(?:ed|ing)\b", re.IGNORECASE)
_HEADLINE_WORDS: Final = 5
_HEADLINE_MAX_WORDS: Final = 25  # a paragraph longer than this is prose, not a title
# "Daesh's ability to spread …": a noun that takes "to" names a capacity or an attempt, not an announcement.
_NOT_HEADLINE_HEADS: Final = frozenset("ability capacity power right attempt attempts bid failure refusal need "
                                "desire efforts effort decision".split())
_RELATIVE_CLAUSE: Final = re.compile(r",|\b(?:where|which|that|who|whose|when)\b", re.IGNORECASE)
_COPULA: Final = re.compile(r"\b(?:is|are|was|were)\b", re.IGNORECASE)  # "The limits to be included … are not set at 0"
_DETERMINER: Final = re.compile(r"\s(?:the|a|an|its|their|our|his|her)\b", re.IGNORECASE)  # "X reserves the right": a verb
# Aims too broad to be an action ("our commitment to stamp out this evil", "to prevent radicalization").
_ASPIRATIONS: Final = frozenset("prevent protect stamp fight combat defeat counter address tackle support ensure keep make "
                         "promote uphold defend end eliminate eradicate work help build improve".split())
_NOT_VERBS: Final = frozenset("the a an this that these those their its our his her date be".split())
_NOT_PROMISED: Final = _NOT_VERBS | _ASPIRATIONS
_PASSIVE_DEMAND: Final = re.compile(
    r"\b(?:should|must|will\s+have\s+to|will\s+need\s+to|need\s+to|needs\s+to)\s+(?:\w+ly\s+)?be\s+"
    r"(?:\w+ly\s+)?(?P<participle>[a-z]+)\b", re.IGNORECASE)
_LEADING_ARTICLE: Final = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_VAGUE_SUBJECT: Final = re.compile(r"\b(?:more|much|everything|something|nothing|this|it|that)\s*$", re.IGNORECASE)
_REQUIRE_OBJECT: Final = re.compile(r"\brequire\s+[^.;]*?\b(?:for|from|of|on)\s+(?P<actor>[^,.;:()]{2,60})", re.IGNORECASE)

# The patterns above without IGNORECASE, to run over fold(text) (see .folding); groups are read from the text.
_PROMISE_FOLDED: Final = case_sensitive(_PROMISE)
_OWNER_FOLDED: Final = case_sensitive(_OWNER)
_FINITE_FOLDED: Final = case_sensitive(_FINITE)
_PASSIVE_DEMAND_FOLDED: Final = case_sensitive(_PASSIVE_DEMAND)
_VAGUE_SUBJECT_FOLDED: Final = case_sensitive(_VAGUE_SUBJECT)


def possessed_commitment(sentence: str, low: str | None = None) -> Trigger | None:
    """"the government's commitment to increase", "our plans to introduce": a restated pledge."""
    low = sentence.lower() if low is None else low
    if "commitment" not in low and "pledge" not in low and "promise" not in low and "plan" not in low:
        return None
    folded = fold_lowered(sentence, low)
    # ``_PROMISE_FOLDED.search(folded)``, tried only where a noun begins: a search tries every offset
    match = next(matches_at(_PROMISE_FOLDED, folded, word_starts(folded, _PROMISE_NOUNS)), None)
    if match is None:
        return None
    verb = _group(sentence, match, "verb").lower()
    if verb in _NOT_PROMISED:
        return None
    owned = _OWNER_FOLDED.search(folded, max(0, match.start() - 80), match.start())
    if owned is None or owned["pronoun"] and _group(sentence, match, "noun").lower() not in ("plan", "plans"):
        return None  # "our commitment to …" in rhetoric; "the government's commitment to …" restates one
    owner = _group(sentence, owned, "owner") if owned["owner"] else ""
    owner = _LEADING_ARTICLE.sub("", owner.split(" the ")[-1].strip())
    return new_trigger(PLEDGE, match.start("noun"), owner or None, verb, 0.7)


def _group(text: str, match: re.Match[str], name: str) -> str:
    """The text of group ``name`` of a match found over ``fold(text)``."""
    return text[match.start(name):match.end(name)]


def headline(sentence: str) -> Trigger | None:
    """"Fifteen new free schools to open in areas …", "The recommendations to be delivered by 2021 include:"."""
    match = _HEADLINE.match(sentence)
    if match is None:
        return None
    np = match["np"]
    words = np.split()
    # the cheap tests first
    if len(words) > _HEADLINE_WORDS or words[-1].lower() in _NOT_HEADLINE_HEADS \
            or match["verb"].lower() in _NOT_VERBS or len(sentence.split()) > _HEADLINE_MAX_WORDS \
            or _DETERMINER.search(np) or _FINITE_FOLDED.search(fold(np)) \
            or _COPULA.search(_RELATIVE_CLAUSE.split(sentence[match.end():], maxsplit=1)[0]):
        return None
    return new_trigger(PLEDGE, match.end("np"), None, match["verb"].lower(), 0.6)


def passive_demand(sentence: str) -> Trigger | None:
    """"content … should be removed within one hour": a demand on whoever holds the content."""
    if " be " not in sentence:
        return None
    folded = fold(sentence)
    match = _PASSIVE_DEMAND_FOLDED.search(folded)
    if match is None:
        return None
    participle = _group(sentence, match, "participle")
    if not is_participle(participle) or participle.lower() == "done" \
            or _VAGUE_SUBJECT_FOLDED.search(folded, 0, match.start()):
        return None
    return new_trigger(DEMAND, match.start(), None, participle.lower(), 0.65)


def required_party(sentence: str, start: int) -> str | None:
    """Who "X will require … for/from Y" obliges: Y."""
    match = _REQUIRE_OBJECT.search(sentence, start)
    return match["actor"].strip() if match else None
