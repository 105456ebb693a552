import json
import logging
from collections.abc import Callable
from typing import Any

import redis

MAX_DELIVERIES = 3  # an event whose handling failed this many times is set aside, not read at every start forever
CLAIM_IDLE_MS = 30_000  # an entry pending this long for another consumer is taken over: that replica is gone

log = logging.getLogger(__name__)


def consume(client: redis.Redis, stream: str, group: str, consumer: str,
            handle: Callable[[dict[str, Any]], None], *, seen: str, aside: str | None = None,
            max_deliveries: int = MAX_DELIVERIES, claim_idle_ms: int = CLAIM_IDLE_MS, block_ms: int = 5000,
            forever: bool = True) -> None:
    """Read ``stream`` (e.g. ``"pledgewatch:alerts"``) in your own ``group``, at least once: ``handle(event)`` gets
    the parsed CloudEvent, each event id once, unless this process dies between ``handle`` and the transaction
    after it (then the event is handled again at the next start: let ``handle`` be idempotent, an upsert keyed by
    the id, where twice would matter). ``seen`` is a Redis set of the event ids handled, kept with the XACK in one
    transaction; it grows with every event (a dead letter may be replayed weeks later), so keep its ids as long as
    you keep what they did. ``aside`` (``<seen>:aside`` unless given) is a Redis stream where an entry is copied
    as it is, with a ``__reason__`` field and its XACK, instead of stopping every read at it: one that is no event
    (no ``__data__``, or not JSON), and one read ``max_deliveries`` times whose ``handle`` raised each time (an
    earlier failure stops the consumer: restarted, it reads the entry again). ``consumer`` is this replica's name:
    the same after a restart. An entry another consumer of the group read and left unacknowledged for
    ``claim_idle_ms`` (a replica gone for good, under a name no restart takes again) is taken over (``XAUTOCLAIM``)
    before each read of new entries and handled as this consumer's own: make it longer than ``handle`` ever takes,
    or a replica still handling an entry has it taken over and handled again. ``forever=False`` returns once
    nothing is left to read."""
    aside = aside or f"{seen}:aside"
    try:
        client.xgroup_create(stream, group, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise
    start = "0"  # first what this consumer read before a crash and never acknowledged
    while True:
        claimed = _claimed(client, stream, group, consumer, claim_idle_ms) if start == ">" else []
        if claimed:
            entries = claimed
        else:
            reply = client.xreadgroup(group, consumer, {stream: start}, count=100,
                                      block=block_ms if start == ">" and forever else None)
            entries = reply[0][1] if reply else []
        if not entries:
            if start == "0":
                start = ">"  # own pending entries done: now the new ones
                continue
            if not forever:
                return
        deliveries = _deliveries(client, stream, group, consumer, entries) if start == "0" or claimed else {}
        for entry_id, fields in entries:
            event = _event(fields) if fields else None  # no fields: deleted while pending
            reason = None if event is not None or not fields else "no event: no __data__, or not JSON"
            if event is not None and not client.sismember(seen, event["id"]):
                try:
                    handle(event)  # a crash here reads it again, from the pending entries
                except Exception as exc:
                    times = deliveries.get(entry_id, 1)
                    if times < max_deliveries:
                        raise
                    reason = f"handling failed {times} times: {exc!r}"
                    log.error("%s: entry %s (event %s) set aside in %s: %s", stream, entry_id.decode(),
                              event["id"], aside, reason)
            with client.pipeline(transaction=True) as pipe:
                if reason is not None:
                    pipe.xadd(aside, {**fields, "__reason__": reason})
                elif event is not None:
                    pipe.sadd(seen, event["id"])
                pipe.xack(stream, group, entry_id)
                pipe.execute()


def _claimed(client: redis.Redis, stream: str, group: str, consumer: str,
             idle_ms: int) -> list[tuple[bytes, dict[bytes, bytes]]]:
    """Entries pending in ``group`` for ``idle_ms`` or more, now ``consumer``'s (their deliveries counted, as a
    read counts them), from the first batch of the group's pending entries that holds any."""
    start = "0-0"
    while True:
        start, entries, *_ = client.xautoclaim(stream, group, consumer, idle_ms, start, count=100)
        if entries or start in (b"0-0", "0-0"):  # 0-0: every pending entry looked at
            return entries


def _deliveries(client: redis.Redis, stream: str, group: str, consumer: str,
                entries: list[tuple[bytes, dict[bytes, bytes]]]) -> dict[bytes, int]:
    """How many times each of ``entries``, pending for ``consumer``, was delivered, this read included."""
    pending = client.xpending_range(stream, group, min=entries[0][0], max=entries[-1][0], count=len(entries),
                                    consumername=consumer)
    return {p["message_id"]: p["times_delivered"] for p in pending}


def _event(fields: dict[bytes, bytes]) -> dict[str, Any] | None:
    """The entry's event, or None when it holds none: pledgewatch's own consumers dead-letter such an entry."""
    try:
        event = json.loads(fields[b"__data__"])
    except (KeyError, ValueError):
        return None
    return event if isinstance(event, dict) and isinstance(event.get("id"), str) else None
