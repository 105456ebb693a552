"""How the notifier's log names one delivery: its subscription, its message and, for an alert, the release it is of,
so that one release is followed from ingest's and the classifier's lines to each delivery by its id."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def delivery_name(subscription_id: str, message_id: str, data: Mapping[str, Any]) -> str:
    """``desk: new-1fca… (release rel-2955… v1)`` for an alert's ``data``; ``desk: digest-…`` for a message of no
    one release (a digest, a week's deadlines), or data that does not say."""
    release = data.get("release")
    if isinstance(release, Mapping) and release.get("release_id") is not None:
        return f"{subscription_id}: {message_id} (release {release['release_id']} v{release.get('version', '?')})"
    return f"{subscription_id}: {message_id}"
