"""How a planned reminder is stored: a small record per reminder, and the commitment it reminds of once. Pure.

A commitment reminded to many subscribers at many offsets is stored once per release version, as a
*subject* (the release reference and the commitment, JSON) under a key hashed from its content, so the
same content always has the same key and two contents never share one. Each reminder's record holds
only ids and the version that planned it: ``{"s": subject key, "d": deadline index, "o": offset, "u":
subscription id, "a": attempt, "g": the subscription's generation, "v": release version}`` (compact JSON, subject
key first and version last, so a Lua script reads each with one pattern; ``g`` only for a stored subscription, see
:mod:`.store`). When it fires is not in the record but in the due index beside it.
Records written before they carried ``v`` are read as they are: their version is their subject's release's.

Records written by earlier versions held the whole ``reminder.due`` payload
(``{"payload": ..., "attempt": n, "fire_at": iso}``); :func:`from_legacy` turns one into a subject and a record.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime

from schemas.alerts import ReleaseRef, ReminderDue
from schemas.classified import Commitment

from .reminders import reminder_due

SUBJECT_KEY_CHARS = 24


@dataclass(frozen=True)
class Subject:
    """What a reminder is about: a commitment as of one release version."""

    release: ReleaseRef
    commitment: Commitment

    def to_json(self) -> str:
        return json.dumps({"release": self.release.model_dump(mode="json"),
                           "commitment": self.commitment.model_dump(mode="json")}, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> "Subject":
        data = json.loads(raw)
        return cls(ReleaseRef.model_validate(data["release"]), Commitment.model_validate(data["commitment"]))


def subject_key(subject_json: str) -> str:
    """The key of a subject: a hash of its JSON."""
    return hashlib.sha256(subject_json.encode()).hexdigest()[:SUBJECT_KEY_CHARS]


def read_subject(raw: bytes | None) -> Subject | None:
    """The subject stored as ``raw``; None when there is none or it cannot be read (its reminder fails when fired)."""
    try:
        return Subject.from_json(raw) if raw else None
    except ValueError:
        return None


@dataclass(frozen=True)
class PlannedRecord:
    """One planned reminder: its subject's key, which deadline, how long before it, for whom, which attempt at
    firing it comes next (1 until a firing fails), and the release version that planned it (None in a record
    written before records carried it: its subject's release version). A version older than the one that
    planned a reminder neither plans it again nor cancels it (:mod:`.reminder_scripts`). ``generation``: that of the
    stored subscription it was planned for (None: one of the subscriptions file, or a record written before records
    carried it); a subscription of another generation under its id (the one planned for deleted, and one made again)
    is not reminded by it."""

    subject: str
    deadline_index: int
    offset: str
    subscription_id: str
    attempt: int = 1
    version: int | None = None
    generation: int | None = None

    def to_json(self) -> str:
        fields = {"s": self.subject, "d": self.deadline_index, "o": self.offset, "u": self.subscription_id,
                  "a": self.attempt}
        if self.generation is not None:
            fields["g"] = self.generation
        if self.version is not None:
            fields["v"] = self.version
        return json.dumps(fields, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> "PlannedRecord | None":
        """The record, or None for a record of an earlier version (see :func:`is_legacy`)."""
        data = json.loads(raw)
        if "s" not in data:
            return None
        version = int(data["v"]) if "v" in data else None
        generation = int(data["g"]) if "g" in data else None
        return cls(str(data["s"]), int(data["d"]), str(data["o"]), str(data["u"]), int(data["a"]), version, generation)

    def retried(self) -> "PlannedRecord":
        return replace(self, attempt=self.attempt + 1)

    def due(self, reminder_id: str, subject: Subject, *, fired_at: datetime) -> ReminderDue:
        """What the reminder says when it fires at ``fired_at``."""
        return reminder_due(reminder_id, self.subscription_id, subject.release, subject.commitment,
                            self.deadline_index, self.offset, fired_at=fired_at)


def is_legacy(raw: str | bytes) -> bool:
    """True for a planned record written by an earlier version (the whole payload inside)."""
    return PlannedRecord.from_json(raw) is None


@dataclass(frozen=True)
class LegacyReminder:
    """A reminder as an earlier version stored it, read into this version's shape."""

    reminder_id: str
    subject: Subject
    record: PlannedRecord
    fire_at: datetime | None  # None: not known (a payload from a job's arguments, or a firing record)


def from_payload(payload: str | bytes, attempt: int, fire_at: datetime | None = None) -> LegacyReminder:
    """A ``reminder.due`` payload (as earlier versions kept it in a job, a planned or a firing record) and the
    attempt it was at. Raises ValueError when the payload's deadline is not among its commitment's."""
    due = ReminderDue.model_validate_json(payload)
    try:
        index = due.commitment.deadlines.index(due.reminder.deadline)
    except ValueError:
        raise ValueError(f"reminder {due.reminder_id}: its deadline is not one of its commitment's") from None
    subject = Subject(due.release, due.commitment)
    record = PlannedRecord(subject_key(subject.to_json()), index, due.reminder.offset, due.subscription_id, attempt,
                           due.release.version)
    return LegacyReminder(due.reminder_id, subject, record, fire_at)


def from_legacy(raw: str | bytes) -> LegacyReminder:
    """A planned record of an earlier version: ``{"payload": ..., "attempt": n, "fire_at": iso}``."""
    data = json.loads(raw)
    return from_payload(data["payload"], int(data.get("attempt", 1)),
                        datetime.fromisoformat(data["fire_at"]) if data.get("fire_at") else None)
