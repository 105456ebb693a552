"""Reliable consumption of one stream by one consumer group.

Two FastStream subscribers share a handler: one reads new entries (``>``),
the other reclaims entries left pending by a dead consumer (XAUTOCLAIM after
``claim_idle_ms``). An entry that does not decode, or that was delivered more
than ``max_deliveries`` times, goes to the dead-letter stream with the reason.
The handler acknowledges (through ``Streams.commit``) only once its work is
done; if it raises, the entry stays pending and is retried after the idle time.
New entries are read ``read_count`` at a time (XREADGROUP COUNT); with a ``read_linger_ms`` (0, off, by
default), while they come at least two to it the next read waits that long after the last began, so that reads
hold several (:mod:`.read_linger`). While a read is being handled, its entries not yet acknowledged are claimed
again by the consumer handling them every third of the idle time (XCLAIM JUSTID: their idle time starts
again, their delivery count does not grow), so a live consumer slower than ``claim_idle_ms`` on a read keeps
it; only for :data:`KEEP_READ_IDLE_TIMES` idle times, so a read whose handling hangs is still reclaimed. With
``read_ahead`` (off by default), the next read is read and decoded while one is handled, and handled after it
(:mod:`.reads_in_turn`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from faststream import AckPolicy
from redis.exceptions import RedisError, ResponseError
from faststream.redis import RedisBatchStreamMessage, RedisBroker, RedisStreamMessage, StreamSub

from schemas import CloudEvent, EventError, decode_event
from schemas.streams import EVENT_FIELD

from .errors import failure_text
from .redis_refusals import redis_unavailable
from .outages import OutageNotices, keep_reading
from .read_linger import ReadLinger
from .reads_in_turn import ReadsInTurn
from .streams import Entry, Streams, as_text, parse_stream_id
from .tasks import cancel_and_wait

log = logging.getLogger(__name__)

RECLAIM_POLL_MS = (100, 1000)  # the least and the most time between two reclaim polls that found nothing
KEEP_READ_IDLE_TIMES = 10  # a read being handled is kept from the reclaim this many idle times at most
READS_END_SECONDS = 5.0  # the longest a subscriber's stop waits for its cancelled reads to end

Handler = Callable[[CloudEvent[Any], Entry], Awaitable[None]]
BatchHandler = Callable[[list[tuple[CloudEvent[Any], Entry]]], Awaitable[None]]


class _Unprefixed(StreamSub):  # type: ignore[type-arg]
    """A stream's subscription settings that are their own copy under no prefix (the stream's name holds ours):
    FastStream asks for them, prefixed, at each read and log line, and ``StreamSub`` deep-copies itself each
    time (some 3 % of a busy consumer's time)."""

    __slots__ = ()

    def add_prefix(self, prefix: str) -> Any:
        return self if not prefix else super().add_prefix(prefix)


def _entries(raw: Any, group: str) -> list[Entry]:
    """The entries of a message as FastStream read it: one (``data`` a mapping) or a batch (a list)."""
    fields = raw["data"] if isinstance(raw["data"], list) else [raw["data"]]
    return [Entry(stream=raw["channel"], group=group, entry_id=as_text(entry_id), fields=f)
            for entry_id, f in zip(raw["message_ids"], fields)]


def reclaim_poll_ms(claim_idle_ms: int) -> int:
    """How long the reclaiming subscriber waits after an XAUTOCLAIM that found nothing stale: a tenth of the idle
    time, within :data:`RECLAIM_POLL_MS`. An entry is reclaimed at most that much later than ``claim_idle_ms``
    after its read; a poll is a round trip and a wake of the event loop, ten a second per consumer at 100 ms
    (what FastStream waits by default), one at the default idle time of 30 s. A poll that found something polls
    again at once."""
    least, most = RECLAIM_POLL_MS
    return min(most, max(least, claim_idle_ms // 10))


class ReclaimNotice:
    """One WARNING per reclaim pass, not one per entry: the entries a stopped consumer held come back one after
    another (one XAUTOCLAIM each), so a pass is told once no entry has followed for ``quiet_seconds`` after the
    last one was handled, or at once when the consumer stops. Each entry is told at DEBUG."""

    def __init__(self, stream: str, group: str, *, quiet_seconds: float) -> None:
        self.stream, self.group, self.quiet_seconds = stream, group, quiet_seconds
        self._ids: list[tuple[int, int]] = []
        self._deliveries: list[int] = []
        self._timer: asyncio.TimerHandle | None = None

    def started(self, entry: Entry, deliveries: int) -> None:
        """``entry`` was reclaimed, delivered for the ``deliveries``-th time, and is about to be handled."""
        log.debug("reclaimed %s %s (delivery %d)", entry.stream, entry.entry_id, deliveries)
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._ids.append(parse_stream_id(entry.entry_id))
        self._deliveries.append(deliveries)

    def finished(self) -> None:
        """The entry is handled: the pass is told unless another follows soon."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(self.quiet_seconds, self.tell)

    def tell(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._ids:
            return
        count, first, last = len(self._ids), min(self._ids), max(self._ids)
        ids = f"{first[0]}-{first[1]}" + (f" to {last[0]}-{last[1]}" if count > 1 else "")
        low, high = min(self._deliveries), max(self._deliveries)
        deliveries = f"delivery {low}" if low == high else f"deliveries {low} to {high}"
        log.warning("reclaimed %d %s of %s for %s (%s, %s), left pending by a consumer that stopped or stalled",
                    count, "entry" if count == 1 else "entries", self.stream, self.group, ids, deliveries)
        self._ids, self._deliveries = [], []


class StreamConsumer:
    """Binds ``handler`` to ``stream`` for ``group``; call :meth:`attach` once per broker."""

    def __init__(self, *, streams: Callable[[], Streams], stream: str, group: str, consumer: str,
                 expect: tuple[type[CloudEvent[Any]], ...], handler: Handler,
                 claim_idle_ms: int, max_deliveries: int, read_count: int = 64, read_linger_ms: float = 0,
                 batch_handler: BatchHandler | None = None, read_ahead: bool = False) -> None:
        """``batch_handler``, when given, takes each read's decoded entries at once (one round of Redis
        writes for all); if it raises, the entries are handled one by one by ``handler``, so one that fails
        is left pending alone. ``read_ahead``: the next read read and decoded while one is handled."""
        self._streams = streams
        self.stream, self.group, self.consumer = stream, group, consumer
        self.expect, self.handler, self.batch_handler = expect, handler, batch_handler
        self.claim_idle_ms, self.max_deliveries = claim_idle_ms, max_deliveries
        self.read_count = read_count
        self._linger = ReadLinger(read_linger_ms, read_count) if read_linger_ms > 0 else None
        self._in_turn = ReadsInTurn(f"{group} handles a read of {stream}") if read_ahead else None
        # A pass's entries follow one another within a round trip; its end is a quiet spell of a reclaim poll.
        self._reclaims = ReclaimNotice(stream, group, quiet_seconds=max(reclaim_poll_ms(claim_idle_ms), 500) / 1000)

    def attach(self, broker: RedisBroker, *, title: str) -> None:
        # Bounded reads: a consumer that took a whole backlog at once would hold entries pending, unhandled,
        # long enough for its own reclaim to deliver them a second time. New entries come as one batch per
        # read, so the framework's per-message work (dependency resolution, logging scope) is paid once a read.
        fresh = _Unprefixed(self.stream, group=self.group, consumer=self.consumer, batch=True,
                            max_records=self.read_count)
        stale = _Unprefixed(self.stream, group=self.group, consumer=self.consumer,
                            min_idle_time=self.claim_idle_ms, polling_interval=reclaim_poll_ms(self.claim_idle_ms))

        # The handlers take the read as their body (see _as_read), not the message: the framework finds a
        # message parameter through its context in a worker thread, a thread hop on every read.
        async def on_entry(read: Any) -> None:
            entries = _entries(read, self.group)
            if self._linger is not None:
                self._linger.returned([entry.entry_id for entry in entries])
            if self._in_turn is not None:
                await self._in_turn.hand(lambda turn: self._consume_in_turn(entries, turn))
                return
            async with self._kept(entries):
                await self._consume_batch(entries)

        async def on_reclaimed(read: Any) -> None:
            await self._consume(_entries(read, self.group)[0], reclaimed=True)

        reading = broker.subscriber(stream=fresh, ack_policy=AckPolicy.MANUAL, title=title, parser=self._undecoded,
                                    decoder=self._as_read, description=f"{self.group} reads {self.stream}")
        reclaiming = broker.subscriber(stream=stale, ack_policy=AckPolicy.MANUAL, title=f"{title}/reclaim",
                                       decoder=self._as_read,
                                       description=f"{self.group} reclaims stale entries of {self.stream}")
        reading(on_entry)
        reclaiming(on_reclaimed)
        notices = OutageNotices(f"{self.group} reading {self.stream}")
        for subscriber in (reading, reclaiming):
            keep_reading(subscriber, notices=notices, recreate_group=self._recreate_group)
            self._stop_ending_reads(subscriber, what=f"{self.group} reading {self.stream}")
        if self._linger is not None:
            self._pace(reading, self._linger)
        stop = reclaiming.stop

        async def stop_and_tell() -> None:  # a pass still in its quiet spell is told now, not dropped with the loop
            try:
                await stop()
            finally:
                self._reclaims.tell()

        reclaiming.stop = stop_and_tell  # type: ignore[method-assign]
        if self._in_turn is not None:
            self._stop_in_turn(reading, self._in_turn)

    @staticmethod
    def _stop_ending_reads(subscriber: Any, *, what: str) -> None:
        """The subscriber's stop returns once its reads have ended, not only been cancelled: the broker closes its
        connection pool once every subscriber has stopped, and a read still under way then (a connection being
        made for it) would leave a connection of that pool open that nothing closes."""
        stop = subscriber.stop

        async def stop_and_await_reads() -> None:
            reads = [task for task in subscriber.tasks if not task.done()]
            try:
                await stop()
            finally:  # a read that absorbed its cancellation (redis-py mid-command) is cancelled again
                await cancel_and_wait(reads, what=what, patience=READS_END_SECONDS)

        subscriber.stop = stop_and_await_reads

    @staticmethod
    def _stop_in_turn(reading: Any, in_turn: ReadsInTurn) -> None:
        """The reads held are stopped with the subscriber that read them."""
        stop = reading.stop

        async def stop_and_end_reads() -> None:
            try:
                await stop()
            finally:
                await in_turn.stop()

        reading.stop = stop_and_end_reads

    @staticmethod
    def _pace(reading: Any, linger: ReadLinger) -> None:
        """Each read of new entries starts when ``linger`` says (at once unless entries come close)."""
        read = reading._get_msgs  # one read, and the handling of what it brought

        async def paced(*args: Any) -> None:
            if (wait := linger.delay(time.monotonic())) > 0:
                await asyncio.sleep(wait)
            linger.started(time.monotonic())
            await read(*args)

        reading._get_msgs = paced

    async def _recreate_group(self) -> None:
        if await self._streams().ensure_group(self.stream, self.group, self.consumer):
            log.warning("consumer group %s of %s was gone (Redis restarted without persistence, flushed, or "
                        "failed over to an empty replica): recreated, reading from the start of the stream",
                        self.group, self.stream)

    async def _undecoded(self, raw: Any, _framework_parser: Any) -> RedisBatchStreamMessage:
        """The batch as read, its entries left as bytes: each is decoded, and a bad one dead-lettered alone, by
        :meth:`_decode`. (The framework's batch parser decodes every entry up front, so one entry that is not
        UTF-8 would fail the whole batch, and each entry would be parsed twice.) Its first entry's id names it in
        the framework's log lines (a random id otherwise, made for each read)."""
        return RedisBatchStreamMessage(raw, b"", consumer=None, group=self.group,
                                       correlation_id=as_text(raw["message_ids"][0]))

    @staticmethod
    async def _as_read(msg: RedisStreamMessage | RedisBatchStreamMessage, _framework_decoder: Any) -> Any:
        """A message's body for its handler: the read as it came from Redis (stream, ids, entries)."""
        return msg.raw_message

    @contextlib.asynccontextmanager
    async def _kept(self, entries: list[Entry]) -> AsyncIterator[None]:
        """While the block runs, ``entries`` not yet acknowledged stay this consumer's: claimed again by it every
        third of ``claim_idle_ms``, so that its own group's reclaim does not deliver them a second time while
        they wait their turn in a read that takes longer than that to handle."""
        keeper = asyncio.create_task(self._keep_claimed(entries), name=f"{self.group} keeps its read") \
            if entries else None
        try:
            yield
        finally:
            if keeper is not None:
                keeper.cancel()

    async def _keep_claimed(self, entries: list[Entry]) -> None:
        ids, stream, every_ms = [entry.entry_id for entry in entries], entries[0].stream, self.claim_idle_ms / 3
        for _ in range(3 * KEEP_READ_IDLE_TIMES):
            await asyncio.sleep(every_ms / 1000)
            try:  # acknowledged ids are in no pending list: XCLAIM leaves them out
                await self._streams().client.xclaim(stream, self.group, self.consumer, min_idle_time=int(every_ms),
                                                    message_ids=ids, justid=True)
            except Exception as exc:  # Redis away: the read's own commands fail and say so
                log.debug("%s: keeping its read of %s failed: %s", self.group, stream, failure_text(exc))

    async def _consume_in_turn(self, entries: list[Entry], turn: Awaitable[None]) -> None:
        """A read's entries decoded (each bad one dead-lettered alone) at once; handled once ``turn`` comes."""
        async with self._kept(entries):
            decoded = await self._decoded(entries)
            await turn
            if self.batch_handler is None:
                for event, entry in decoded:
                    await self._handle(event, entry)
            else:
                await self._handle_batch(self.batch_handler, decoded)

    async def _consume_batch(self, entries: list[Entry]) -> None:
        """A read's entries: each bad one dead-lettered alone; the rest to the batch handler, or one by one.
        If Redis fails mid-way, what is not committed stays pending and is reclaimed."""
        if self.batch_handler is None:
            for entry in entries:
                await self._consume(entry, reclaimed=False)
            return
        await self._handle_batch(self.batch_handler, await self._decoded(entries))

    async def _decoded(self, entries: list[Entry]) -> list[tuple[CloudEvent[Any], Entry]]:
        return [(event, entry) for entry in entries if (event := await self._decode(entry)) is not None]

    async def _handle_batch(self, batch_handler: BatchHandler, decoded: list[tuple[CloudEvent[Any], Entry]]) -> None:
        if not decoded:
            return
        try:
            await batch_handler(decoded)
        except Exception:
            log.warning("%s: a batch of %d failed; handling its entries one by one", self.group, len(decoded),
                        exc_info=True)
            for event, entry in decoded:
                await self._handle(event, entry)

    async def _consume(self, entry: Entry, *, reclaimed: bool) -> None:
        streams = self._streams()
        if reclaimed:
            deliveries = await streams.times_delivered(entry)
            if deliveries > self.max_deliveries:
                last_error = await streams.client.get(self._error_key(entry))
                reason = f"gave up after {deliveries - 1} deliveries"
                if last_error:
                    reason += f"; last error: {last_error.decode(errors='replace')}"
                await streams.dead_letter(entry, reason, deliveries=deliveries)
                await streams.client.delete(self._error_key(entry))
                return
            self._reclaims.started(entry, deliveries)
        try:
            event = await self._decode(entry)
            if event is not None:
                await self._handle(event, entry)
        finally:
            if reclaimed:
                self._reclaims.finished()

    async def _decode(self, entry: Entry) -> CloudEvent[Any] | None:
        """The entry's event; None when it has none or it does not decode (then it is dead-lettered)."""
        raw = entry.fields.get(EVENT_FIELD.encode())
        if raw is None:
            names = ", ".join(sorted(k.decode(errors="replace") for k in entry.fields))
            await self._streams().dead_letter(entry, f"no {EVENT_FIELD} field (fields: {names})")
            return None
        try:
            return decode_event(raw, expect=self.expect)
        except EventError as exc:
            await self._streams().dead_letter(entry, str(exc))
            return None

    async def _handle(self, event: CloudEvent[Any], entry: Entry) -> None:
        try:
            await self.handler(event, entry)
        except ResponseError as exc:
            if not redis_unavailable(exc):
                await self._failed(entry, exc)
                return
            # Redis answered with its own state (full at its maxmemory, its disk full, read-only), not the entry's
            # fault: left pending, reclaimed after claim_idle_ms, this delivery not counted towards max_deliveries.
            # A timeout is not such an answer (an entry whose work always times out must reach the dead letters).
            log.warning("%s: Redis refused the work on %s %s (%s); will retry", self.group, entry.stream,
                        entry.entry_id, failure_text(exc))
            await self._uncounted(entry)
        except Exception as exc:
            await self._failed(entry, exc)

    async def _failed(self, entry: Entry, exc: Exception) -> None:
        """Left pending: reclaimed after claim_idle_ms, dead-lettered after max_deliveries."""
        log.error("%s failed on %s %s; will retry", self.group, entry.stream, entry.entry_id, exc_info=exc)
        await self._streams().client.set(self._error_key(entry), failure_text(exc)[:500], ex=7 * 86400)

    async def _uncounted(self, entry: Entry) -> None:
        """``entry``'s delivery count back to what it was before this delivery (XCLAIM, which Redis takes at its
        maxmemory too); when Redis cannot even take that, the delivery counts, as any failure does."""
        streams = self._streams()
        try:
            deliveries = await streams.times_delivered(entry)
            await streams.client.xclaim(entry.stream, entry.group, self.consumer, min_idle_time=0,
                                        message_ids=[entry.entry_id], retrycount=max(deliveries - 1, 0), justid=True)
        except RedisError:
            pass

    def _error_key(self, entry: Entry) -> str:
        return f"{entry.stream}:last-error:{self.group}:{entry.entry_id}"
