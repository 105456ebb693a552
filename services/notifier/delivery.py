"""The delivery worker: sends due outbox jobs, isolated per destination, with retries.

Each destination (webhook URL, SMTP server, Apprise service, stdout) has its own
bound on sends in flight, and every send has a timeout, so one slow or failing
endpoint never holds up the others. Jobs are only claimed for a destination with a
free slot, and never more than ``delivery_max_inflight`` at once, so a hanging
endpoint with a backlog holds its own slots and nothing else. Every attempt is audited on the deliveries
stream; a job out of attempts (or refused for good, e.g. HTTP 404) is dead-lettered.
The jobs of the alerts the notifier's consumer commits are offered to the worker before the commit
(:meth:`DeliveryWorker.offer`): those with a free slot are queued leased by the alerts' script, as a claim
would leave them, and handed to the worker once written (:meth:`DeliveryWorker.take`), which sends them
without claiming them; the others are queued due and claimed.
A job is marked done by the first write after its send succeeds (the script that
records the delivery, with the other attempts finishing at the same time), and is never sent again once
marked.

The worker may send on an event loop of its own, in a thread of the notifier's process (:mod:`.send_loop`,
``PLEDGEWATCH_DELIVERY_THREAD``), so that a read of many releases does not hold its sends: then
:meth:`DeliveryWorker.offer` is called from the consumer's thread (the slots it counts are shared under a lock),
and :meth:`~DeliveryWorker.take`, :meth:`~DeliveryWorker.wake` and :meth:`~DeliveryWorker.drain` cross to the
worker's loop; everything else runs there.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Hashable
from datetime import datetime, timezone
from typing import Any

import aiohttp
from redis.exceptions import RedisError

from schemas.alerts import AlertDeliveredEvent, AlertFailedEvent, DeliveryAttempt
from schemas.streams import DEAD_LETTERS, DELIVERIES
from services.common.batch_writer import BatchWriter
from services.common.errors import failure_text
from services.common.metrics import count_cancelled, count_delivery, time_send
from services.common.outages import OutageNotices
from services.common.outbound import TargetPolicy, guarded_session
from services.common.streams import Streams
from services.common.tasks import STOP_PATIENCE_SECONDS, cancel_and_wait, patience_left

from .channels import Channel, DeliveryResult, build_channel
from .channels.email import EmailSupport
from .channels.webhook import WebhookSender
from .config import NotifierConfig
from .delivery_names import delivery_fields, delivery_name
from .messages import SOURCE
from .outbox import Attempt, DeliveryJob, Outbox
from .presence import Judged, SubscriptionPresence, Why, cancellation
from .redaction import scrub, sent_to
from .send_bounds import send_bound
from .subscriptions import Subscription

log = logging.getLogger(__name__)

MAX_CACHED_CHANNELS = 4096
MIN_POLL_GAP_SECONDS = 0.005


def _channel_for(job: DeliveryJob, config: NotifierConfig, webhook_timeout: float,
                 targets: TargetPolicy | None, http: aiohttp.ClientSession | None,
                 email_support: EmailSupport | None) -> Channel:
    spec = Subscription.model_validate({"id": "x", "channels": [job.channel]}).channels[0]
    return build_channel(spec, config, webhook_timeout=webhook_timeout, targets=targets, http=http,
                         email_support=email_support)


def _told(job: DeliveryJob) -> tuple[str, dict[str, Any]]:
    """``job`` as its log lines name it (:func:`delivery_name`), and the ids its records carry for JSON logs
    (:func:`delivery_fields`, of its latest attempt); a message that cannot be read names no release."""
    try:
        data = job.message_data()
    except (ValueError, KeyError, TypeError):
        data = {}
    return (delivery_name(job.subscription_id, job.message_id, data),
            delivery_fields(job.subscription_id, job.message_id, data, attempt=job.attempts))


def _spec_key(channel: dict[str, Any]) -> Hashable:
    """A channel spec as a cache key: its items when all are plain values (a webhook's), else its JSON."""
    items = tuple(sorted(channel.items()))
    if all(isinstance(v, (str, int, float, bool, type(None))) for _, v in items):
        return items
    return json.dumps(channel, sort_keys=True)


class DeliveryWorker:
    def __init__(self, streams: Streams, outbox: Outbox, config: NotifierConfig, *, webhook_timeout: float,
                 clock: Callable[[], float] = time.time,
                 targets: TargetPolicy | None = None, email_support: EmailSupport | None = None,
                 presence: SubscriptionPresence | None = None) -> None:
        """``presence``: whether a job's subscription is still there (None: not asked, every job is sent).
        ``clock``: this host's wall clock, for the times its attempts are stamped with; leases and due times are
        Redis's clock, which every host shares (:class:`.Outbox`)."""
        self.streams, self.outbox, self.config = streams, outbox, config
        self.presence = presence
        self.email_support = email_support
        self.webhook_timeout = webhook_timeout
        self.targets = targets
        self.clock = clock
        self.ticks: Callable[[], float] = time.monotonic  # when to renew the leases in flight (see _leased)
        self._limits: dict[str, asyncio.Semaphore] = {}
        self._inflight: dict[str, asyncio.Task[None]] = {}
        # job in flight -> when its lease ends at the earliest, on this process's monotonic clock: the lease itself is
        # on Redis's clock (the scripts read TIME), begun after the moment noted here
        self._leased: dict[str, float] = {}
        self._busy: dict[str, int] = {}  # destination -> claimed jobs not finished (bounded by its slots)
        self._left_behind = True  # the last claim took as many jobs as there was room for: more may be due
        self._capped: set[str] = set()  # destinations the last claim gave all the slots it could: more may be due
        self._offered = 0  # slots held for jobs offered to a commit not yet written (counted in _busy too)
        self._stopping = False
        self._outage = OutageNotices("notifier polling its outbox")
        self._wake = asyncio.Event()  # new jobs, or a slot freed
        self._new_jobs = asyncio.Event()
        self._http: aiohttp.ClientSession | None = None  # one pool of webhook connections, kept alive
        self._channels: dict[Hashable, Channel] = {}
        self._records: BatchWriter[Attempt] = BatchWriter(self._write_attempts)
        # _busy and _offered, which offer() changes from the consumer's thread when the worker has a loop of its own
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None  # its own loop (see on_own_loop), else None
        self._thread: int | None = None

    def on_own_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """The worker runs on ``loop``, the running loop of this thread, a thread of its own: calls from other
        threads (:meth:`take`, :meth:`wake`, :meth:`drain`) cross to it."""
        self._loop, self._thread = loop, threading.get_ident()

    def _elsewhere(self) -> bool:
        """Called from a thread other than the worker's own (only when it has one)."""
        return self._thread is not None and threading.get_ident() != self._thread

    def _cross(self, call: Callable[..., None], *args: Any) -> None:
        assert self._loop is not None
        try:
            self._loop.call_soon_threadsafe(call, *args)
        except RuntimeError:  # its loop closed: the worker has stopped; a job handed now waits for its lease's end
            pass

    async def _over_there(self, call: Coroutine[Any, Any, None]) -> None:
        """Await ``call`` on the worker's own loop."""
        assert self._loop is not None
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(call, self._loop))

    def wake(self) -> None:
        """New jobs were queued: claim them now, without waiting for the gap between polls."""
        if self._elsewhere():
            self._cross(self.wake)
            return
        self._new_jobs.set()
        self._wake.set()

    def offer(self, jobs: list[DeliveryJob]) -> tuple[set[str], float]:
        """Of the jobs a commit is about to queue, those this worker will send as soon as it is written (one
        slot of their destination free, room in flight), and when their lease ends at the earliest, on this
        process's monotonic clock (the commit leases them ``delivery_lease_seconds`` from Redis's now, after
        this): each holds its slot until :meth:`take`, so claims meanwhile leave it."""
        offered: set[str] = set()
        with self._lock:
            if self._stopping:  # read under the lock: a stop asked from another thread is seen at once
                return offered, 0.0
            room = self.config.delivery_max_inflight - len(self._inflight) - self._offered
            slots = self.config.destination_concurrency
            for job in jobs:
                if room <= 0:
                    break
                dest = job.destination
                if self._busy.get(dest, 0) >= slots or job.job_id in self._inflight or job.job_id in offered:
                    continue
                self._busy[dest] = self._busy.get(dest, 0) + 1
                offered.add(job.job_id)
                room -= 1
            self._offered += len(offered)
        return offered, self.ticks() + self.config.delivery_lease_seconds

    def take(self, jobs: list[DeliveryJob], offered: set[str], handed: set[str] | None, *,
             lease_until: float) -> None:
        """After the commit of ``jobs`` (``offered`` to it): ``handed``, those it queued leased (their leases ending
        no earlier than ``lease_until``, on the monotonic clock, as :meth:`offer` said; None: nothing written), are
        sent; the other offered slots are freed; and the worker claims now when a job was queued due (not offered,
        or queued already). A handed job left unsent (the worker stopping, or killed first) is claimed when its
        lease ends, as a claimed one would be. From another thread than the worker's own, done on the worker's
        loop (the offered slots held until then)."""
        if self._elsewhere():
            self._cross(self._take, jobs, offered, handed, lease_until)
        else:
            self._take(jobs, offered, handed, lease_until)

    def _take(self, jobs: list[DeliveryJob], offered: set[str], handed: set[str] | None, lease_until: float) -> None:
        with self._lock:
            self._offered -= len(offered)
            for job in jobs:
                if job.job_id not in offered:
                    continue
                dest = job.destination
                if (handed is not None and job.job_id in handed and not self._stopping
                        and job.job_id not in self._inflight):
                    task = asyncio.create_task(self._deliver(job, dest))
                    self._inflight[job.job_id] = task
                    self._leased[job.job_id] = lease_until
                    task.add_done_callback(lambda _t, j=job.job_id: self._done(j))
                    continue
                self._busy[dest] -= 1
                if not self._busy[dest]:
                    del self._busy[dest]
                if dest in self._capped or self._left_behind:  # a claim meanwhile may have left a job for the slot
                    self._wake.set()
        if handed is not None and any(job.job_id not in handed for job in jobs):
            self.wake()

    async def run(self) -> None:
        while not self._stopping:
            task = asyncio.current_task()
            if task is not None and task.cancelling():  # a cancellation some library swallowed
                raise asyncio.CancelledError
            self._wake.clear()
            self._new_jobs.clear()
            polled = time.monotonic()
            try:
                await self.poll_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._outage.report(exc, log, "delivery poll failed; retrying")
            else:
                self._outage.recovered()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.config.delivery_poll_seconds)
                # Woken by a freed slot, polls stay MIN_POLL_GAP_SECONDS apart: the wake-ups of sends finishing
                # together make one claim, and a blocked backlog does not poll without pause. New jobs (one
                # wake-up per batch of alerts committed) are claimed at once.
                gap = polled + MIN_POLL_GAP_SECONDS - time.monotonic()
                if gap > 0 and not self._new_jobs.is_set():
                    await asyncio.wait_for(self._new_jobs.wait(), timeout=gap)
            except asyncio.TimeoutError:
                pass

    async def poll_once(self) -> None:
        if self._elsewhere():
            await self._over_there(self.poll_once())
            return
        started = self.ticks()  # the leases written by this poll begin after it
        lease = self.config.delivery_lease_seconds
        renew = self._ending(started, lease)
        slots = self.config.destination_concurrency
        with self._lock:
            busy = {d: slots - n for d, n in self._busy.items()}
            free = self.config.delivery_max_inflight - len(self._inflight) - self._offered
        # one script: the leases in flight renewed, due jobs claimed, on Redis's clock
        claimed = await self.outbox.claim(lease=lease, limit=free, idle_slots=slots, busy=busy, renew=renew)
        for j in renew:
            if j in self._inflight:
                self._leased[j] = started + lease
        judged = await self._judge([job for _, _, job in claimed]) if claimed else Judged()
        self._left_behind = len(claimed) >= free
        taken: dict[str, int] = {}
        for _, dest, _ in claimed:
            taken[dest] = taken.get(dest, 0) + 1
        self._capped = {d for d, n in busy.items() if taken.get(d, 0) >= n} | {
            d for d, n in taken.items() if d not in busy and n >= slots}
        with self._lock:
            for job_id, dest, job in claimed:
                if job_id in self._inflight or self._stopping:  # stopping: its lease ends and another sends it
                    continue
                self._busy[dest] = self._busy.get(dest, 0) + 1
                if (current := judged.current.get(job_id)) is not None:
                    job.channel = current  # the same place, its settings (a secret, the recipients) changed since
                task = asyncio.create_task(self._deliver(job, dest, gone=judged.cancelled.get(job_id)))
                self._inflight[job_id] = task
                self._leased[job_id] = started + lease
                task.add_done_callback(lambda _t, j=job_id: self._done(j))
        if any(self._busy.get(d, 0) < slots for d in self._capped):
            # a send (a handed job's: no claim had capped its destination) ended while this claim was under way,
            # its slot freed when the destination was not yet known to be capped: claim again for it
            self._wake.set()

    def _ending(self, now: float, lease: float) -> list[str]:
        """The jobs in flight whose leases to extend at ``now`` (monotonic): those past half their lease (or that
        would run out before the poll after next), so that a poll does not write to Redis for jobs claimed moments
        ago, and no lease in flight runs out while polls keep coming."""
        soon = max(lease / 2, 2 * self.config.delivery_poll_seconds)
        return [j for j in self._inflight if self._leased.get(j, now) - now <= soon]

    def _done(self, job_id: str) -> None:
        if self._inflight.pop(job_id, None) is not None and self._left_behind:
            self._wake.set()  # room for one more job in flight, and the last claim may have left one
        self._leased.pop(job_id, None)

    def inflight(self) -> dict[str, int]:
        """Jobs being sent (or loading) per destination."""
        with self._lock:
            return {d: n for d, n in self._busy.items() if n}

    async def drain(self) -> None:
        """Wait for the sends in flight (tests and shutdown)."""
        if self._elsewhere():
            await self._over_there(self.drain())
            return
        while self._inflight:
            await asyncio.gather(*list(self._inflight.values()), return_exceptions=True)

    def stop_offering(self) -> None:
        """Offer nothing from now on (:meth:`offer` under the lock sees it at once): a stop is under way. From any
        thread; :meth:`stop` does it too."""
        with self._lock:
            self._stopping = True

    async def stop(self, *, patience: float = STOP_PATIENCE_SECONDS) -> None:
        """Cancel the sends under way and close the records' writer and the webhooks' session, waiting for the
        cancelled tasks ``patience`` seconds in all (each step at least one recancel's interval)."""
        self.stop_offering()
        deadline = asyncio.get_running_loop().time() + patience
        await cancel_and_wait(list(self._inflight.values()), what="the delivery worker's sends", patience=patience)
        await self._records.close(patience=patience_left(deadline))
        if self._http is not None:
            await self._http.close()
            self._http = None
            self._channels.clear()  # their webhooks hold the closed session

    def _shared_http(self) -> aiohttp.ClientSession:
        """The webhook session, made on first use (inside the running loop): every connection it opens is
        checked by the target policy; per-destination concurrency is bounded by ``_limits``."""
        if self._http is None or self._http.closed:
            self._http = guarded_session(self.targets or TargetPolicy(),
                                         timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
                                         limit=self.config.delivery_max_inflight)
        return self._http

    def _channel(self, job: DeliveryJob) -> Channel:
        """The channel a job goes out on, built once per distinct channel spec (not per job)."""
        spec = _spec_key(job.channel)
        channel = self._channels.get(spec)
        if channel is None:
            if len(self._channels) >= MAX_CACHED_CHANNELS:
                self._channels.clear()
            channel = self._channels[spec] = _channel_for(job, self.config, self.webhook_timeout, self.targets,
                                                          self._shared_http(), self.email_support)
        return channel

    async def _judge(self, jobs: list[DeliveryJob]) -> Judged:
        """Those of ``jobs`` (by id) whose subscription is no longer there or no longer sends where they were to
        go, and why, and those to be sent on their subscription's channel as it is now; none when that cannot be
        asked now (they are sent as queued: a delivery is not cancelled on a guess)."""
        if self.presence is None:
            return Judged()
        try:
            return await self.presence.judge((job.job_id, job.subscription_id, job.channel, job.channel_position,
                                              job.made_at, job.generation) for job in jobs)
        except RedisError as exc:
            log.warning("whether subscription(s) %s are still there could not be read (%s): sent as queued",
                        ", ".join(sorted({job.subscription_id for job in jobs})), failure_text(exc))
            return Judged()

    async def _deliver(self, job: DeliveryJob, dest: str, *, gone: Why | None = None) -> None:
        """``gone``: its subscription is no longer there ("deleted") or no longer sends where it was to go
        ("changed"), the job is cancelled, not sent."""
        freed = False

        def free_slot() -> None:  # once the send is over: the next job can be claimed while this one is recorded
            nonlocal freed
            if not freed:
                freed = True
                with self._lock:
                    self._busy[dest] -= 1
                    if not self._busy[dest]:
                        del self._busy[dest]
                # A slot is free: claim the job that may wait for it now, not at the next poll. When the last claim
                # gave this destination fewer jobs than it had slots for, and the worker fewer than it had room for,
                # that claim took every due job it could (new jobs wake the worker themselves): claiming again
                # would find nothing, a round trip per alert while alerts come one at a time.
                if dest in self._capped or self._left_behind:
                    self._wake.set()

        try:
            if gone:
                free_slot()
                await self._record_cancelled(job, why=gone)
            else:
                await self._deliver_job(job, dest, free_slot)
        finally:
            free_slot()

    async def _deliver_job(self, job: DeliveryJob, dest: str, sent: Callable[[], None]) -> None:
        try:
            channel = self._channel(job)
        except ValueError as exc:
            await self._record(job, None, DeliveryResult.failed(f"bad channel: {exc}", retryable=False))
            return
        limit = self._limits.get(dest)
        if limit is None:  # made once a destination, not for every job (setdefault would make one each time)
            limit = self._limits[dest] = asyncio.Semaphore(self.config.destination_concurrency)
        async with limit:
            result = await self._send(channel, job)
        sent()
        if not result.ok and (why := (await self._judge([job])).cancelled.get(job.job_id)):
            await self._record_cancelled(job, channel, failure=result.error or "failed", why=why)  # meanwhile
            return
        await self._record(job, channel, result)

    async def _record_cancelled(self, job: DeliveryJob, channel: Channel | None = None, *,
                                failure: str | None = None, why: Why = "deleted") -> None:
        """Finish ``job``, whose subscription is gone or no longer sends where it was to go (``why``), with a final failed
        attempt saying it was cancelled: not tried again, no dead letter. ``failure``: the error of the attempt
        just made (None: none was made)."""
        job.attempts += 1  # the attempt that ends it, made or not: its event's id is one of its own
        now = self.clock()
        error = cancellation(job.subscription_id, scrub(failure, job.channel) if failure else None, why)
        attempt = DeliveryAttempt(
            alert_id=job.message_id, subscription_id=job.subscription_id,
            channel=channel.name if channel else job.channel.get("type", "?"),
            destination=channel.destination if channel else sent_to(job.channel), attempt=job.attempts,
            outcome="failed", final=True, error=error, at=datetime.fromtimestamp(now, timezone.utc))
        count_cancelled(job.channel.get("type", "?"), attempted=failure is not None)
        event = AlertFailedEvent.wrap(attempt, id=job.attempt_id, source=SOURCE, time=attempt.at,
                                      subject=job.subscription_id)
        named, fields = _told(job)
        log.info("%s: %s %s: %s", named, attempt.channel, attempt.destination, error, extra=fields)
        await self._records.submit(Attempt(job, False, True, event))

    async def _send(self, channel: Channel, job: DeliveryJob) -> DeliveryResult:
        # A second, outer timeout: a channel whose own timeout fails to fire cannot hang its slot.
        outer = send_bound(channel, self.webhook_timeout + self.config.smtp_timeout + self.config.apprise_timeout)
        started = time.perf_counter()
        try:
            async with asyncio.timeout(outer):  # in this task: wait_for would start one more per send
                return await self._sending(channel, job)
        except asyncio.TimeoutError:
            return DeliveryResult.failed(f"timed out after {outer:g}s")
        except Exception as exc:  # a channel bug is a failed attempt, not a dead worker
            log.exception("channel %s raised", channel.name)
            return DeliveryResult.failed(failure_text(exc))
        finally:
            time_send(job.channel.get("type", "?"), time.perf_counter() - started)

    @staticmethod
    def _sending(channel: Channel, job: DeliveryJob) -> Awaitable[DeliveryResult]:
        """The send of ``job``: its rendered event as it is, when it has one and the channel posts events."""
        if job.event_json is not None and isinstance(channel, WebhookSender):
            return channel.send_rendered(job.event_json.encode(), job.message_id)
        return channel.send(job.message_model())

    async def _record(self, job: DeliveryJob, channel: Channel | None, result: DeliveryResult) -> None:
        job.attempts += 1
        now = self.clock()
        if result.error:  # an error text may quote the URL (and with it a token)
            result = dataclasses.replace(result, error=scrub(result.error, job.channel))
        final = result.ok or not result.retryable or job.attempts >= self.config.delivery_attempts
        attempt = DeliveryAttempt(
            alert_id=job.message_id, subscription_id=job.subscription_id,
            channel=channel.name if channel else job.channel.get("type", "?"),
            destination=channel.destination if channel else sent_to(job.channel), attempt=job.attempts,
            outcome="delivered" if result.ok else "failed", final=final, error=result.error,
            at=datetime.fromtimestamp(now, timezone.utc))
        count_delivery(job.channel.get("type", "?"), ok=result.ok, final=final)
        cls = AlertDeliveredEvent if result.ok else AlertFailedEvent
        event = cls.wrap(attempt, id=job.attempt_id, source=SOURCE, time=attempt.at,
                         subject=job.subscription_id)
        letter, retry_in = None, None
        if final and not result.ok:
            reason = (f"{attempt.channel} {attempt.destination}: {result.error} "
                      f"(attempt {job.attempts} of {self.config.delivery_attempts}"
                      f"{', not retryable' if not result.retryable else ''})")
            letter = self.streams.dead_letter_event(stream=self.outbox.zset, payload=job.public_payload(),
                                                    reason=reason, entry_id=job.job_id,
                                                    group="notifier", deliveries=job.attempts, replays=job.replays)
            named, fields = _told(job)
            log.error("dead letter: %s: %s", named, reason, extra=fields)
        elif result.ok and (job.attempts > 1 or job.replays):  # its failures were logged: so is how they ended
            named, fields = _told(job)
            log.info("%s: %s %s delivered at attempt %d%s", named, attempt.channel, attempt.destination,
                     job.attempts, f" of replay {job.replays}" if job.replays else "", extra=fields)
        elif not final:
            retry_in = delay = self._retry_delay(job.attempts, result)  # from Redis's now, when recorded
            named, fields = _told(job)
            log.warning("%s: %s %s failed (%s); attempt %d again in %.1fs", named, attempt.channel,
                        attempt.destination, result.error, job.attempts + 1, delay, extra=fields)
        # Written with the other attempts finishing now, in one script: for a delivered job, the first write
        # after its send (its done mark); a crash from there on never sends it again.
        await self._records.submit(Attempt(job, result.ok, final, event, letter, retry_in))

    def _retry_delay(self, attempts: int, result: DeliveryResult) -> float:
        """Seconds until the next attempt: the retry policy's, or as long as the endpoint asked (``Retry-After``) when
        longer, up to the policy's cap: asked again sooner, it would only refuse again."""
        delay = self.config.delivery_retry.delay(attempts)
        if result.retry_after is None:
            return delay
        return max(delay, min(result.retry_after, self.config.retry_max_seconds))

    async def _write_attempts(self, attempts: list[Attempt]) -> None:
        await self.outbox.record(attempts, deliveries=self.streams.key(DELIVERIES),
                                 dead_letters=self.streams.key(DEAD_LETTERS))
