"""How the notifier's log names the alerts of a release and each delivery: the subscription, the message and, for an
alert, the release it is of, so that one release is followed from ingest's and the classifier's lines to each
delivery by its ids."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def delivery_name(subscription_id: str, message_id: str, data: Mapping[str, Any]) -> str:
    """``desk: new-1fca… (release rel-2955… v1)`` for an alert's ``data``; ``desk: digest-…`` for a message of no
    one release (a digest, a week's deadlines), or data that does not say."""
    release = data.get("release")
    if isinstance(release, Mapping) and release.get("release_id") is not None:
        return f"{subscription_id}: {message_id} (release {release['release_id']} v{release.get('version', '?')})"
    return f"{subscription_id}: {message_id}"


def delivery_fields(subscription_id: str, message_id: str, data: Mapping[str, Any], *, attempt: int) -> dict[str, Any]:
    """The ids of one attempt of a delivery, as fields of its log records (``extra=``): its subscription, its
    message's id (``alert_id``, or ``digest_id`` for a message of no one release), the release and version of an
    alert, and the attempt's number."""
    release = data.get("release")
    if isinstance(release, Mapping) and release.get("release_id") is not None:
        return {"subscription_id": subscription_id, "alert_id": message_id, "release_id": release["release_id"],
                "version": release.get("version"), "attempt": attempt}
    key = "alert_id" if "alert_id" in data else "digest_id"
    return {"subscription_id": subscription_id, key: message_id, "attempt": attempt}


# A release told to thousands of subscribers still logs one line of bounded length; the alerts stream holds them all.
NAMED_ALERTS = 10


def alerts_named(told: Iterable[tuple[str, str]], *, limit: int = NAMED_ALERTS) -> str:
    """``desk new-1fca…, all new-fbf2…`` for the (subscription id, alert id) pairs ``told``, the first ``limit``
    of them, then ``and N more``; empty when none was told."""
    pairs = list(told)
    named = ", ".join(f"{subscription} {alert}" for subscription, alert in pairs[:limit])
    return named + (f", and {len(pairs) - limit} more" if len(pairs) > limit else "")
