"""Daily digests: one message listing every match since the last. Pure; time is an argument."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from schemas.alerts import Alert
from schemas.digest import Digest

__all__ = ["BufferReader", "Digest", "assemble_digest", "digest_due", "digest_moment_of_day", "last_digest_time"]


def _moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """``at`` on ``day`` in ``zone``, in UTC. A time a change to summer time skips is read at the offset before
    the change (an hour later by the clock), one a change back repeats at its first occurrence: once a day."""
    return datetime.combine(day, at.replace(tzinfo=None), tzinfo=zone).astimezone(timezone.utc)


def last_digest_time(at: time, *, now: datetime, zone: str = "UTC") -> datetime:
    """The latest scheduled digest moment (``at`` each day in ``zone``, an IANA name) not after ``now``; UTC."""
    where = ZoneInfo(zone)
    day = now.astimezone(where).date()
    today = _moment(day, at, where)
    return today if today <= now else _moment(day - timedelta(days=1), at, where)


def digest_due(at: time, *, last_sent: datetime | None, now: datetime, zone: str = "UTC") -> datetime | None:
    """The digest moment to send now (``at`` in ``zone``), or None when the latest one was already sent."""
    moment = last_digest_time(at, now=now, zone=zone)
    return moment if last_sent is None or last_sent < moment else None


def digest_moment_of_day(at: time, *, now: datetime, zone: str = "UTC") -> datetime:
    """The digest moment (``at`` in ``zone``; UTC) of ``now``'s day (in ``zone``), come or not: once the recorded
    last digest has reached it, what is buffered waits for the next day's digest."""
    where = ZoneInfo(zone)
    return _moment(now.astimezone(where).date(), at, where)


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
