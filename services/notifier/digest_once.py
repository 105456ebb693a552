"""A digest as its reader is told it: each commitment once. Pure.

A digest lists every alert of its day, oldest first. A commitment announced by a release's version and changed by
a later version within the same day is in two of them: new in the first, changed in the second. Its reader saw
neither reading before the digest, so it is told once, in the later version's section, as new and as it reads
last, with no change to tell against a reading the reader never had; the earlier section leaves it out (and is left
out itself when nothing else is in it). Several changes in one day are followed to the last. A commitment the reader
was told of before the digest and that changed twice within it is told changed twice, each change against the
reading before it, as they were decided.

Only the message is rendered so: a webhook's ``data.alerts`` keep each alert as it was decided, the same as on the
alerts stream, ``changes`` included.
"""

from __future__ import annotations

from schemas.alerts import Alert, AlertKind

from .digest import Digest

_TOLD_AS_READ = (AlertKind.NEW, AlertKind.CHANGED)  # alerts whose commitments are told as they read then


def _previous_ids(alert: Alert) -> dict[str, str]:
    """Each changed commitment of ``alert`` still in it -> its id in the version before."""
    listed = {c.id for c in alert.commitments}
    return {c.commitment_id: c.previous_id for c in alert.changes if c.commitment_id in listed}


def _without(alert: Alert, ids: set[str]) -> Alert:
    """``alert`` without the commitments of ``ids`` and all it says of them."""
    if not ids:
        return alert
    return alert.model_copy(update={
        "commitments": [c for c in alert.commitments if c.id not in ids],
        "changed": [i for i in alert.changed if i not in ids],
        "elapsed": [key for key in alert.elapsed if key.rpartition(":")[0] not in ids],
        "changes": [c for c in alert.changes if c.commitment_id not in ids],
        "reannounced": [r for r in alert.reannounced if r.commitment_id not in ids]})


def _as_new(alert: Alert, ids: set[str]) -> Alert:
    """``alert`` telling the commitments of ``ids`` as new, and not the reminders their earlier reading had, which
    the reader was never told of; it is new itself once it tells no change."""
    if not ids:
        return alert
    was = {_previous_ids(alert)[i] for i in ids}
    changed = [i for i in alert.changed if i not in ids]
    changes = [c for c in alert.changes if c.commitment_id not in ids]
    cancelled = [r for r in alert.cancelled_reminders if r.commitment_id not in was]
    kind = AlertKind.NEW if alert.kind is AlertKind.CHANGED and not changed and not changes else alert.kind
    return alert.model_copy(update={"changed": changed, "changes": changes, "kind": kind,
                                    "cancelled_reminders": cancelled})


def _empty(alert: Alert) -> bool:
    return not alert.commitments and not alert.changes


def told_once(digest: Digest) -> Digest:
    """``digest`` with each commitment announced and then changed within it told once, as new, in the section of
    the last version that changed it (see the module's doc)."""
    alerts = list(digest.alerts)
    told_at: dict[tuple[str, str], int] = {}  # (release, commitment id) told as it read -> its section
    dropped: dict[int, set[str]] = {}
    for number, alert in enumerate(alerts):
        if alert.kind not in _TOLD_AS_READ:
            continue
        release = alert.release.release_id
        folded = {now for now, was in _previous_ids(alert).items() if (release, was) in told_at}
        for now in folded:
            was = _previous_ids(alert)[now]
            dropped.setdefault(told_at.pop((release, was)), set()).add(was)
        alerts[number] = told = _as_new(alert, folded)
        told_at.update({(release, c.id): number for c in told.commitments if c.id not in told.changed
                        and c.id not in _previous_ids(told)})
    if not dropped:
        return digest
    kept = [_without(alert, dropped.get(number, set())) for number, alert in enumerate(alerts)]
    return digest.model_copy(update={"alerts": [a for a in kept if not _empty(a)]})
