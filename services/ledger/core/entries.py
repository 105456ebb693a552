"""The ledger's record of each commitment across the versions of its release. Pure; time is an argument.

A release's next version is paired with what the ledger holds of it (:mod:`.versions`): a commitment kept
or edited carries on under its first id (its ledger key), with what changed recorded field by field; one
gone from the new version is ``removed`` (and comes back if a later version restores it); a withdrawn
release withdraws them all, and a later version that publishes it again restores those it holds (the others are
``removed``). A version no newer than the last one read changes nothing (events come at
least once, and out of order after a replay).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from schemas.classified import Commitment, ReleaseClassified

from .changes import FieldChange, field_changes
from .calendar_view import shown
from .deadline_refs import carried_numbers
from .versions import pair_versions


class EntryState(str, Enum):
    ACTIVE = "active"
    CHANGED = "changed"  # changed in a later version of its release
    REMOVED = "removed"  # gone from a later version of its release
    WITHDRAWN = "withdrawn"  # its release was withdrawn


LIVE = (EntryState.ACTIVE, EntryState.CHANGED)  # still made: a removed or withdrawn commitment is due for no one


class VersionChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    version: int
    changes: list[FieldChange]


class LedgerEntry(BaseModel):
    """One commitment as the ledger knows it."""

    # answered whole: every field, those with a default too, is documented as required in answers
    model_config = ConfigDict(frozen=True, json_schema_serialization_defaults_required=True)

    key: str  # the commitment's id when first seen; stays while later versions edit it
    release_id: str
    title: str  # title, url, source: its release's latest version's
    url: str
    source: str
    published_at: AwareDatetime  # of the release version that first held it
    first_seen: AwareDatetime  # when the ledger first read it
    revised_at: AwareDatetime | None = Field(default=None, description=(
        "When a version of its release last changed what its calendar events show (their DTSTAMP): the text, "
        "actor, category, the deadlines' words and days, the release's title and URL, whether it is still made. "
        "Null in an entry stored before and not revised since: `first_seen` stands for it."))
    sequence: int | None = Field(default=None, description=(
        "Its calendar events' SEQUENCE: 0 when first seen, one more at each revision (`revised_at`). Null in an "
        "entry stored before: its versions less one, as calendars were given it."))
    versions: list[int]  # the release versions that hold it
    state: EntryState
    commitment: Commitment  # as its latest version states it
    history: list[VersionChange] = []
    chain: str | None = None  # the key of its first announcement, when it is a re-announcement
    deadline_numbers: list[int] = Field(default=[], description=(
        "The number of each deadline of `commitment`, in order, when they are not their places: a later version wrote "
        "a deadline before another or dropped one, and each kept the number it had (what its calendar event's UID "
        "ends with). Empty: numbered by place."), examples=[[1, 0]])

    def calendar_sequence(self) -> int:
        return self.sequence if self.sequence is not None else len(self.versions) - 1

    def numbers(self) -> list[int]:
        """The number of each deadline of its commitment, in order: what names its calendar event."""
        return self.deadline_numbers or list(range(len(self.commitment.deadlines)))


@dataclass(frozen=True)
class VersionUpdate:
    """What one release version does to the ledger: the entries to write, and what changed."""

    version: int
    entries: list[LedgerEntry] = field(default_factory=list)  # new and updated entries, to be stored
    added: list[str] = field(default_factory=list)  # keys of entries first seen in this version
    changed: dict[str, list[FieldChange]] = field(default_factory=dict)  # key -> what changed
    removed: list[str] = field(default_factory=list)
    stale: bool = False  # a version no newer than the last one read: nothing to write


def apply_version(held: list[LedgerEntry], release: ReleaseClassified, *, last_version: int | None,
                  now: AwareDatetime) -> VersionUpdate:
    """The ledger update for ``release``, given the entries ``held`` for its release and the last version
    of it read (None for none); ``now`` stamps entries first seen, and those whose calendar events it changes as
    revised."""
    version = release.version
    if last_version is not None and version <= last_version:
        return VersionUpdate(version=version, stale=True)
    update = _as_released(_withdrawn(held, version) if release.withdrawn else _commitments(held, release, now=now),
                          held, release)
    before = {entry.key: entry for entry in held}
    update.entries[:] = [_revised(before.get(entry.key), entry, now) for entry in update.entries]
    return update


def _revised(before: LedgerEntry | None, after: LedgerEntry, now: AwareDatetime) -> LedgerEntry:
    """``after`` stamped revised ``now``, its sequence one more, when its calendar events show something else than
    ``before``'s (RFC 5545: SEQUENCE never goes down); else with ``before``'s stamp and sequence, however many
    versions hold it now, so a calendar app polling the feed sees no revision nobody made."""
    if before is None:
        return after.model_copy(update={"revised_at": now, "sequence": 0})
    sequence = before.calendar_sequence()
    if shown(before) == shown(after):
        return after.model_copy(update={"revised_at": before.revised_at, "sequence": sequence})
    return after.model_copy(update={"revised_at": now, "sequence": sequence + 1})


def _as_released(update: VersionUpdate, held: list[LedgerEntry], release: ReleaseClassified) -> VersionUpdate:
    """``update`` with every entry of the release (written by it or not) under the title, URL and source of
    its latest version: a headline corrected, or a release read again from another feed, reaches them all."""
    about = {"title": release.title, "url": release.url, "source": release.source}
    written = {e.key for e in update.entries}
    update.entries[:] = [e if _carries(e, about) else e.model_copy(update=about) for e in update.entries]
    update.entries.extend(e.model_copy(update=about) for e in held if e.key not in written and not _carries(e, about))
    return update


def _carries(entry: LedgerEntry, about: dict[str, str]) -> bool:
    return (entry.title, entry.url, entry.source) == (about["title"], about["url"], about["source"])


def _commitments(held: list[LedgerEntry], release: ReleaseClassified, *, now: AwareDatetime) -> VersionUpdate:
    """The update for a version that is not a withdrawal: its commitments paired with those held."""
    version = release.version
    # A withdrawn release published again in a later version: its entries are paired as any others, and one
    # brought back is restored (as the notifier tells it). An entry written before that, a new one under the id a
    # withdrawn one has, is the one paired.
    by_key = {entry.commitment.id: entry
              for entry in sorted(held, key=lambda e: e.state is not EntryState.WITHDRAWN)}
    pairing = pair_versions(list(c.commitment for c in by_key.values()), release.commitments)
    update = VersionUpdate(version=version)
    for old, new in [*pairing.kept, *pairing.edited]:
        entry = by_key[old.id]
        changes = field_changes(old, new)
        if entry.state in (EntryState.REMOVED, EntryState.WITHDRAWN):
            changes = [FieldChange(field="commitment", before=None, after=" ".join(new.text.split())), *changes]
        state = EntryState.CHANGED if changes or entry.state is EntryState.CHANGED else EntryState.ACTIVE
        history = [*entry.history, VersionChange(version=version, changes=changes)] if changes else entry.history
        numbers = carried_numbers(entry.commitment.deadlines, entry.numbers(), new.deadlines)
        update.entries.append(entry.model_copy(update={
            "commitment": new, "versions": [*entry.versions, version], "state": state, "history": history,
            "deadline_numbers": [] if numbers == list(range(len(numbers))) else numbers}))
        if changes:
            update.changed[entry.key] = changes
    for entry in (by_key[c.id] for c in pairing.removed):
        if entry.state is EntryState.REMOVED:
            continue
        removal = [FieldChange(field="commitment", before=" ".join(entry.commitment.text.split()), after=None)]
        update.entries.append(entry.model_copy(update={
            "state": EntryState.REMOVED, "history": [*entry.history, VersionChange(version=version, changes=removal)]}))
        update.removed.append(entry.key)
    for c in pairing.added:
        update.entries.append(LedgerEntry(
            key=c.id, release_id=release.release_id, title=release.title, url=release.url, source=release.source,
            published_at=release.published_at, first_seen=now, versions=[version], state=EntryState.ACTIVE,
            commitment=c))
        update.added.append(c.id)
    return update


def _withdrawn(held: list[LedgerEntry], version: int) -> VersionUpdate:
    withdrawal = VersionChange(version=version, changes=[])
    entries = [entry.model_copy(update={"state": EntryState.WITHDRAWN, "history": [*entry.history, withdrawal]})
               for entry in held if entry.state is not EntryState.WITHDRAWN]
    return VersionUpdate(version=version, entries=entries, removed=[e.key for e in entries])
