"""What to tell a subscriber about one classified release. Pure; time is an argument.

The idempotency record of a subscriber is ``sent``: commitment id -> ``"<version>:<fingerprint>"``
of what it was last told. A commitment not in it is *new*; one whose fingerprint
changed in a later version is *changed*; anything else was already sent.

One message per release per subscriber: a deadline already past when its commitment
is first seen (new or changed) is reported inside that same alert, listed in its
``elapsed`` as ``"<commitment id>:<deadline index>"``, and recorded once (``elapsed_sent``)
so it is never reported as passed again; it is never scheduled as a reminder.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from datetime import datetime

from schemas.alerts import Alert, AlertKind, ReleaseRef
from schemas.classified import Commitment, ReleaseClassified

from .matching import matching_commitments
from .reminders import is_elapsed
from .subscriptions import Subscription


def fingerprint(commitment: Commitment) -> str:
    """Hash of what a subscriber cares about; spans and confidence excluded, so an edit
    elsewhere in the release (which shifts offsets) does not read as a change."""
    data = commitment.model_dump(mode="json", exclude={"span", "confidence"})
    if data.get("money"):
        data["money"].pop("span", None)
    for deadline in data.get("deadlines", []):
        deadline.pop("span", None)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def release_ref(release: ReleaseClassified) -> ReleaseRef:
    return ReleaseRef(release_id=release.release_id, version=release.version, title=release.title,
                      url=release.url, published_at=release.published_at, source=release.source)


def alert_id(subscription_id: str, kind: AlertKind, parts: list[str]) -> str:
    """Stable id from the subscriber, kind and what the alert is about."""
    raw = "\x1f".join([subscription_id, kind.value, *sorted(parts)])
    return f"{kind.value}-" + hashlib.sha256(raw.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Plan:
    """The alerts for one subscriber and the idempotency records to write with them."""

    alerts: list[Alert] = field(default_factory=list)
    sent: dict[str, str] = field(default_factory=dict)  # commitment id -> "<version>:<fingerprint>"
    elapsed: list[str] = field(default_factory=list)  # "<commitment id>:<deadline index>"
    matched: list[Commitment] = field(default_factory=list)


def plan_alerts(sub: Subscription, release: ReleaseClassified, *, sent: Mapping[str, str],
                elapsed_sent: Set[str], now: datetime) -> Plan:
    """Alerts for ``sub`` about ``release``: at most one *new* and one *changed*. A deadline
    of theirs already past at ``now`` and not told before is listed in that alert's
    ``elapsed`` (and in ``Plan.elapsed``), not sent separately. ``now`` (aware) stamps the
    alerts and decides which deadlines are already past."""
    matched = matching_commitments(sub.filter, release)
    new, changed, records = [], [], {}
    for c in matched:
        fp = fingerprint(c)
        previous = sent.get(c.id)
        if previous is None:
            new.append(c)
        else:
            version, _, old_fp = previous.partition(":")
            if old_fp == fp or int(version) >= release.version:
                continue  # already told, or an older version seen again
            changed.append(c)
        records[c.id] = f"{release.version}:{fp}"
    ref = release_ref(release)
    alerts, elapsed = [], []
    for kind, group in ((AlertKind.NEW, new), (AlertKind.CHANGED, changed)):
        if not group:
            continue
        passed = [key for c in group for key in _newly_elapsed(c, elapsed_sent, now=now)]
        parts = [f"{c.id}:{records[c.id]}" if kind is AlertKind.CHANGED else c.id for c in group]
        alerts.append(Alert(alert_id=alert_id(sub.id, kind, parts), subscription_id=sub.id, kind=kind,
                            release=ref, commitments=group, elapsed=passed, created_at=now))
        elapsed.extend(passed)
    return Plan(alerts=alerts, sent=records, elapsed=elapsed, matched=matched)


def _newly_elapsed(c: Commitment, elapsed_sent: Set[str], *, now: datetime) -> list[str]:
    """Keys ``"<commitment id>:<deadline index>"`` of ``c``'s deadlines past at ``now`` and not yet told."""
    keys = (f"{c.id}:{i}" for i, d in enumerate(c.deadlines) if is_elapsed(d, now=now))
    return [k for k in keys if k not in elapsed_sent]
