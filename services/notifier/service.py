"""Notifier service: release.classified in; alerts, deliveries and reminders out.

The handler only decides (pure core) and records, in one Redis transaction with
the XACK: the alerts (to the alerts stream), the delivery jobs (the outbox), and
what each subscriber has now been told (its idempotency record). Sending is the
delivery worker's job; firing reminders and digests is the leader's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, time, timedelta, timezone

from aiohttp import web
from faststream.redis import RedisBroker

from schemas import CloudEvent, ReleaseClassifiedEvent
from schemas.alerts import Alert, AlertKind, ReminderDue, ReminderDueEvent, ReminderInfo
from schemas.classified import ReleaseClassified
from schemas.streams import ALERTS, CLASSIFIED, EVENT_FIELD, NOTIFIER_GROUP, REMINDERS
from services.common.consumer import StreamConsumer
from services.common.service import Runtime
from services.common.settings import Settings
from services.common.streams import Entry

from .config import NotifierConfig
from .digest import assemble_digest, digest_due, last_digest_time
from .leader import LeaderLock
from .messages import SOURCE, Message, alert_event
from .outbox import Outbox, jobs_for
from .planning import alert_id, plan_alerts, release_ref
from .reminders import plan_reminders, reminder_id
from .delivery import DeliveryWorker
from .scheduler import ReminderScheduler
from .store import FileSubscriptions, SubscriptionStore
from .subscriptions import Subscription

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class NotifierService:
    name = "notifier"

    def __init__(self, settings: Settings, *, config: NotifierConfig | None = None,
                 clock: Clock = _utc_now, run_scheduler: bool = True) -> None:
        self.settings = settings
        if config is None:  # the common Settings own webhook_timeout
            config = NotifierConfig().model_copy(update={"webhook_timeout": settings.webhook_timeout})
        self.config = config
        self.clock = clock
        self.run_scheduler = run_scheduler
        self.runtime = Runtime(settings, source=SOURCE)
        self.file = FileSubscriptions(settings.subscriptions)
        self.consumer = StreamConsumer(
            streams=lambda: self.runtime.streams, stream=settings.key(CLASSIFIED), group=NOTIFIER_GROUP,
            consumer=settings.consumer, expect=(ReleaseClassifiedEvent,), handler=self.on_release_classified,
            claim_idle_ms=settings.claim_idle_ms, max_deliveries=settings.max_deliveries)
        self.store: SubscriptionStore | None = None
        self.outbox: Outbox | None = None
        self.worker: DeliveryWorker | None = None
        self.reminders: ReminderScheduler | None = None
        self.leader: LeaderLock | None = None
        self._tasks: list[asyncio.Task[None]] = []
        h, m = (int(x) for x in self.config.reminder_time.split(":"))
        self.remind_at = time(h, m, tzinfo=timezone.utc)

    # --- Service protocol -------------------------------------------------------------
    def attach(self, broker: RedisBroker) -> None:
        self.consumer.attach(broker, title="notifier:release.classified")

    async def start(self) -> None:
        streams = await self.runtime.open()
        await streams.ensure_group(self.settings.key(CLASSIFIED), NOTIFIER_GROUP)
        self.store = SubscriptionStore(streams.client, key=streams.key("notifier:subscriptions"), file=self.file)
        self.outbox = Outbox(streams.client, streams.key)
        self.worker = DeliveryWorker(streams, self.outbox, self.config)
        self.reminders = ReminderScheduler(self.settings.require_redis_url(), self.settings.prefix,
                                           misfire_grace_seconds=self.config.reminder_misfire_grace_seconds)
        self.reminders.start(self)
        self.leader = LeaderLock(streams.client, streams.key("notifier:leader"),
                                 ttl=self.config.leader_ttl_seconds, name=self.settings.consumer)

    async def started(self) -> None:
        assert self.worker is not None and self.leader is not None
        self._tasks.append(asyncio.create_task(self.worker.run(), name="notifier-delivery"))
        if self.run_scheduler:
            self._tasks.append(asyncio.create_task(
                self.leader.run(on_elected=self._elected, on_deposed=self._deposed, on_tick=self._leader_tick),
                name="notifier-leader"))

    async def stop(self) -> None:
        if self.worker is not None:
            await self.worker.stop()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        if self.reminders is not None:
            self.reminders.shutdown()
        if self.leader is not None:
            try:
                await self.leader.release()
            except Exception:  # Redis already gone: the lease simply runs out
                pass
        await self.runtime.close()

    def routes(self) -> Iterable[web.RouteDef]:
        from .api import subscription_routes

        return subscription_routes(lambda: self._store())

    async def ping(self) -> None:
        await self.runtime.ping()

    def _store(self) -> SubscriptionStore:
        if self.store is None:
            raise RuntimeError("notifier: not started")
        return self.store

    # --- release.classified -------------------------------------------------------------
    async def on_release_classified(self, event: CloudEvent, entry: Entry | None) -> None:
        release: ReleaseClassified = event.data
        streams = self.runtime.streams
        now = self.clock()
        subs = [s for s in await self._store().effective() if s.paused_until is None or s.paused_until <= now]
        plans = []
        for sub in subs:
            sent_raw = await streams.client.hgetall(streams.key(f"notifier:sent:{sub.id}"))
            sent = {k.decode(): v.decode() for k, v in sent_raw.items()}
            elapsed = {m.decode() for m in await streams.client.smembers(streams.key(f"notifier:elapsed:{sub.id}"))}
            plan = plan_alerts(sub, release, sent=sent, elapsed_sent=elapsed, now=now)
            plans.append((sub, plan))
            self._schedule_reminders(sub, release, [c for c in plan.matched if c.id in plan.sent], now=now)
        queued = 0
        async with streams.client.pipeline(transaction=True) as pipe:
            for sub, plan in plans:
                for order, alert in enumerate(plan.alerts):  # due a millisecond apart: sent in order
                    queued += self._record_alert(pipe, sub, alert, now=now + timedelta(milliseconds=order))
                if plan.sent:
                    pipe.hset(streams.key(f"notifier:sent:{sub.id}"), mapping=plan.sent)
                if plan.elapsed:
                    pipe.sadd(streams.key(f"notifier:elapsed:{sub.id}"), *plan.elapsed)
            if entry is not None:
                pipe.xack(entry.stream, entry.group, entry.entry_id)
            await pipe.execute()
        alerts = sum(len(p.alerts) for _, p in plans)
        log.info("%s v%d: %d alert(s) for %d subscription(s)", release.release_id, release.version, alerts,
                 len(subs))
        if queued and self.worker is not None:
            self.worker.wake()

    def _record_alert(self, pipe, sub: Subscription, alert: Alert, *, now: datetime) -> int:  # type: ignore[no-untyped-def]
        """Publish ``alert`` and queue it (immediate) or buffer it (digest); returns jobs queued."""
        streams = self.runtime.streams
        pipe.xadd(streams.key(ALERTS), {EVENT_FIELD: alert_event(alert).to_json()},
                  maxlen=streams.maxlen, approximate=True)
        if sub.mode == "digest":
            pipe.rpush(streams.key(f"notifier:digest:{sub.id}"), alert.model_dump_json())
            return 0
        return self._queue(pipe, sub, alert, now=now)

    def _queue(self, pipe, sub: Subscription, message: Message, *, now: datetime) -> int:  # type: ignore[no-untyped-def]
        assert self.outbox is not None
        jobs = jobs_for(sub, message)
        for job in jobs:
            self.outbox.enqueue(pipe, job, due=now.timestamp())
        return len(jobs)

    # --- reminders ------------------------------------------------------------------------
    def _schedule_reminders(self, sub: Subscription, release: ReleaseClassified, commitments, *,  # type: ignore[no-untyped-def]
                            now: datetime) -> None:
        if self.reminders is None:
            return
        ref = release_ref(release)
        for c in commitments:
            for i, deadline in enumerate(c.deadlines):
                planned = {p.offset: p for p in plan_reminders(deadline, sub.reminders, now=now,
                                                               remind_at=self.remind_at)}
                for offset in sub.reminders:
                    rid = reminder_id(sub.id, c.id, i, offset)
                    if offset not in planned:
                        self.reminders.cancel(rid)  # the deadline moved past it, or has no date
                        continue
                    p = planned[offset]
                    info = ReminderInfo(deadline=deadline, offset=offset, due=p.due)
                    due = ReminderDue(reminder_id=rid, subscription_id=sub.id, release=ref, commitment=c,
                                      reminder=info, fired_at=p.fire_at)
                    self.reminders.schedule(rid, p.fire_at, due.model_dump_json())

    async def on_reminder_due(self, payload: str) -> None:
        """A reminder job fired: publish reminder.due and deliver it, once."""
        planned = ReminderDue.model_validate_json(payload)
        now = self.clock()
        sub = await self._store().get(planned.subscription_id)
        if sub is None or planned.reminder.offset not in sub.reminders:
            log.info("reminder %s dropped: subscription gone or offset removed", planned.reminder_id)
            return
        if sub.paused_until is not None and sub.paused_until > now:
            log.info("reminder %s dropped: %s paused until %s", planned.reminder_id, sub.id, sub.paused_until)
            return
        due = planned.model_copy(update={"fired_at": now})
        alert = Alert(alert_id=alert_id(sub.id, AlertKind.REMINDER, [planned.reminder_id, str(planned.reminder.due)]),
                      subscription_id=sub.id, kind=AlertKind.REMINDER, release=planned.release,
                      commitments=[planned.commitment], reminder=planned.reminder, created_at=now)
        event = ReminderDueEvent.wrap(due, id=planned.reminder_id + f"/{planned.reminder.due}", source=SOURCE,
                                      time=now, subject=planned.release.release_id)
        streams = self.runtime.streams
        fired_key = streams.key(f"notifier:reminded:{planned.reminder_id}:{planned.reminder.due}")
        async with streams.client.pipeline(transaction=True) as pipe:
            await pipe.watch(fired_key)
            if await pipe.exists(fired_key):
                log.info("reminder %s already fired", planned.reminder_id)
                return
            pipe.multi()
            pipe.set(fired_key, now.isoformat(), ex=400 * 86400)
            pipe.xadd(streams.key(REMINDERS), {EVENT_FIELD: event.to_json()}, maxlen=streams.maxlen,
                      approximate=True)
            queued = self._record_alert(pipe, sub, alert, now=now)
            await pipe.execute()
        log.info("reminder %s fired for %s (due %s, %s before)", planned.reminder_id, sub.id,
                 planned.reminder.due, planned.reminder.offset)
        if queued and self.worker is not None:
            self.worker.wake()

    # --- leadership: scheduler and digests --------------------------------------------------
    async def _elected(self) -> None:
        assert self.reminders is not None
        self.reminders.resume()

    async def _deposed(self) -> None:
        assert self.reminders is not None
        self.reminders.pause()

    async def _leader_tick(self) -> None:
        assert self.reminders is not None
        self.reminders.wakeup()
        await self.send_digests()

    async def send_digests(self) -> int:
        """Queue every digest due at ``clock()``; returns how many were queued."""
        streams = self.runtime.streams
        now, sent = self.clock(), 0
        for sub in await self._store().effective():
            if sub.mode != "digest":
                continue
            last_key = streams.key(f"notifier:digest-last:{sub.id}")
            raw_last = await streams.client.get(last_key)
            if raw_last is None:  # first look: the first digest goes out at the next digest time
                await streams.client.set(last_key, last_digest_time(sub.digest_at, now=now).isoformat(), nx=True)
                continue
            last = datetime.fromisoformat(raw_last.decode())
            moment = digest_due(sub.digest_at, last_sent=last, now=now)
            if moment is None:
                continue
            buffer_key = streams.key(f"notifier:digest:{sub.id}")
            raw = await streams.client.lrange(buffer_key, 0, -1)
            digest = assemble_digest(sub.id, [Alert.model_validate_json(r) for r in raw], since=last,
                                     until=moment, now=now)
            async with streams.client.pipeline(transaction=True) as pipe:
                if digest is not None and not (sub.paused_until and sub.paused_until > now):
                    self._queue(pipe, sub, digest, now=now)
                    sent += 1
                pipe.ltrim(buffer_key, len(raw), -1)
                pipe.set(last_key, moment.isoformat())
                await pipe.execute()
        if sent and self.worker is not None:
            self.worker.wake()
        return sent
