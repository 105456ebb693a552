"""The last version of a release the notifier handled, kept so that the next is paired against it. Pure.

Stored per release as ``{"version": N, "commitments": [...]}``: written in the transaction that records
that version's alerts, so a version handled twice finds itself stored and pairs against nothing.
"""

from __future__ import annotations

import json

from pydantic import TypeAdapter

from schemas.classified import Commitment, ReleaseClassified

_COMMITMENTS = TypeAdapter(list[Commitment])


def last_version_record(release: ReleaseClassified) -> str:
    """What to store for ``release`` as its release's last version."""
    commitments = _COMMITMENTS.dump_json(release.commitments).decode()  # not dumped to Python, then encoded
    return f'{{"version": {int(release.version)}, "commitments": {commitments}}}'


def stored_version(raw: bytes | None) -> int:
    """The version a stored record is of; 0 when none is stored or it cannot be read (it is then overwritten)."""
    stored = _read(raw)
    return 0 if stored is None else stored[0]


def previous_commitments(raw: bytes | None, release: ReleaseClassified) -> list[Commitment]:
    """The commitments of the stored version when it is earlier than ``release``; none otherwise (nothing
    stored or readable, or this version or a later one already handled)."""
    stored = _read(raw)
    return stored[1] if stored is not None and stored[0] < release.version else []


def _read(raw: bytes | None) -> tuple[int, list[Commitment]] | None:
    """A record unreadable (written by hand, or by a later model) pairs against nothing: alerts go out as
    they would without it, rather than the release being held up."""
    if raw is None:
        return None
    try:
        stored = json.loads(raw)
        return int(stored["version"]), _COMMITMENTS.validate_python(stored["commitments"])
    except (ValueError, KeyError, TypeError):  # pydantic's ValidationError is a ValueError
        return None
