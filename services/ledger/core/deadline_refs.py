"""Which deadline of a commitment is which, across the versions of its release. Pure.

A commitment may have several deadlines (each its sentence writes, in order), and a new version may write one
before another ("by 25 October" becomes "by 1 October and by 25 October"): a deadline's place in the list is no
identity. Each deadline has a *number* instead (decision 0021): in a commitment's first version, its place; in a
later one, the number of the deadline of the version before it matches (:func:`carried_numbers`), or the smallest
free one. So the numbers of a commitment whose deadlines were never written before one another are their
places, which is what every record stored before named a deadline by: nothing is migrated. The notifier names
reminders and what it told past by it, the ledger its calendar events and deadlines index.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from itertools import count

from schemas.classified import Deadline

from .changes import deadline_words


def deadline_refs(deadlines: Sequence[Deadline]) -> list[str]:
    """What each deadline says, in order, as a short key: a hash of its type, what it resolves to and its words
    (case and spacing aside); ``"~2"`` after a second one saying the same in one list (the classifier keeps each
    value once; a hand-written commitment may not)."""
    refs, seen = [], {}
    for d in deadlines:
        raw = "\x1f".join([d.type, deadline_words(d), " ".join(d.text.lower().split())])
        ref = "d" + hashlib.sha256(raw.encode()).hexdigest()[:11]
        seen[ref] = seen.get(ref, 0) + 1
        refs.append(ref if seen[ref] == 1 else f"{ref}~{seen[ref]}")
    return refs


def carried_numbers(old: Sequence[Deadline], old_numbers: Sequence[int], new: Sequence[Deadline]) -> list[int]:
    """The numbers of ``new`` (a commitment's deadlines in its next version), given those of ``old`` (the version
    before, numbered ``old_numbers``). Each keeps the number of the deadline of ``old`` it matches: the one saying
    the same (:func:`deadline_refs`); else the same type and date, reworded ("before 25 October"); else, in order,
    one left unmatched on both sides (a date moved: "by 25 October" now "by 8 November"). The others take, in order,
    the smallest numbers no deadline of ``new`` has (every one of ``old`` is matched by then: a new one is left
    unmatched only when none of ``old`` is): a deadline dropped by a version before and written again gets its
    number back (when it was the first dropped), whatever is written before it, and a commitment's numbers stay
    below the most deadlines one of its versions had, however often it is edited."""
    numbers: list[int | None] = [None] * len(new)
    left = dict(enumerate(old_numbers))  # place in old -> its number, while unmatched
    for key in (deadline_refs, _values):
        at = {k: i for i, k in reversed(list(enumerate(key(old)))) if i in left}
        for j, k in enumerate(key(new)):
            if numbers[j] is None and (i := at.pop(k, None)) is not None and i in left:
                numbers[j] = left.pop(i)
    unmatched = iter(sorted(left))
    for j in range(len(new)):
        if numbers[j] is None and (i := next(unmatched, None)) is not None:
            numbers[j] = left.pop(i)
    used = set(numbers)
    free = (n for n in count() if n not in used)
    return [n if n is not None else next(free) for n in numbers]


def places(deadlines: Sequence[Deadline]) -> list[int]:
    """The numbers of a commitment's deadlines in its first version: their places."""
    return list(range(len(deadlines)))


def _values(deadlines: Sequence[Deadline]) -> list[str]:
    return [f"{d.type}\x1f{deadline_words(d)}" for d in deadlines]
