"""The streams each service writes, declared to FastStream so its AsyncAPI document shows them.

Services write with redis-py (XADD inside the transactions that also acknowledge and record what was
done), not through these publishers: they exist to state the contract, each with the events it carries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Union

from faststream.redis import RedisBroker

from schemas.topology import STREAM_EVENTS, STREAM_PURPOSES, WRITERS


def payload_type(stream: str) -> Any:
    """The event class the stream carries, or the union of them."""
    events = STREAM_EVENTS[stream]
    return events[0] if len(events) == 1 else Union[events]  # noqa: UP007 (a runtime union of classes)


def declare_publishers(broker: RedisBroker, service: str, key: Callable[[str], str]) -> None:
    """Declare on ``broker`` every stream ``service`` writes; ``key`` gives a stream's Redis key."""
    for stream in WRITERS.get(service, ()):
        broker.publisher(stream=key(stream), schema=payload_type(stream), title=f"{service}:{stream}",
                         description=f"{service} writes {key(stream)}. {STREAM_PURPOSES[stream]}")
