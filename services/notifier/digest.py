"""Daily digests: one message listing every match since the last. Pure; time is an argument."""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta, timezone

from schemas.alerts import Alert
from schemas.digest import Digest

__all__ = ["Digest", "assemble_digest", "digest_due", "digest_sent_today", "last_digest_time"]


def last_digest_time(at: time, *, now: datetime) -> datetime:
    """The latest scheduled digest moment (``at`` UTC each day) not after ``now``."""
    now = now.astimezone(timezone.utc)
    today = datetime.combine(now.date(), at.replace(tzinfo=None), tzinfo=timezone.utc)
    return today if today <= now else today - timedelta(days=1)


def digest_due(at: time, *, last_sent: datetime | None, now: datetime) -> datetime | None:
    """The digest moment to send now, or None when the latest one was already sent."""
    moment = last_digest_time(at, now=now)
    return moment if last_sent is None or last_sent < moment else None


def digest_sent_today(at: time, *, last_sent: datetime | None, now: datetime) -> bool:
    """True when the digest of ``now``'s day (UTC) is behind: its moment has come and is recorded as sent (or
    as noted at the first look), so what is buffered now waits for the next day's."""
    moment = last_digest_time(at, now=now)
    return moment.date() == now.astimezone(timezone.utc).date() and last_sent is not None and last_sent >= moment


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
