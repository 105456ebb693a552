"""Words a capitalised name or a noun phrase may hold that name no party: a date, a weekday or a month ("30 April",
"Friday"), a count or a year ("2,000 firms"), a quantifier ("Each of the 43 forces")."""

from __future__ import annotations

import re
from typing import Final

# A time, named as a name is ("30 April", "Friday", "March 2027"): no party. "May" alone is the month.
_TIME_WORDS: Final = frozenset("january february march april may june july august september october november "
                               "december monday tuesday wednesday thursday friday saturday sunday".split())
# A time a name runs on into through the words that join one ("Khan Sheikhun on Tuesday")
_TIME_TAIL: Final = re.compile(r"\s+(?:on|in|of|for|and|the|&)\s+(?:the\s+)?"
                               rf"(?:{'|'.join(sorted(_TIME_WORDS))})\b.*", re.IGNORECASE | re.DOTALL)
# A phrase up to its last number and a "the" after it: "Around 2,000 firms", "Between 2027 and 2030 the department"
# (a token that starts with a digit: "G7 members" are the G7's)
_UP_TO_NUMBER: Final = re.compile(r".*(?<!\S)(?P<number>\d\S*)\s+(?:the\s+)?", re.IGNORECASE | re.DOTALL)
# Words that count or point and name no one, however capitalised ("Each of the forces", "Some 40 countries")
QUANTIFIERS: Final = frozenset("the this these those it a an each every all some any both either neither none half "
                               "most many several few around about over nearly almost up more such another further "
                               "there here".split())
# "Each of the 43 forces", "Half of all councils": the party is what the quantifier counts ("many of us" are the
# public); "None of the councils will raise" is no pledge of the councils
PARTITIVE: Final = re.compile(r"(?:each|every one|all|half|some|many|most|both|either|several|one)\s+"
                              r"of\s+(?!(?:us|you|them|whom|which|these|those|this|it)\b)", re.IGNORECASE)
# Prepositions a sentence starts with, capitalised there: "By 30 April", "On 1 April", "From Monday"
_LEADING_PREPOSITIONS: Final = frozenset("by on in from at until till before after since during over".split())
# A time a name runs on from through the words that join one ("2027 in England"), and the preposition that leads
# it ("On Friday the Department for Education")
_TIME_HEAD: Final = re.compile(rf"(?:(?:{'|'.join(sorted(_LEADING_PREPOSITIONS))})\s+)?"
                               rf"(?:(?:{'|'.join(sorted(_TIME_WORDS))}|\d+)\s+)+(?:on|in|of|for|and|the|&)\s+"
                               r"(?:the\s+)?(?=[A-Z])", re.IGNORECASE)


def names_a_time(name: str) -> bool:
    """Whether ``name`` (a capitalised name as ``actors._CAPITALISED`` finds one) is a date, a weekday, a month, a
    year or another number ("30 April", "Friday", "March 2027", "500"), or a preposition leading one ("By", "On"):
    no party. A number leading another name is no time ("the 2019-20 Budget" finds "20 Budget")."""
    words = name.lower().split()
    if len(words) == 1 and words[0] in _LEADING_PREPOSITIONS:
        return True
    return all(word in _TIME_WORDS or word.isdigit() for word in words)


def is_led_time(name: str) -> bool:
    """Whether ``name`` is a time a preposition leads, capitalised at a sentence's start ("By March", "On
    Friday"): no subject's party (the actor model keeps such a name among its candidates, as it was fitted)."""
    words = name.lower().split()
    return len(words) > 1 and words[0] in _LEADING_PREPOSITIONS and names_a_time(" ".join(words[1:]))


def without_time(name: str) -> tuple[int, str]:
    """``name`` without a time it runs on from or into through a joining word ("2027 in England" and "England on
    Tuesday" are "England"), and where what is left starts in it."""
    lowered = name.lower()
    if len(lowered.split()) < 3 or not (any(ch.isdigit() for ch in name)
                                        or any(word in lowered for word in _TIME_WORDS)):
        return 0, name  # fewer than three words, or no time in it: neither search can match
    head = _TIME_HEAD.match(name)
    start = head.end() if head else 0
    tail = _TIME_TAIL.search(name, start)
    return start, name[start:tail.start()] if tail else name[start:]


def after_numbers(phrase: str) -> int:
    """Where ``phrase`` (an agent noun and the words before it) goes on after its last number: a count or a year
    is no part of a party ("2,000 firms" are firms), unless a capitalised word names it ("Category 1 services")."""
    number = _UP_TO_NUMBER.match(phrase) if any(ch.isdigit() for ch in phrase) else None
    if number is None:
        return 0
    before = phrase[:number.start("number")].rsplit(None, 1)
    if before and "A" <= before[-1][:1] <= "Z" and before[-1].lower() not in QUANTIFIERS:
        return 0  # "Category 1 services": a name
    return number.end()
