"""The same commitment announced again: in another release, maybe by another department. Pure.

Two commitments are one when the same actor commits to the same money for a related action, or to the
same action in much the same words. The actor's own name is no action word: every commitment of the Home
Office shares "home" and "office". Two different due dates make two commitments unless the words say it is
the same action: one's action words all among the other's (which may add why the date moved), and much
the same words; "£17m by March 2027 ... in schools" and "£17m by December 2028 ... in hospitals" differ
in what is acted on, however short the texts (3 of their 5 words shared). Two different quantities make two
commitments, as two amounts do: "deploy 50 armed officers" and "deploy 5,000 armed officers" (see
:mod:`.quantities`); a restatement naming no quantity, or one more, is left to the words, as one without money
is. Two different response times make two commitments too: "remove it within 1 hour of being notified" and
"... within 5 hours ...", read from the deadlines the classifier resolved, one duration however written ("60
minutes", "one hour"); one with none is left to the words. The ledger finds candidates through index keys
(:func:`index_keys`) and confirms each with :func:`same_commitment`.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from datetime import date
from functools import lru_cache

from schemas.classified import Commitment, DateDeadline, PeriodDeadline, ResponseTimeDeadline
from services.notifier.durations import Duration, duration_of_any_length

from .quantities import quantities
from .words import action_words, overlap

SAME_ACTION = 0.6  # word overlap at or above which two commitments of one actor are the same action
MAX_CANDIDATES = 20  # compared with each new commitment, at most
SAME_MONEY_ACTION = 0.2  # with the same amount, this much overlap suffices: the amount says the rest
_ACTOR_NOISE = frozenset("the hm her his majesty's majestys government govt".split())
_NOT_ACTOR_CHAR = re.compile(r"[^\w\s]")


@lru_cache(maxsize=4096)  # two per comparison of two commitments
def actor_key(actor: str) -> str:
    """``"The UK Government"``, ``"UK"`` and ``"HM Government of the UK"`` -> ``"uk"``; a bare "the
    Government" -> ``"government"``."""
    words = [w for w in _NOT_ACTOR_CHAR.sub(" ", actor.lower()).split() if w not in _ACTOR_NOISE and w != "of"]
    return " ".join(words) or "government"


def money_key(c: Commitment) -> str | None:
    if c.money is None or c.money.amount <= 0:
        return None
    return f"{c.money.currency}:{c.money.amount:.0f}"


def index_keys(c: Commitment) -> list[str]:
    """Keys under which ``c`` is indexed and under which its re-announcements are looked up: its actor's
    amount, and its actor's action words."""
    return list(_index_keys(c.actor, money_key(c), c.text))


@lru_cache(maxsize=4096)  # a commitment's keys are read several times as it is indexed, and as a candidate
def _index_keys(actor: str, money: str | None, text: str) -> tuple[str, ...]:
    words = _commitment_words(actor, text)
    actor = actor_key(actor)
    keys = [f"m:{actor}:{money}"] if money else []
    return (*keys, *sorted(f"w:{actor}:{word}" for word in words))


ResponseTime = tuple[Duration | str, Duration | str]  # its shortest and longest; as written when unreadable
Likeness = tuple[str, str, str | None, frozenset[str], frozenset[date], frozenset[str], frozenset[ResponseTime]]


def likeness(c: Commitment) -> Likeness:
    """All :func:`same_commitment` compares of ``c``: two commitments alike in it are the same commitment to
    every other (its actor, kind, amount, action words, due dates, quantities and response times)."""
    return (actor_key(c.actor), c.kind, money_key(c), commitment_words(c), due_dates(c), commitment_quantities(c),
            response_times(c))


def commitment_words(c: Commitment) -> frozenset[str]:
    """The action words of ``c``'s text that are not words of its actor's name."""
    return _commitment_words(c.actor, c.text)


@lru_cache(maxsize=4096)  # two per comparison of two commitments
def _commitment_words(actor: str, text: str) -> frozenset[str]:
    return action_words(text) - action_words(actor)


def commitment_quantities(c: Commitment) -> frozenset[str]:
    """The counts and percentages ``c``'s text commits to, leaving out its money's and deadlines' own words
    (compared on their own)."""
    return _commitment_quantities(c.text, c.money.text if c.money else "", tuple(d.text for d in c.deadlines))


@lru_cache(maxsize=4096)  # two per comparison of two commitments
def _commitment_quantities(text: str, money: str, deadlines: tuple[str, ...]) -> frozenset[str]:
    for words in (money, *deadlines):
        if words:
            text = text.replace(words, " ")
    return quantities(text)


def due_dates(c: Commitment) -> frozenset[date]:
    """The days ``c`` is due by: its dated deadlines and the ends of its periods."""
    return frozenset(d.due if isinstance(d, DateDeadline) else d.end for d in c.deadlines
                     if isinstance(d, DateDeadline) or (isinstance(d, PeriodDeadline) and d.end is not None))


def response_times(c: Commitment) -> frozenset[ResponseTime]:
    """How soon ``c`` must be acted on each time, as its response-time deadlines say: each one's shortest and
    longest duration, one value however written ("PT60M" and "PT1H"; "P1D" and "PT24H"). The event the time runs
    from is left to the words: the classifier names it only where the text does."""
    return frozenset((_comparable_duration(d.min), _comparable_duration(d.max))
                     for d in c.deadlines if isinstance(d, ResponseTimeDeadline))


def _comparable_duration(iso: str) -> Duration | str:
    return duration_of_any_length(iso) or iso  # "P" and "PT" pass the schema's pattern: compared as written


def same_commitment(a: Commitment, b: Commitment) -> bool:
    """Whether ``b`` announces again what ``a`` announced (the relation is symmetric)."""
    return alike(likeness(a), likeness(b))


def alike(a: Likeness, b: Likeness) -> bool:
    """:func:`same_commitment` of two commitments from their :func:`likeness`: a caller comparing one
    commitment with many works each one's out once."""
    actor_a, kind_a, money_a, words_a, days_a, counts_a, times_a = a
    actor_b, kind_b, money_b, words_b, days_b, counts_b, times_b = b
    if actor_a != actor_b or kind_a != kind_b:
        return False
    if not (counts_a <= counts_b or counts_b <= counts_a):
        return False  # each counts what the other does not: 50 officers and 5,000 are two commitments
    if not (times_a <= times_b or times_b <= times_a):
        return False  # each demands a response time the other does not: within 1 hour and within 5 hours
    shared = overlap(words_a, words_b)
    other_days = bool(days_a) and bool(days_b) and not days_a & days_b
    if other_days and not (words_a <= words_b or words_b <= words_a):
        return False  # each names something the other does not: two actions, each with its own date
    if money_a is not None and money_a == money_b:
        return shared >= (SAME_ACTION if other_days else SAME_MONEY_ACTION)
    if money_a is not None and money_b is not None:
        return False  # one actor, two different amounts: two commitments, however alike the words
    return shared >= SAME_ACTION


def shared_enough(words: int) -> int:
    """How many of a commitment's ``words`` action-word keys another must share to be compared with it: at
    least two, and two in five."""
    return max(2, -(-2 * words // 5))


def likely_candidates(hits: Mapping[str, int], *, money_hits: AbstractSet[str], words: int) -> list[str]:
    """The ledger keys worth comparing with a new commitment, from how many of its word keys each shares
    (``hits``) and which share its amount (``money_hits``): those sharing its amount, then those sharing at
    least two words and two in five of its words, the most words first; ``MAX_CANDIDATES`` at most."""
    enough = shared_enough(words)
    # The first few of (rank, key) pairs, with no key function: a common amount can bring hundreds of hits.
    ranked = [key for _, key in heapq.nsmallest(MAX_CANDIDATES, [(-hits.get(key, 0), key) for key in money_hits])]
    if len(ranked) < MAX_CANDIDATES:
        by_words = [(-n, key) for key, n in hits.items() if n >= enough and key not in money_hits]
        ranked += [key for _, key in heapq.nsmallest(MAX_CANDIDATES - len(ranked), by_words)]
    return ranked


def first_announcement(candidates: list[tuple[str, str | None, str]]) -> str | None:
    """The chain a re-announcement joins, from the earlier announcements it repeats, each as (published
    at, its chain or None, its key): the chain of the earliest, which is the key of the first
    announcement of them all."""
    if not candidates:
        return None
    _, chain, key = min(candidates, key=lambda c: (c[0], c[2]))
    return chain or key
