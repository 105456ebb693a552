"""The last version of a release the notifier handled, kept so that the next is paired against it. Pure.

Stored per release as ``{"version": N, "commitments": [...]}``: written in the transaction that records
that version's alerts, so a version handled twice finds itself stored and pairs against nothing. When a version
wrote a deadline before another (or dropped one), ``"deadline_numbers"`` (commitment id -> its deadlines' numbers,
:mod:`services.ledger.core.deadline_refs`) follows, so that the next version carries them on; absent, every
deadline is numbered by its place, as in records written before it existed. When a version (this one or one
before) removed commitments with deadlines, ``"removed"`` follows: ``[{"id", "deadlines", "numbers"}]``, the last
removed first, at most :data:`.version_changes.REMOVED_KEPT`, so that a later version restoring one numbers its
deadlines as they were; absent (records written before), one restored is numbered by its place. Read back as a
:class:`.version_changes.LastVersion`.
"""

from __future__ import annotations

import json

from collections.abc import Mapping, Sequence

from pydantic import TypeAdapter

from schemas.classified import Commitment, Deadline, ReleaseClassified

from .version_changes import LastVersion, Removed

_COMMITMENTS = TypeAdapter(list[Commitment])
_DEADLINES = TypeAdapter(list[Deadline])


def last_version_record(release: ReleaseClassified, numbers: Mapping[str, Sequence[int]] = {},
                        removed: Removed = {}) -> str:
    """What to store for ``release`` as its release's last version; ``numbers``: its deadlines' numbers that are not
    their places, and ``removed``: what is kept of commitments removed (both :class:`.version_changes.Numbering`)."""
    commitments = _COMMITMENTS.dump_json(release.commitments).decode()  # not dumped to Python, then encoded
    carried = f', "deadline_numbers": {json.dumps({k: list(v) for k, v in numbers.items()})}' if numbers else ""
    if removed:
        kept = ", ".join(f'{{"id": {json.dumps(k)}, "deadlines": {_DEADLINES.dump_json(list(d)).decode()}, '
                         f'"numbers": {json.dumps(list(n))}}}' for k, (d, n) in removed.items())
        carried += f', "removed": [{kept}]'
    return f'{{"version": {int(release.version)}, "commitments": {commitments}{carried}}}'


def stored_version(raw: bytes | None) -> int:
    """The version a stored record is of; 0 when none is stored or it cannot be read (it is then overwritten)."""
    stored = _read(raw)
    return 0 if stored is None else stored[0]


def previous_version(raw: bytes | None, release: ReleaseClassified) -> LastVersion:
    """What the stored version leaves to number ``release``'s deadlines when it is earlier than ``release``: its
    commitments, their deadlines' numbers that are not their places and what it keeps
    of commitments removed; nothing otherwise."""
    stored = _read(raw)
    return stored[1] if stored is not None and stored[0] < release.version else LastVersion()


def _read(raw: bytes | None) -> tuple[int, LastVersion] | None:
    """A record unreadable (written by hand, or by a later model) pairs against nothing: alerts go out as
    they would without it, rather than the release being held up."""
    if raw is None:
        return None
    try:
        stored = json.loads(raw)
        version, commitments = int(stored["version"]), _COMMITMENTS.validate_python(stored["commitments"])
        numbers = {str(k): [int(n) for n in v] for k, v in stored.get("deadline_numbers", {}).items()}
        removed = {str(r["id"]): (_DEADLINES.validate_python(r["deadlines"]), [int(n) for n in r["numbers"]])
                   for r in stored.get("removed", [])}
        return version, LastVersion(commitments=commitments, numbers=numbers, removed=removed)
    except (ValueError, KeyError, TypeError, AttributeError):  # pydantic's ValidationError is a ValueError
        return None
