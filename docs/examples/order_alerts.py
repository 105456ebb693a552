from collections.abc import Mapping
from datetime import datetime
from typing import Any


def alert_order(event: Mapping[str, Any]) -> tuple[str, str, int, datetime]:
    """Sort key of a ``pledgewatch.alert`` event (structured mode, parsed): its subscription, its release,
    the release's version, then the moment the notifier decided it."""
    data = event["data"]
    return (data["subscription_id"], data["release"]["release_id"], data["release"]["version"],
            datetime.fromisoformat(event["time"].replace("Z", "+00:00")))


class AlertLog:
    """What a receiver was told, each alert once, whatever order the webhooks arrived in.
    Keep ``seen`` and ``latest`` where your receiver keeps its state, so that they outlive a restart."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.latest: dict[tuple[str, str], int] = {}  # (subscription, release) -> latest version received

    def receive(self, event: Mapping[str, Any]) -> str:
        """``"duplicate"``: this alert was received already, drop it. ``"earlier"``: an alert of a later
        version of its release came first; what that alert says, and what it changed or removed
        (``changes[].previous_id``), supersedes what this one says of the same commitments. ``"latest"``: the
        newest version of its release received so far. ``"reminder"``: a deadline reminder, which stands on
        its own (order reminders by ``data.reminder.due``, then ``time``)."""
        if event["id"] in self.seen:
            return "duplicate"
        self.seen.add(event["id"])
        data = event["data"]
        if data["kind"] == "reminder":
            return "reminder"
        key = (data["subscription_id"], data["release"]["release_id"])
        version = data["release"]["version"]
        if version < self.latest.get(key, 0):
            return "earlier"
        self.latest[key] = version
        return "latest"
