"""What the ledger keeps of a release, beside its commitments: the last version read, its ledger keys, and
that version's title, URL, source and publication time, why it was read only in part, and whether it withdrew
the release, with the publisher's notice (a release with no commitment has no entry to read them from).
Pure: the hash ``ledger:release:<release id>`` to and from a record."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from schemas.classified import ReleaseClassified

from .entries import EntryState, LedgerEntry


@dataclass(frozen=True)
class ReleaseRecord:
    version: int  # the last version read
    keys: list[str]  # the ledger keys of every commitment any version held
    # The last version's; None in a record written before the ledger kept them (read from its first entry).
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published_at: datetime | None = None
    unsupported_reason: str | None = None  # the last version was read only in part: why
    withdrawn: bool = False  # the last version withdrew the release (False in a record not yet told: withdrawals.py)
    withdrawn_notice: str | None = None  # the publisher's notice of it, when the event carried one

    @classmethod
    def from_hash(cls, fields: dict[bytes, bytes]) -> ReleaseRecord:
        text = {name.decode(): value.decode() for name, value in fields.items()}
        published = text.get("published_at")
        return cls(version=int(text["version"]), keys=json.loads(text.get("keys", "[]")),
                   title=text.get("title"), url=text.get("url"), source=text.get("source"),
                   published_at=datetime.fromisoformat(published) if published else None,
                   unsupported_reason=text.get("unsupported_reason") or None,
                   withdrawn=text.get("withdrawn") == "1", withdrawn_notice=text.get("withdrawn_notice") or None)


def record_fields(release: ReleaseClassified, version: int, keys: list[str]) -> dict[str, str | int]:
    """The hash of ``release``'s record once ``version`` of it is read, its ledger keys ``keys``."""
    return {"version": version, "keys": json.dumps(keys), "title": release.title, "url": release.url,
            "source": release.source, "published_at": release.published_at.isoformat(),
            "unsupported_reason": release.unsupported_reason or "",  # "": read in full
            "withdrawn": "1" if release.withdrawn else "",
            "withdrawn_notice": (release.withdrawn and release.withdrawn_notice) or ""}


def withdrawn_by_entries(entries: list[LedgerEntry]) -> bool:
    """Whether a release is withdrawn, as its commitments tell it where its record does not (one written before
    the ledger kept withdrawals): when it holds some and each of them is withdrawn."""
    return bool(entries) and all(e.state is EntryState.WITHDRAWN for e in entries)
