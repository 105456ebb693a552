"""Who acts in a clause the model keeps although no rule read a commitment in it.

The rules name the actor of what they read; here the clause was kept on the model's word alone, so the
actor is read plainly: the party an operative verb addresses ("urges all States to"), else the subject of
the first modal or duty phrase, else the publisher.
"""

from __future__ import annotations

import re
from typing import Final

from schemas import Kind

from .actors import PARTY_PLURALS, clause_subject, name_actor, new_actor, without_bare_pronoun
from .commitments import Found, new_found
from .folding import case_sensitive, fold, matches_at, word_starts
from .triggers import DEMAND, PLEDGE, TIME_AFTER_PARTY, new_trigger, without_time_word

_ADDRESSED: Final = re.compile(
    r"(?<!\bthe\s)\b(?P<verb>urg(?:es?|ed|ing)|call(?:s|ed|ing)?\s+(?:up)?on|request(?:s|ed|ing)?|invit(?:es?|ed|ing)|"
    r"encourag(?:es?|ed|ing)|requir(?:es?|ed)|oblig(?:es?|ed)|direct(?:s|ed)?|ask(?:s|ed|ing)?|demand(?:s|ed|ing)?|"
    r"instruct(?:s|ed)?|give[sn]?|gave)\s+(?P<party>(?!to\b|that\b)[^,.;:()]{2,80}?)"
    # "called upon Member States today to", "urged all States, in accordance with …, to", "urged Meta not to"
    r"(?:\s+" + TIME_AFTER_PARTY + r")?(?:\s*,[^.;:()]{1,200}?,)?\s+(?:not\s+)?"
    r"(?:(?:\w+\s+){0,3}(?:months?|weeks?|days?|years?|hours?)\s+)?to\s+[a-z]"
    # "demands that Member States ensure", "decided that all States shall"
    r"|\b(?:demand|request|decid)(?:s|es|ed|e)?\s+that\s+(?P<bound>(?:\w[\w-]*\s+){0,3}?\w[\w-]*)\s+"
    r"(?:shall|should|must|ensure)\b", re.IGNORECASE)
# Verbs that address a party whoever it is ("urged all parties to", "calls on the international community to");
# the others ("gives", "requires") name a party only when it is one able to act.
_OPERATIVE: Final = ("urg", "call", "request", "invit", "encourag", "ask", "demand")
_NO_PARTY: Final = re.compile(r"[\d£$€]", re.IGNORECASE)
# A party that is no body able to act is taken from an operative verb only when it is a plain name: "all parties",
# "the international community", "Meta"; not "progress in the deployment of the force".
_PLAIN_NAME: Final = re.compile(r"(?!.*\s(?:of|in|for|on|from|with|by|at|that|which|be)\s)\S+(?:\s+\S+){0,4}",
                                re.IGNORECASE)
# A subject a duty binds whatever its noun: up to four words, the last a plural naming people or bodies ("Prison
# governors", "Landlords", "Large employers"), not led by a pronoun or a verb in -ing ("passing background checks
# will become …"), holding no determiner, pronoun or verb ("This must stop"); not a plural of things ("Crisis
# talks", "Various measures")
_OBLIGED: Final = re.compile(r"(?!(?:th[eo]se|they|we|you|some|many|all|\w+ing)\b)"
                             r"(?!(?:.*\s)?(?:this|that|its?|thus|is|are|was|were|has|have|had)\b)"
                             r"(?:[A-Za-z][\w'’-]*\s+){0,3}"
                             rf"(?:[a-z][\w-]*(?:ers|ors|ists|ants|(?<!m)ents|ians|lords)|{'|'.join(PARTY_PLURALS)})",
                             re.IGNORECASE)
# A sentence's first word, alone, that is a plural in lowercase but for its capital: a thing ("Bids must be
# submitted", "Applications must be made"), or a body an agent noun names ("Councils"), never a name as "Russia",
# "TikTok" or "MONUSCO" are, nor one that ends in -s ("Brussels", "Lloyds"): a plural known as one, or one the text
# writes in lowercase too.
_FIRST_WORD_PLURAL: Final = re.compile(r"[A-Z][a-z]+s")
_PLURALS_OF_THINGS: Final = frozenset("applications bids claims nominations responses submissions entries forms "
                                      "proposals requests returns tenders appeals objections representations "
                                      "comments payments".split())
_ACTING: Final = re.compile(
    r"\b(?:will|shall|must|should|(?:is|are)\s+(?:now\s+)?(?:set\s+|required\s+|obliged\s+|expected\s+)?to|"
    r"ha(?:s|ve)\s+(?:\w+\s+){0,2}(?:awarded|allocated|adopted|provided|committed|announced|agreed)|"
    r"(?:awards?|allocates?|adopts?|provides?|announces?|commits?|decide[sd]?|agrees?|"
    r"(?:extend|renew|prolong)(?:s|ed)?))\b", re.IGNORECASE)


# The same without IGNORECASE, to run over the folded text (see .folding): about twice as fast.
_ADDRESSED_FOLDED: Final = case_sensitive(_ADDRESSED)
_ACTING_FOLDED: Final = case_sensitive(_ACTING)
# Every match of _ADDRESSED begins with one of these, and every match of _ACTING with one of the next: each is
# tried only there (a search with a pattern that starts with \b tries every offset).
_ADDRESSED_STARTS: Final = ("urg", "call", "request", "invit", "encourag", "requir", "oblig", "direct", "ask", "demand",
                     "instruct", "give", "gave", "decid")
_ACTING_STARTS: Final = ("will", "shall", "must", "should", "is", "are", "ha", "award", "allocate", "adopt", "provide",
                  "announce", "commit", "decide", "agree", "extend", "renew", "prolong")


def addressed_at(folded: str) -> re.Match[str] | None:
    """``_ADDRESSED_FOLDED.search(folded)``, tried only where a match can begin."""
    return next(matches_at(_ADDRESSED_FOLDED, folded, word_starts(folded, _ADDRESSED_STARTS)), None)


def acting_at(folded: str) -> re.Match[str] | None:
    """``_ACTING_FOLDED.search(folded)``, tried only where a match can begin."""
    return next(matches_at(_ACTING_FOLDED, folded, word_starts(folded, _ACTING_STARTS)), None)


def read_unruled(text: str, publisher: str, kind: Kind, confidence: float, *, folded: str | None = None) -> Found:
    """The trigger and actor of ``text``, kept as a commitment of ``kind`` by the model alone (``folded``:
    ``fold(text)``, when known)."""
    folded = fold(text) if folded is None else folded
    if kind == DEMAND:
        hit = addressed_at(folded)
        if hit is not None:
            addressed = _ADDRESSED.match(text, hit.start())  # matched again to read the party from ``text``
            assert addressed is not None  # it matches where the fold matched
            party = (addressed["party"] or addressed["bound"]).strip()
            if _is_party(party, addressed["verb"] or "demand", publisher):
                return new_found(new_trigger(kind, addressed.start(), party, "model", confidence),
                                 new_actor(party, True))
    acting = acting_at(folded)
    at = acting.start() if acting else 0
    subject = without_time_word(clause_subject(text, at)) if at else ""
    actor = name_actor(subject, _is_first_word_plural(subject, text), publisher) if at \
        else new_actor(publisher, True, own=True)
    if kind == DEMAND and not actor.agent and not actor.hostile and acting is not None \
            and _OBLIGED.fullmatch(subject) is not None and not folded.startswith("be ", acting.end() + 1):
        # "Prison governors must report …": whom a duty binds is its party, whatever its noun
        actor = new_actor(subject, True)
    if actor.hostile or not actor.agent:
        actor = new_actor(publisher, True, own=True) if kind == PLEDGE else new_actor(actor.name, False)
    return new_found(new_trigger(kind, at, None, "model", confidence), actor)


def _is_first_word_plural(subject: str, text: str) -> bool:
    """Whether ``subject``, the first word of ``text``, is a plural in lowercase but for its capital ("Bids",
    "Applications") rather than a name that ends in -s ("Brussels", "Lloyds")."""
    if _FIRST_WORD_PLURAL.fullmatch(subject) is None or not text.startswith(subject):
        return False
    lowered = subject.lower()
    return lowered in _PLURALS_OF_THINGS or re.search(rf"\b{lowered}\b", text) is not None


def _is_party(party: str, verb: str, publisher: str) -> bool:
    """Whether ``party``, addressed by ``verb``, is whom a demand asks: one able to act, or anyone an operative
    verb addresses; never a bare pronoun ("urges them to"), the publisher itself or a sum ("gave £5m to")."""
    named = name_actor(party, False, publisher)
    if named.own or named.hostile or _NO_PARTY.search(party) or without_bare_pronoun(party, "") == "":
        return False
    return named.agent or verb.lower().startswith(_OPERATIVE) and _PLAIN_NAME.fullmatch(party) is not None
