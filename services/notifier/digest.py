"""Daily digests: one message listing every match since the last. Pure; time is an argument."""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta, timezone

from schemas.alerts import Alert
from schemas.digest import Digest

__all__ = ["BufferReader", "Digest", "assemble_digest", "digest_due", "digest_moment_of_day", "last_digest_time"]


def last_digest_time(at: time, *, now: datetime) -> datetime:
    """The latest scheduled digest moment (``at`` UTC each day) not after ``now``."""
    now = now.astimezone(timezone.utc)
    today = datetime.combine(now.date(), at.replace(tzinfo=None), tzinfo=timezone.utc)
    return today if today <= now else today - timedelta(days=1)


def digest_due(at: time, *, last_sent: datetime | None, now: datetime) -> datetime | None:
    """The digest moment to send now, or None when the latest one was already sent."""
    moment = last_digest_time(at, now=now)
    return moment if last_sent is None or last_sent < moment else None


def digest_moment_of_day(at: time, *, now: datetime) -> datetime:
    """The digest moment (``at`` UTC) of ``now``'s day (UTC), come or not: once the recorded last digest has
    reached it, what is buffered waits for the next day's digest."""
    day = now.astimezone(timezone.utc).date()
    return datetime.combine(day, at.replace(tzinfo=None), tzinfo=timezone.utc)


class BufferReader:
    """The alerts of a digest buffer read again and again (it is only appended to between its digests): an
    alert is parsed once, and a read is parsed anew only where it differs from the one before."""

    def __init__(self) -> None:
        self._raw: list[bytes] = []
        self._alerts: list[Alert] = []

    def alerts(self, raw: list[bytes]) -> list[Alert]:
        known = len(self._raw) if raw[:len(self._raw)] == self._raw else 0
        self._alerts = self._alerts[:known] + [Alert.model_validate_json(r) for r in raw[known:]]
        self._raw = list(raw)
        return self._alerts


def assemble_digest(subscription_id: str, alerts: list[Alert], *, since: datetime | None,
                    until: datetime, now: datetime) -> Digest | None:
    """One digest from the buffered ``alerts`` (duplicates by alert id dropped, oldest first);
    None when there is nothing to send."""
    unique = {a.alert_id: a for a in sorted(alerts, key=lambda a: a.created_at)}
    if not unique:
        return None
    raw = f"{subscription_id}\x1f{until.isoformat()}"
    return Digest(digest_id="digest-" + hashlib.sha256(raw.encode()).hexdigest()[:24],
                  subscription_id=subscription_id, since=since, until=until,
                  alerts=list(unique.values()), created_at=now)
