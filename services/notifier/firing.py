"""Firing reminder jobs: once, retried when a firing fails, recovered when one is cut short.

APScheduler deletes a date job when it submits it, so a failure would lose the
reminder. Each firing is recorded first in ``notifier:reminders:firing`` (hash:
reminder id -> payload and attempt) and removed in the transaction that records
it as fired (``notifier:reminded:<id>:<due>``, which also makes a second firing a
no-op). A firing that raises is re-scheduled under the same job id with backoff,
and after ``reminder_attempts`` dead-lettered with the reason; one whose process
died is found in the hash on the next election and fired again. Before any of that, scheduling records
the reminder in ``notifier:reminders:planned`` until it has fired (or is dropped or dead-lettered): a
process killed after APScheduler deleted the job but before the firing record was written leaves it
there, and the next leader fires it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from schemas.alerts import ReminderDue, ReminderDueEvent
from schemas.streams import DEAD_LETTERS, NOTIFIER_GROUP, REMINDERS
from services.common.streams import Streams

from .config import NotifierConfig
from .messages import SOURCE
from .planning import reminder_alert, reminder_skip
from .scheduler import ReminderScheduler
from .subscriptions import Subscription

log = logging.getLogger(__name__)

FIRING = "notifier:reminders:firing"  # hash: reminder id -> {payload, attempt} while it fires


# KEYS: the planned hash. ARGV: the reminder id, the payload that fired. Removes the record only if it is
# still that payload.
_FORGET_PLANNED = """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if raw and cjson.decode(raw)['payload'] == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0
"""


class ReminderFiring:
    def __init__(self, streams: Streams, scheduler: ReminderScheduler, config: NotifierConfig, *,
                 clock: Callable[[], datetime], subscription: Callable[[str], Awaitable[Subscription | None]],
                 record_alert: Callable[..., int], wake: Callable[[], None]) -> None:
        self.streams, self.scheduler, self.config, self.clock = streams, scheduler, config, clock
        self.subscription, self.record_alert, self.wake = subscription, record_alert, wake

    async def planned(self, reminder_id: str) -> tuple[str, datetime] | None:
        """(payload, fire time) of a reminder still planned, or None (fired and recorded, or cancelled)."""
        raw = await self.streams.client.hget(self.scheduler.planned_key, reminder_id)
        if not raw:
            return None
        record = json.loads(raw)
        return record["payload"], datetime.fromisoformat(record["fire_at"])

    async def fire(self, payload: str, attempt: int) -> None:
        """A reminder job's ``attempt``-th firing. Recorded as firing first (recovered on the next
        election if the process dies before it is done); on failure re-scheduled with backoff, and
        after ``reminder_attempts`` dead-lettered."""
        due = ReminderDue.model_validate_json(payload)
        streams = self.streams
        try:
            await streams.client.hset(streams.key(FIRING), due.reminder_id,
                                      json.dumps({"payload": payload, "attempt": attempt}))
            await self.on_reminder_due(payload)
        except Exception as exc:
            await self._reminder_failed(due, payload, attempt, f"{type(exc).__name__}: {exc}")

    async def _reminder_failed(self, due: ReminderDue, payload: str, attempt: int, error: str) -> None:
        streams, c = self.streams, self.config
        if attempt < c.reminder_attempts:
            delay = c.reminder_retry.delay(attempt)
            await asyncio.to_thread(self.scheduler.schedule, due.reminder_id,
                                    self.clock() + timedelta(seconds=delay), payload, attempt + 1)
            log.warning("reminder %s failed (%s); attempt %d in %.0fs", due.reminder_id, error, attempt + 1, delay)
            await streams.client.hdel(streams.key(FIRING), due.reminder_id)
            return
        reason = f"reminder {due.reminder_id} for {due.subscription_id}: {error} (attempt {attempt} of {c.reminder_attempts})"
        letter = streams.dead_letter_event(stream=streams.key(REMINDERS), payload={"reminder": payload},
                                           reason=reason, entry_id=f"{due.reminder_id}/{due.reminder.due}",
                                           group=NOTIFIER_GROUP, deliveries=attempt)
        async with streams.client.pipeline(transaction=True) as pipe:
            streams.add(pipe, streams.key(DEAD_LETTERS), letter)
            self._forget(pipe, due.reminder_id, payload)
            await pipe.execute()
        log.error("dead letter: %s", reason)

    async def on_reminder_due(self, payload: str) -> None:
        """A reminder fired: publish reminder.due and deliver it, once."""
        planned = ReminderDue.model_validate_json(payload)
        now, streams = self.clock(), self.streams
        sub = await self.subscription(planned.subscription_id)
        skip = reminder_skip(sub, planned, now=now)
        if sub is None or skip is not None:
            log.info("reminder %s dropped: %s", planned.reminder_id, skip)
            async with streams.client.pipeline(transaction=True) as pipe:
                self._forget(pipe, planned.reminder_id, payload)
                await pipe.execute()
            return
        alert, due = reminder_alert(planned, now=now)
        event = ReminderDueEvent.wrap(due, id=f"{planned.reminder_id}/{planned.reminder.due}", source=SOURCE,
                                      time=now, subject=planned.release.release_id)
        fired_key = streams.key(f"notifier:reminded:{planned.reminder_id}:{planned.reminder.due}")
        async with streams.client.pipeline(transaction=True) as pipe:
            await pipe.watch(fired_key)
            if await pipe.exists(fired_key):
                log.info("reminder %s already fired", planned.reminder_id)
                pipe.multi()
                self._forget(pipe, planned.reminder_id, payload)
                await pipe.execute()
                return
            pipe.multi()
            pipe.set(fired_key, now.isoformat(), ex=400 * 86400)
            self._forget(pipe, planned.reminder_id, payload)
            streams.add(pipe, streams.key(REMINDERS), event)
            queued = self.record_alert(pipe, sub, alert, now=now)
            await pipe.execute()
        log.info("reminder %s fired for %s (due %s, %s before)", planned.reminder_id, sub.id,
                 planned.reminder.due, planned.reminder.offset)
        if queued:
            self.wake()

    def _forget(self, pipe, reminder_id: str, payload: str) -> None:  # type: ignore[no-untyped-def]
        """Queue on ``pipe`` the end of a reminder's records: no longer firing, and no longer planned unless
        it was planned again meanwhile (a new version moved its date: same id, another payload, a new job)."""
        pipe.hdel(self.streams.key(FIRING), reminder_id)
        pipe.eval(_FORGET_PLANNED, 1, self.scheduler.planned_key, reminder_id, payload)

    async def recover(self) -> int:
        """Re-schedule, now, each reminder recorded as firing whose job is gone (its process died
        mid-fire): firing is idempotent, so one that did finish is not sent twice. Returns how many."""
        streams, recovered = self.streams, 0
        records = await streams.client.hgetall(streams.key(FIRING))
        firing = {rid.decode(): json.loads(raw) for rid, raw in records.items()}
        for reminder_id, data in firing.items():
            if await asyncio.to_thread(self.scheduler.has_job, reminder_id):
                continue
            await asyncio.to_thread(self.scheduler.schedule, reminder_id, self.clock(), data["payload"],
                                    int(data["attempt"]) + 1)
            log.warning("reminder %s was cut short while firing; firing it again", reminder_id)
            recovered += 1
        for reminder_id, data in (await asyncio.to_thread(self.scheduler.planned)).items():
            if reminder_id in firing or await asyncio.to_thread(self.scheduler.has_job, reminder_id):
                continue
            fire_at, now = datetime.fromisoformat(data["fire_at"]), self.clock()
            attempt = int(data["attempt"]) + (fire_at <= now)  # it may have been submitted once already
            await asyncio.to_thread(self.scheduler.schedule, reminder_id, max(fire_at, now), data["payload"], attempt)
            log.warning("reminder %s lost its job before its firing was recorded; firing it again", reminder_id)
            recovered += 1
        return recovered
