"""What a new version of a release did to the commitments of the one before, as an alert tells it. Pure.

The pairing (kept by id, edited by words) and the field-by-field words are the ledger's
(:mod:`services.ledger.core`), so an alert and the ledger always describe an edit alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from schemas.alerts import CommitmentChange, FieldChangeInfo
from schemas.classified import Commitment, Deadline
from services.ledger.core.changes import FieldChange, field_changes
from services.ledger.core.deadline_refs import carried_numbers, places
from services.ledger.core.versions import pair_versions


@dataclass(frozen=True)
class VersionChanges:
    """Each commitment of the new version that was in the previous one (under its old id or another), and
    each commitment of the previous version gone from the new one."""

    previous_of: dict[str, Commitment] = field(default_factory=dict)  # new id -> the commitment it was
    removed: list[Commitment] = field(default_factory=list)


def version_changes(previous: Sequence[Commitment], current: Sequence[Commitment]) -> VersionChanges:
    """Pair ``previous`` (the release's last version seen) with ``current``; nothing when there is no previous."""
    if not previous:
        return VersionChanges()
    pairing = pair_versions(list(previous), list(current))
    return VersionChanges(previous_of={new.id: old for old, new in [*pairing.kept, *pairing.edited]},
                          removed=pairing.removed)


REMOVED_KEPT = 50  # commitments removed from a release whose deadlines' numbers its last-version record keeps

Removed = Mapping[str, tuple[Sequence[Deadline], Sequence[int]]]  # commitment id -> (its deadlines, their numbers)


@dataclass(frozen=True)
class LastVersion:
    """What the release's last version handled (:mod:`.last_version`) leaves to number the next: its
    ``commitments``; ``numbers``, those of their deadlines that are not their places, by commitment id; and
    ``removed``, the deadlines and numbers of the commitments with deadlines that it or a version before removed
    and none restored since, the last removed first, at most :data:`REMOVED_KEPT`. Nothing (a first version, or
    this version or a later one already handled): every deadline is numbered by its place."""

    commitments: Sequence[Commitment] = ()
    numbers: Mapping[str, Sequence[int]] = field(default_factory=dict)
    removed: Removed = field(default_factory=dict)


@dataclass(frozen=True)
class Numbering:
    """The numbers of a version's deadlines that are not their places (``numbers``, by commitment id: one left out
    is numbered by place), and what its last-version record keeps of commitments removed (``removed``, as
    :attr:`LastVersion.removed`), so that one restored later carries its numbers, as the ledger's entry carries
    them."""

    numbers: Mapping[str, Sequence[int]] = field(default_factory=dict)
    removed: Removed = field(default_factory=dict)


def deadline_numbers(previous_of: Mapping[str, Commitment], last: LastVersion, current: Sequence[Commitment]
                     ) -> Numbering:
    """The numbers of the deadlines of ``current``'s commitments (:mod:`services.ledger.core.deadline_refs`), carried
    from what each was in the last version (``previous_of``: :attr:`VersionChanges.previous_of` of ``last``'s
    commitments and ``current``; its deadlines numbered ``last.numbers``, else by place) or, for one the last
    version did not hold, from what it was when a version before removed it (``last.removed``); with what
    ``current``'s record keeps for the next version."""
    numbers = {}
    for c in current:
        was = previous_of.get(c.id)
        if was is not None:
            old, old_numbers = was.deadlines, last.numbers.get(was.id) or places(was.deadlines)
        elif c.id in last.removed:
            old, old_numbers = last.removed[c.id]
        else:
            continue
        carried = carried_numbers(old, old_numbers, c.deadlines)
        if carried != places(c.deadlines):
            numbers[c.id] = carried
    return Numbering(numbers, _still_removed(previous_of, last, current))


def _still_removed(previous_of: Mapping[str, Commitment], last: LastVersion, current: Sequence[Commitment]
                   ) -> dict[str, tuple[Sequence[Deadline], Sequence[int]]]:
    """The deadlines and numbers of the commitments removed by ``current`` (those of the last version it does not
    pair), then of those removed before and not restored by it, at most :data:`REMOVED_KEPT`."""
    held = {c.id for c in current} | {was.id for was in previous_of.values()}
    gone = {c.id: (c.deadlines, last.numbers.get(c.id) or places(c.deadlines))
            for c in last.commitments if c.id not in held and c.deadlines}
    kept = {**gone, **{k: v for k, v in last.removed.items() if k not in held and k not in gone}}
    return dict(list(kept.items())[:REMOVED_KEPT])


@dataclass(frozen=True)
class VersionBasis:
    """What a version of a release is planned against, worked out once for all its subscribers: the commitments
    of the last version handled (``previous``), how the version pairs with them (``changes``) and its deadlines'
    numbers (``numbering``). The default: a first version (nothing paired, every deadline numbered by place)."""

    previous: Sequence[Commitment] = ()
    changes: VersionChanges = field(default_factory=VersionChanges)
    numbering: Numbering = field(default_factory=Numbering)


FIRST_VERSION = VersionBasis()


def version_basis(last: LastVersion, current: Sequence[Commitment]) -> VersionBasis:
    """The :class:`VersionBasis` of a version whose commitments are ``current``, after ``last``."""
    changes = version_changes(last.commitments, current)
    return VersionBasis(previous=last.commitments, changes=changes,
                        numbering=deadline_numbers(changes.previous_of, last, current))


def commitment_change(old: Commitment, new: Commitment | None) -> CommitmentChange:
    """What became of ``old``: its field changes into ``new``, or ``removed`` when ``new`` is None."""
    if new is None:
        changes = [FieldChange(field="commitment", before=_words(old), after=None)]
    else:
        changes = field_changes(old, new)
    return CommitmentChange(
        commitment_id=old.id if new is None else new.id, previous_id=old.id,
        changes=[FieldChangeInfo(field=c.field, before=c.before, after=c.after, words=c.words()) for c in changes])


def restored(c: Commitment) -> FieldChangeInfo:
    """``c`` back in a later version after the subscriber was told it was removed."""
    return FieldChangeInfo(field="commitment", before=None, after=_words(c), words="restored")


def no_longer_matches(was: Commitment, c: Commitment) -> FieldChangeInfo:
    """``was``, which the subscriber was told of, edited into ``c``, which their filter does not select."""
    return FieldChangeInfo(field="filter", before=_words(was), after=_words(c),
                           words="no longer matches the subscription's filter")


def matches_again(c: Commitment) -> FieldChangeInfo:
    """``c`` selected by the filter again, after the subscriber was told it no longer was."""
    return FieldChangeInfo(field="filter", before=None, after=_words(c),
                           words="matches the subscription's filter again")


def _words(c: Commitment) -> str:
    return " ".join(c.text.split())  # a sentence may run across a paragraph break
