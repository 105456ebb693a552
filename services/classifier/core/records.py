"""The ``Commitment`` record for a sentence that commits someone: its money, deadlines, category,
counter-terrorism flag, confidence and stable id."""

from __future__ import annotations

import hashlib
import re
import string
from bisect import bisect_left
from datetime import date
from typing import Any, Final

from schemas import Commitment

from .categories import category_of, rule_hits
from .commitments import Found
from .deadlines import find_deadlines
from .folding import LoweredBody, fold
from .money import Amount, amounts_in
from .penalties import is_penalty
from .sentences import Sentence
from .terrorism import mentions_terrorism


def build_commitment(release_id: str, body: str, sentence: Sentence, found: Found, published: date,
                     context: str, *, release_ct: bool = False, dollar: str = "USD",
                     context_ct: bool | None = None, lowered: LoweredBody | None = None,
                     year_starts: int = 4, has_money: bool | None = None,
                     may_hold_deadline: bool | None = None) -> tuple[Commitment, list[str]]:
    """The commitment made by ``sentence``, and every category the rules read in it (``categories.rule_hits``,
    which the category model weighs beside the one they choose). It is about terrorism when the release is, or when it or
    ``context`` (its paragraph) names terrorism (``context_ct``, when the caller knows); a bare "$" is
    ``dollar``; ``lowered``: the body lowercased, when known; a financial year starts in the month
    ``year_starts``. ``has_money`` and ``may_hold_deadline``: what those functions say of the sentence, when
    known (its proposal's signals say)."""
    start, end = sentence
    text = body[start:end]
    folded = fold(text) if lowered is None else lowered.folded(start, end)  # read by each finder below
    low = folded if text.isascii() else None if lowered is None else lowered.low(start, end)
    amounts = amounts_in(text, folded=folded) if has_money is not False else []
    amount = own_amount(amounts, text)
    money = None if amount is None else amount.money(start, dollar)
    deadlines = find_deadlines(text, published, start, folded=folded, low=low, year_starts=year_starts,
                               may_hold=may_hold_deadline)
    if deadlines and amounts:
        starts = [found_amount.start for found_amount in amounts]
        deadlines = [d for d in deadlines if not _of_another_sum(d.span[0] - start, amounts, starts, amount, text)]
    if deadlines:
        lead = _LEAD.match(text)
        if lead is not None:
            deadlines = [d for d in deadlines if d.span[1] - start > lead.end()]
    deadlines = _own_deadlines(deadlines)
    confidence = found.trigger.confidence + (0.05 if found.actor.agent else -0.05)
    hits = rule_hits(folded)
    return new_commitment({
        "id": commitment_id(release_id, text, found.actor.name, lowered=low),
        "text": text, "span": (start, end), "kind": found.trigger.kind, "actor": found.actor.name,
        "category": category_of(hits, has_money=money is not None, fined=amount is None and any(
            is_penalty(text, a.start, a.match.end()) for a in amounts)),
        "counter_terrorism": release_ct or _names_terrorism(text, context, context_ct),
        "confidence": round(min(max(confidence, 0.0), 1.0), 2), "money": money, "deadlines": deadlines,
    }), hits


# ``Commitment(**fields)`` without its ``__init__``, a Python frame that only calls this validator (a third of the
# cost of building a record's model): the same checks, the same instance.
_VALIDATE_COMMITMENT: Final = Commitment.__pydantic_validator__.validate_python


def new_commitment(fields: dict[str, Any]) -> Commitment:
    """``Commitment(**fields)``, validated as it validates them (a ``pydantic.ValidationError`` where it raises one)."""
    commitment: Commitment = _VALIDATE_COMMITMENT(fields)
    return commitment


def _names_terrorism(text: str, context: str, context_ct: bool | None) -> bool:
    """``mentions_terrorism(text) or context_ct`` (``context_ct``: ``mentions_terrorism(context)``, if known)."""
    if context_ct is None:
        return mentions_terrorism(text) or mentions_terrorism(context)
    if context_ct:
        return True
    # A term found in ``text`` reads nothing outside ``text`` but the character either side (``\b``, the end of
    # "jihad\w*"), so where ``text`` stands in ``context`` between non-word characters, ``context`` holds it too.
    at = context.find(text)
    if at != -1 and not _is_word_at(context, at - 1) and not _is_word_at(context, at + len(text)):
        return False
    return mentions_terrorism(text)


def _is_word_at(text: str, at: int) -> bool:
    """Is ``text[at]`` a character ``\\w`` matches (False outside ``text``)?"""
    return 0 <= at < len(text) and (text[at].isalnum() or text[at] == "_")


# Words just before an amount that is not the commitment's own: the total a part is taken from ("Of the £40m
# package, £5m will …") or where a change starts ("from £2bn to £2.6bn"); and an earlier sum, never its own
# ("in addition to the £70m already announced").
_PART_OF: Final = re.compile(r"(?:(?:^|[,;:]\s*)(?:out\s+)?of\s+(?:the|this|that|these)|\bfrom)\s*$", re.IGNORECASE)
_EARLIER: Final = re.compile(r"\b(?:in\s+addition\s+to|on\s+top\s+of)(?:\s+the)?\s*$", re.IGNORECASE)
# After a rate of a sum for each of something ("£2.50 per passenger", "£500 for each place"): no total pledged. A
# sum for each stretch of time ("£1.9 million a year", "per annum") is the commitment's own.
_RATE: Final = re.compile(r"\s*(?:per|each|for\s+(?:each|every))\s+(?!(?:year|annum|month|week|day|quarter|fortnight"
                          r"|hour|decade)s?\b)\w", re.IGNORECASE)


def own_amount(amounts: list[Amount], text: str) -> Amount | None:
    """The amount a commitment pledges: the first in ``text`` that is no total it takes a part of, no
    starting figure, no rate for each of something, no earlier sum and no fine; else the first that is no
    earlier sum and no fine."""
    fallback = None
    for amount in amounts:
        start, end = amount.start, amount.match.end()
        if _EARLIER.search(text, max(0, start - 24), start) or is_penalty(text, start, end):
            continue
        if not _PART_OF.search(text, max(0, start - 24), start) and not _RATE.match(text, end):
            return amount
        fallback = fallback or amount
    return fallback


# Words before the total a commitment's sum is part of: "as part of its £30m package", "part of the total of".
_TOTAL: Final = re.compile(r"\bpart\s+of\s+(?:an?|the|this|that|its|their|our)\b[^.;:]{0,60}$", re.IGNORECASE)
_SUM_REACH: Final = 120  # characters from a sum to a deadline written for it, with no other sum between


def _of_another_sum(at: int, amounts: list[Amount], starts: list[int], own: Amount | None, text: str) -> bool:
    """Whether the deadline at ``at`` in ``text`` is written for another sum than the commitment's own (``own``):
    the nearest amount before it, with no punctuation between them, is an earlier sum ("in addition to the £70m
    already announced in 2024-25") or the total the commitment's sum is part of ("as part of its £30m package
    over four years"). ``amounts`` are in order of their ``starts``: the nearest is found by bisection, as a
    sentence may hold thousands of amounts and deadlines."""
    before = bisect_left(starts, at)
    if not before:
        return False
    nearest = amounts[before - 1]
    if own is not None and nearest.start == own.start or at - nearest.start > _SUM_REACH:
        return False
    if any(mark in text[nearest.match.end():at] for mark in ",;:()–—"):
        return False  # the deadline stands in another part of the sentence
    start = nearest.start
    return (_EARLIER.search(text, max(0, start - 24), start) is not None
            or _PART_OF.search(text, max(0, start - 24), start) is not None
            or _TOTAL.search(text, max(0, start - 90), start) is not None)


# A clause leading the sentence up to its first comma that tells its circumstances ("As the host of the next Congress
# in 2020, Japan …", "Following the summit in June, …"): a time in it is when that happens, not the commitment's
# deadline. "By …" and "Before …" are left out: a leading "Before the end of 2024, …" times the main clause.
_LEAD: Final = re.compile(r"\s*(?:as|following|after|since|having|while)\b[^,;.]{0,200},",
                          re.IGNORECASE)


def _own_deadlines(deadlines: list) -> list:
    """A commitment's deadlines: each the sentence writes for it, in order ("by 25 October for questions on the
    crisis response and by 8 November for the rest", "$10,000 in 2019-20 and a further $10,000 in 2020-21"),
    each value once. Starts, deadlines of another sum and a length followed by the day it runs until are
    already left out by the caller and by :func:`.deadlines.find_deadlines`."""
    if len(deadlines) < 2:  # no repeat to leave out: no value to serialise
        return list(deadlines)
    own, seen = [], set()
    for deadline in deadlines:
        key = deadline.model_dump_json(exclude={"text", "span"})
        if key not in seen:
            seen.add(key)
            own.append(deadline)
    return own


_WORD: Final = re.compile(r"[\w£$€%]+")  # the words of "[^\w£$€%]+"-separated text: no space is in one
_ASCII_WORD: Final = frozenset((string.ascii_lowercase + string.digits + "_$%").encode())  # _WORD's lowercase ASCII
_ASCII_SEPARATORS: Final = bytes(byte if byte in _ASCII_WORD else ord(" ") for byte in range(256))  # others to spaces
# The same, keeping the bytes of UTF-8's characters beyond ASCII: a run between spaces that holds none is a word.
_ASCII_SEPARATORS_ONLY: Final = bytes(byte if byte in _ASCII_WORD or byte >= 0x80 else ord(" ") for byte in range(256))


_SHA256: Final = hashlib.sha256  # a C static for the compiled core, not an attribute read off the module at each call


def commitment_id(release_id: str, text: str, actor: str, *, lowered: str | None = None) -> str:
    """Stable while the release, the commitment's words and its actor stay the same (``lowered``:
    ``text.lower()``, when known)."""
    normalised = _words(text.lower() if lowered is None else lowered)
    digest = _SHA256(f"{release_id}\x1f{normalised}\x1f{actor.lower()}".encode()).hexdigest()
    return f"c-{digest[:16]}"


def _words(low: str) -> str:
    """``" ".join(_WORD.findall(low))``; a byte translation finds the words of ASCII text faster, and the runs of
    other text that hold no character beyond ASCII (the regex, over text that is not ASCII, costs ten times as much:
    most such text holds only a "’" or a "£")."""
    if low.isascii():
        return " ".join(low.encode().translate(_ASCII_SEPARATORS).decode().split())
    words: list[str] = []
    for run in low.encode().translate(_ASCII_SEPARATORS_ONLY).decode().split():
        if run.isascii():
            words.append(run)
        else:  # a character beyond ASCII may part words ("’", "—") or be one ("£", "é")
            words += _WORD.findall(run)
    return " ".join(words)
