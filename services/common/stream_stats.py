"""What the streams hold and how far each consumer group is behind: shared by ``pledgewatch status`` and
``/metrics``.

Redis 7 reports a group's lag in XINFO GROUPS; Redis 6.2 (the embedded default) does not, so the entries
after the group's last-delivered id are counted, up to :data:`LAG_COUNT_LIMIT`.
"""

from __future__ import annotations

from typing import Any

from schemas.streams import ALL

LAG_COUNT_LIMIT = 10_000  # past this a lag is counted no further: LAG_COUNT_LIMIT + 1 means "more"
UNREADABLE = "unreadable"  # the origin of an entry of the dead-letter stream that holds no dead letter
# Where dead letters come from, as :func:`origin_of` names them: a stream; the notifier's delivery queue
# (``notifier:outbox``); or a release refused at the door (``file:PATH``, ``http:POST /releases``, ``feed:NAME``).
DEAD_LETTER_ORIGINS = (*ALL, "notifier", "file", "http", "feed", UNREADABLE)


def reported_lag(group: dict[str, Any]) -> int | None:
    """The lag XINFO GROUPS reported for ``group``, or None when it must be counted (Redis 6, or 7 unsure)."""
    lag = group.get("lag")
    return None if lag is None else int(lag)


def lag_range(key: str, last_delivered: str) -> dict[str, Any]:
    """The XRANGE arguments whose answer's length is the lag of a group last delivered ``last_delivered``."""
    return {"name": key, "min": f"({last_delivered}", "count": LAG_COUNT_LIMIT + 1}


def lag_text(lag: int) -> int | str:
    """``lag`` as ``pledgewatch status`` shows it: a count, or "10000+" past the limit."""
    return f"{LAG_COUNT_LIMIT}+" if lag > LAG_COUNT_LIMIT else lag


def origin_of(stream: str, prefix: str) -> str:
    """The bounded name of where a dead letter came from: a stream's name, or the kind of a source
    (``file:/path/x.md`` -> ``file``, ``feed:home-office`` -> ``feed``)."""
    stream = stream.removeprefix(prefix)
    return stream if stream in ALL else stream.split(":", 1)[0]
