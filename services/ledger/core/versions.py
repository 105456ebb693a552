"""Which commitment of one release version became which in the next. Pure.

A commitment's id is stable while its words and actor stay the same, so an edit that moves "£10m" to
"£8m" gives it a new id. Pairing therefore goes by id first, then, among those left, by the words
that say what is committed: the most alike pairs first, each commitment in at most one pair.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas.classified import Commitment

from .words import action_words, overlap

SAME_COMMITMENT = 0.5  # word overlap at or above which an edited commitment is the same one


@dataclass(frozen=True)
class Pairing:
    kept: list[tuple[Commitment, Commitment]] = field(default_factory=list)  # (old, new), same id
    edited: list[tuple[Commitment, Commitment]] = field(default_factory=list)  # (old, new), new id
    added: list[Commitment] = field(default_factory=list)
    removed: list[Commitment] = field(default_factory=list)


def pair_versions(old: list[Commitment], new: list[Commitment]) -> Pairing:
    """Pair the commitments of a release's previous version (``old``) with its next (``new``)."""
    new_ids = {c.id for c in new}
    old_by_id = {c.id: c for c in old}
    kept = [(old_by_id[c.id], c) for c in new if c.id in old_by_id]
    left_old = [c for c in old if c.id not in new_ids]
    left_new = [c for c in new if c.id not in old_by_id]
    words = {id(c): action_words(c.text) for c in (*left_old, *left_new)}
    candidates = sorted(
        ((_likeness(o, n, words[id(o)], words[id(n)]), i, j)
         for i, o in enumerate(left_old) for j, n in enumerate(left_new)),
        key=lambda t: (-t[0], t[1], t[2]))
    taken_old: set[int] = set()
    taken_new: set[int] = set()
    edited = []
    for score, i, j in candidates:
        if score < SAME_COMMITMENT:
            break
        if i in taken_old or j in taken_new:
            continue
        taken_old.add(i)
        taken_new.add(j)
        edited.append((left_old[i], left_new[j]))
    edited.sort(key=lambda pair: pair[1].span[0])
    return Pairing(kept=kept, edited=edited,
                   added=[c for j, c in enumerate(left_new) if j not in taken_new],
                   removed=[c for i, c in enumerate(left_old) if i not in taken_old])


def _likeness(old: Commitment, new: Commitment, old_words: frozenset[str], new_words: frozenset[str]) -> float:
    """Word overlap, a little more for the same actor and kind: "the UK will give £10m to X" and "the UK
    will give £8m to X" are one commitment edited; the same words said of another actor are not."""
    score = overlap(old_words, new_words)
    if old.actor.lower() != new.actor.lower():
        score -= 0.2
    if old.kind != new.kind:
        score -= 0.1
    return score
