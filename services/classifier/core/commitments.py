"""Whether one sentence commits anyone: its trigger and who must act."""

from __future__ import annotations

import re
from datetime import date
from typing import Final, NamedTuple

from .actors import Actor, clause_subject, name_actor, new_actor
from .deadlines import find_deadlines
from .frames import headline, passive_demand, possessed_commitment, required_party
from .folding import case_sensitive, fold_lowered
from .money import has_money
from .triggers import (DEMAND, FRAMING, PLEDGE, Cues, Trigger, agent_only, demand_triggers, money_trigger,
                       obligation_triggers, pledge_triggers, read_cues)
from .verbs import is_participle

_FRAMING_FOLDED: Final = case_sensitive(FRAMING)  # triggers.FRAMING: a prediction or a condition before a trigger
_FRAMING_KEY: Final = id(FRAMING)  # its starts in a sentence's Cues
_PRONOUN: Final = re.compile(r"^(?:this|it|that|these|those|such|which|what|they|he|she)$", re.IGNORECASE)
_THERE: Final = re.compile(r"(?:^|\s)there$", re.IGNORECASE)
_TIME: Final = re.compile(r"\b(?:year|month|week|spring|summer|autumn|winter|today|tomorrow|\d{4})\b", re.IGNORECASE)
_SEE_DONE: Final = re.compile(r"\bsee\s+(?:[^\s.;]+\s+){1,8}?[a-z]+ed\b", re.IGNORECASE)
_RELATIVE: Final = re.compile(r"\b(?:that|which)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
_PERSON: Final = re.compile(r"^(?:he|she|they|him|her|them)$", re.IGNORECASE)
# People described, not an actor's promise: "those who will be separated from their families".
_PEOPLE_WHO: Final = re.compile(r"\b(?:those|anyone|everyone|people|others|many|all|some|each)\s+who\s+(?:\w+ly\s+)?$",
                         re.IGNORECASE)
_PASSIVE: Final = re.compile(r"\bbe\s+(?:[a-z]+ly\s+)?(?P<participle>[a-z]+)\b", re.IGNORECASE)
# The same without IGNORECASE, to run over the folded sentence (see .folding): about twice as fast.
_RELATIVE_FOLDED: Final = case_sensitive(_RELATIVE)
_PEOPLE_WHO_FOLDED: Final = case_sensitive(_PEOPLE_WHO)
_PASSIVE_FOLDED: Final = case_sensitive(_PASSIVE)


class Found(NamedTuple):
    trigger: Trigger
    actor: Actor


def new_found(trigger: Trigger, actor: Actor) -> Found:
    """``Found(trigger, actor)``, built by ``tuple.__new__`` (see ``triggers._new_cues``)."""
    return tuple.__new__(Found, (trigger, actor))


def may_commit(text: str, cues: Cues) -> bool:
    """Can ``find_commitment`` find anything in ``text`` (not ``alone``)? Every way it finds one needs a
    trigger family's word (``cues``: ``read_cues(fold(text))``) or an amount of money."""
    return bool(cues.families) or has_money(text)


def find_commitment(text: str, publisher: str, previous: Actor | None = None, *, alone: bool = False,
                    cues: Cues | None = None, low: str | None = None, folded: str | None = None,
                    money: bool | None = None) -> Found | None:
    """The commitment one sentence makes, if any: its trigger and who must act. A sentence ``alone`` in
    its paragraph may be a headline ("Councils to get £100m"). ``cues`` is ``read_cues(fold(text))``, ``low``
    ``text.lower()``, ``folded`` ``fold(text)`` and ``money`` ``has_money(text)``, if known."""
    if text.rstrip().endswith("?"):
        return None
    low = text.lower() if low is None else low
    folded = fold_lowered(text, low) if folded is None else folded
    cues = read_cues(folded) if cues is None else cues
    if money is None and not cues.families:  # else read only when no trigger is found
        money = has_money(text, folded=folded)
    if not alone and not cues.families and not money:  # not may_commit(text, cues)
        return None
    # Demands (those naming whom they ask have an actor), obligations and pledges, by place.
    triggers = demand_triggers(text, low, cues, folded) + obligation_triggers(text, cues, folded) + \
        pledge_triggers(text, cues, folded)
    if len(triggers) > 1:
        triggers.sort(key=_place)
    found: list[Found] = []
    for trigger in triggers:  # the first with an actor wins
        if trigger.actor is not None:
            actor = _named_actor(trigger, publisher)
        else:
            actor = _acting(text, trigger, publisher, previous, folded, cues)
        if actor is not None:
            found.append(tuple.__new__(Found, (trigger, actor)))  # no Python frame (``triggers._new_cues``)
            break
    found += _frames(text, low, publisher, previous, found, alone, folded, cues)
    if not found and (has_money(text, folded=folded) if money is None else money):
        spent = money_trigger(text, folded)
        if spent is not None:
            actor = name_actor(clause_subject(text, spent.start, folded), spent.start == 0, publisher)
            if not actor.hostile and not _framed(folded, spent.start, cues):
                found.append(new_found(spent, actor if actor.agent else new_actor(publisher, True, own=True)))
    if len(found) > 1:  # at most two: a trigger's and a frame's
        return min(found, key=lambda f: _place(f.trigger))
    return found[0] if found else None


def _place(trigger: Trigger) -> tuple[int, bool]:
    """The earliest trigger wins, a demand before a pledge at the same place."""
    return trigger.start, trigger.kind != DEMAND


def _named_actor(trigger: Trigger, publisher: str) -> Actor | None:
    """The actor a demand names ("called on companies to"), if it is someone else able to act."""
    actor = name_actor(trigger.actor or "", False, publisher)
    return new_actor(trigger.actor or actor.name, True) if actor.agent and not actor.own and not actor.hostile else None


def _acting(text: str, trigger: Trigger, publisher: str, previous: Actor | None, folded: str,
            cues: Cues) -> Actor | None:
    """Who must act on a pledge or an obligation: its subject, or whom "X will require … for Y" obliges."""
    actor = _subject_actor(text, trigger, publisher, previous, folded, cues)
    if actor is not None and trigger.verb == "require" and trigger.kind == DEMAND:
        party = required_party(text, trigger.start)
        return new_actor(party, True) if party else None
    return actor


def _framed(folded: str, end: int, cues: Cues) -> bool:
    """``FRAMING.search(text[:end])``, over ``folded`` (``fold(text)``), tried only where one of its words begins
    (``cues``: ``read_cues(folded)``): a search tries the pattern at every offset."""
    starts = cues.starts.get(_FRAMING_KEY)
    if starts is None:
        return False
    for start in starts:  # sorted
        if start >= end:
            break
        if _FRAMING_FOLDED.match(folded, start, end) is not None:
            return True
    return False


def _frames(text: str, low: str, publisher: str, previous: Actor | None, found: list[Found],
            alone: bool, folded: str, cues: Cues) -> list[Found]:
    """Commitments written without a modal verb (see :mod:`.frames`)."""
    extra = []
    restated = possessed_commitment(text, low)
    if restated is not None and not _framed(folded, restated.start, cues):
        actor = name_actor(restated.actor or "", False, publisher)
        extra.append(new_found(restated, actor if actor.agent and not actor.hostile
                               else new_actor(publisher, True, own=True)))
    if found or extra:
        return extra
    demand = passive_demand(text) if previous is not None and not previous.own else None
    if demand is not None and previous is not None and find_deadlines(text, date(2000, 1, 1)):
        return [new_found(demand, previous)]  # "Companies should … Terrorist content should be removed …"
    announced = headline(text) if alone else None
    if announced is not None:
        return [new_found(announced, new_actor(publisher, True, own=True))]
    return []


def _subject_actor(text: str, trigger: Trigger, publisher: str, previous: Actor | None,
                   folded: str, cues: Cues) -> Actor | None:
    subject = clause_subject(text, trigger.start, folded)
    words = subject.split()
    last = words[-1] if words else ""
    if _framed(folded, trigger.start, cues) or _people_who(folded, trigger.start):
        return None
    pronoun = _PRONOUN.match(last) is not None
    if pronoun and trigger.verb in ("be a", "be an"):
        return None
    if previous is not None and last.lower() in ("they", "these", "those") and subject.lower() == last.lower():
        return previous  # "These providers will have to remove ... They will also have to ..."
    passive = trigger.kind == PLEDGE and _passive(text, trigger, folded)  # read once: tested up to 3 times
    if subject.lower() in ("this", "these", "that", "those") and trigger.kind == PLEDGE and not passive:
        return None  # "This will provide support": the effect of what was just announced
    if pronoun and not trigger.verb.startswith("be "):
        subject = "it"  # "it will launch a call": a pronoun is no agent, but may act
    if passive and _PERSON.match(subject):
        return None  # "he will be sentenced": something done to a person, not a promise
    there = _THERE.search(subject) is not None
    if trigger.kind == PLEDGE and (passive or has_money(subject)) and not there:
        return new_actor(publisher, True, own=True)  # "councils are to be given", "£69m of improvements will"
    if there:
        return new_actor(publisher, False) if trigger.kind == PLEDGE and trigger.verb.startswith("be") else None
    actor = name_actor(subject, text.startswith(subject), publisher)
    if actor.hostile or (not actor.agent and actor.name != publisher):
        return None
    if trigger.kind == DEMAND:  # "we must" is resolve, not a demand; "the rules should" names no one
        return actor if actor.agent and not actor.own else None
    if not actor.agent and _RELATIVE_FOLDED.search(folded, 0, trigger.start):
        return None  # "training that will set them up": a thing described, not an actor's promise
    if trigger.verb == "see" and not _TIME.search(subject) and not _SEE_DONE.search(text, trigger.start):
        # "passengers will see faster services" predicts; "later this year will see", "will see 8 drugs added"
        # announce
        return None
    if agent_only(trigger) and not actor.agent:
        return None
    return actor


def _people_who(folded: str, end: int) -> bool:
    """``_PEOPLE_WHO_FOLDED.search(folded, 0, end)``: tried only where "who" stands before ``end``."""
    return folded.find("who", 0, end) != -1 and _PEOPLE_WHO_FOLDED.search(folded, 0, end) is not None


def _passive(text: str, trigger: Trigger, folded: str) -> bool:
    """The trigger's verb is passive: "will be invested", "are to be given", "set to be opened" (``folded``:
    ``fold(text)``)."""
    match = _PASSIVE_FOLDED.search(folded, trigger.start, trigger.start + 40)
    return match is not None and is_participle(text[match.start("participle"):match.end("participle")])
