"""Firing due reminders: in bulk, once each, retried when a firing fails, taken back when one is cut short.

The leader fires what is due a chunk at a time (:data:`CHUNK`): one script claims the chunk
(:meth:`ReminderStore.claim`), and one more records every reminder of it as fired
(``notifier:reminded:<slot>``, set only if unset, which makes a second firing a no-op), publishes the
``reminder.due`` events and the alerts, queues the deliveries and finishes the claims, atomically; then the
delivery worker is woken. The slot (:func:`~.reminders.reminder_slot`) is the subscriber, the commitment's
re-announcement chain, the due date and the offset: reminders planned from two announcements of one commitment
for one day (two releases, each with its own plan) share it, so the subscriber is reminded once. Earlier
versions marked each reminder by its id (``notifier:reminded:<id>:<due>``); that mark stops it too. A subscription
made again under its id has marks of its own (:func:`~.reminders.fired_mark`).
A second's scheduler job runs a little before it (:data:`~.scheduler.LEAD_SECONDS`): its reminders are
read and everything they write is built then, as of the second, so that when it comes firing is only the
scripts that record them (:meth:`ReminderFiring.fire_second`).
A chunk whose script fails is retried with backoff, each reminder one attempt further, and a reminder
out of attempts is dead-lettered with the reason; a reminder that cannot be read fails alone. Two firings of
one reminder that overlap (a second's, which reads it, and a claim) and fail count one attempt and leave at
most one dead letter (:meth:`ReminderStore.fail`). A leader
that dies mid-fire leaves its claims: the next leader takes them back when elected, or any leader when
their lease ends.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from schemas.alerts import Alert, ReminderDue, ReminderDueEvent
from schemas.streams import ALERTS, DEAD_LETTERS, NOTIFIER_GROUP, REMINDERS
from services.common.errors import failure_text
from services.common.metrics import REMINDERS_FIRED
from services.common.streams import Streams

from .alert_effects import AlertEffects
from .config import NotifierConfig
from .messages import SOURCE
from .outbox import Outbox, jobs_for
from .planning import reminder_alert, reminder_skip
from .reminder_records import from_legacy, from_payload, is_legacy
from .reminder_chains import ReminderChain
from .reminder_store import FIRED_TTL_SECONDS, Claimed, Firing, ReminderStore
from .reminders import fired_mark, reminder_slot
from .store import UnreadableSubscription
from .scheduler import LEAD_SECONDS
from .subscriptions import Subscription

log = logging.getLogger(__name__)


@dataclass
class Prepared:
    """Reminders due (claimed, or read ahead of their second) with what firing them writes: those sent, those dropped (only finished), and those
    that failed (with why)."""

    sending: list[Firing] = field(default_factory=list)
    dropped: list[Claimed] = field(default_factory=list)
    failed: list[tuple[Claimed, str]] = field(default_factory=list)

CHUNK = 250  # reminders claimed, and recorded as fired, per transaction
PREPARE_LIMIT = 8 * CHUNK  # reminders a second's job builds ahead of it; any more are fired once it has come
LEASE_SECONDS = 60.0  # a claim not finished by then, on Redis's clock, is fired again (its leader died)


class ReminderFiring:
    def __init__(self, streams: Streams, store: ReminderStore, config: NotifierConfig, *,
                 clock: Callable[[], datetime], subscription: Callable[[str], Awaitable[Subscription | None]],
                 in_file: Callable[[str], bool],
                 alert_effects: Callable[[Subscription, Alert], AlertEffects], outbox: Outbox,
                 wake: Callable[[], None],
                 chains: Callable[[Iterable[tuple[str, str]]], Awaitable[dict[tuple[str, str], ReminderChain]]],
                 digest_day: Callable[[Subscription, datetime], tuple[str, datetime]] | None = None
                 ) -> None:
        self.streams, self.store, self.config, self.clock = streams, store, config, clock
        self.subscription, self.alert_effects, self.outbox, self.wake = subscription, alert_effects, outbox, wake
        self.in_file = in_file  # whether the subscriptions file defines an id (its subscription is the one used)
        self.chains = chains  # (subscription id, commitment id) reminded -> its re-announcement chain
        # a digest subscriber's digest record and the digest moment of a day: a reminder firing once that day's
        # digest is recorded as sent is sent alone (decided by the commit's script, see :meth:`_firing`)
        self.digest_day = digest_day

    async def fire_due(self) -> int:
        """Fire every reminder due by now, a chunk at a time; returns how many were sent."""
        sent = 0
        while True:
            now = self.clock().timestamp()
            claimed = await self.store.claim(until=now, lease_seconds=LEASE_SECONDS, limit=CHUNK)
            if not claimed:
                return sent
            sent += await self.fire(claimed)

    async def fire_second(self, second: float) -> int:
        """The job of ``second`` (unix seconds), run up to :data:`~.scheduler.LEAD_SECONDS` before it: the
        reminders due by then (up to :data:`PREPARE_LIMIT`) are read and everything they write is built now,
        as of ``second``; when it comes, each chunk's commit is one script. Then whatever else is due is fired
        as usual. Returns how many were sent.

        They are read, not claimed: until the second nothing is written, so a leader that dies meanwhile
        leaves them planned and due as before (a claim taken back at an election would be due at once, ahead
        of its second). A reminder planned again or cancelled meanwhile, or fired by another firing of the
        second, is not fired by the commit (see :meth:`ReminderStore.fire`)."""
        start = self.clock()
        at = max(start, datetime.fromtimestamp(second, start.tzinfo))
        due = await self.store.due_by(until=second, limit=PREPARE_LIMIT)
        prepared = [await self._prepare(due[i:i + CHUNK], now=at) for i in range(0, len(due), CHUNK)]
        wait = min(LEAD_SECONDS, second - self.clock().timestamp())
        if wait > 0:
            await asyncio.sleep(wait)
        sent = 0
        for p in prepared:
            sent += await self._complete(p, now=at)
        return sent + await self.fire_due()

    async def fire(self, claimed: list[Claimed]) -> int:
        """Fire claimed reminders together; returns how many were sent. A reminder that cannot be read, or a
        write that fails, is retried later (see :meth:`_failed`)."""
        now = self.clock()
        return await self._complete(await self._prepare(claimed, now=now), now=now)

    async def _prepare(self, claimed: list[Claimed], *, now: datetime) -> Prepared:
        """What firing ``claimed`` at ``now`` writes, reminder by reminder: sent, dropped, or failed (alone)."""
        subs: dict[str, Subscription | None] = {}
        unreadable: dict[str, UnreadableSubscription] = {}
        for sub_id in {c.record.subscription_id for c in claimed}:
            try:
                subs[sub_id] = await self.subscription(sub_id)
            except UnreadableSubscription as exc:  # its reminders fail alone, and are retried
                unreadable[sub_id] = exc
        from_file = {sub_id for sub_id in subs if self.in_file(sub_id)}
        generations = await self.store.generations(c.record.subscription_id for c in claimed
                                                   if c.record.generation is not None)
        chains = await self.chains((c.record.subscription_id, c.subject.commitment.id)
                                   for c in claimed if c.subject is not None)
        prepared = Prepared()
        for c in claimed:
            try:
                if (refused := unreadable.get(c.record.subscription_id)) is not None:
                    raise refused
                if c.subject is None:
                    raise LookupError(f"its subject {c.record.subject} is missing")
                due = c.record.due(c.reminder_id, c.subject, fired_at=now)
                sub = subs[c.record.subscription_id]
                skip = self._skip(sub, due, c, now=now, generation=generations.get(c.record.subscription_id))
                if sub is None or skip is not None:
                    log.info("reminder %s dropped: %s", c.reminder_id, skip)
                    prepared.dropped.append(c)
                else:
                    chain = chains[(c.record.subscription_id, due.commitment.id)]
                    prepared.sending.append(self._firing(c, sub, due, chain=chain, now=now,
                                                         from_file=sub.id in from_file))
            except Exception as exc:  # this reminder alone fails
                prepared.failed.append((c, failure_text(exc)))
        return prepared

    async def _complete(self, prepared: Prepared, *, now: datetime) -> int:
        """Commit what ``prepared`` writes; a failed reminder, or a commit that fails, is retried later."""
        sending, dropped, failed = prepared.sending, prepared.dropped, list(prepared.failed)
        sent = 0
        if sending or dropped:
            try:
                sent = await self._commit(sending, dropped, now=now)
            except Exception as exc:
                failed += [(c, failure_text(exc)) for c in [f.claimed for f in sending] + dropped]
        if failed:
            await self._failed(failed, now=now)
        if sent:
            self.wake()
        return sent

    def _skip(self, sub: Subscription | None, due: ReminderDue, claimed: Claimed, *, now: datetime,
              generation: int | None) -> str | None:
        """Why ``claimed`` is not sent now, or None; ``generation``: its stored subscription's now (read for a
        reminder planned for a generation)."""
        grace = self.config.reminder_misfire_grace_seconds
        if grace is not None and now.timestamp() - claimed.due_at > grace:
            return f"missed by more than {grace:g}s (due {datetime.fromtimestamp(claimed.due_at, now.tzinfo)})"
        planned_for = claimed.record.generation
        if sub is not None and planned_for is not None and generation != planned_for:
            # left by a handler that stopped before recording it, the subscription deleted and made again meanwhile
            return f"planned for a subscription {sub.id!r} deleted since (one of its id made again)"
        return reminder_skip(sub, due, now=now)

    def _firing(self, c: Claimed, sub: Subscription, due: ReminderDue, *, chain: ReminderChain,
                now: datetime, from_file: bool = False) -> Firing:
        """What firing ``c`` (of a commitment of ``chain``) writes: its slot's fired mark, its ``reminder.due``
        event and its alert's effects (the alert marked re-announced, unless the subscription opts out). A
        digest subscriber's reminder is buffered unless, when it commits, the digest of its day is recorded as
        sent: buffered then, it would come in the next day's digest, after its day, so it is sent on its own.
        Decided in the commit's script, not here: the digest may be sent between this and the commit.
        ``from_file``: ``sub`` is the subscriptions file's, which has no generation: its mark is the slot's alone,
        also for a reminder planned for the stored one of its id, so that the file's subscription, reminded of a
        slot through that reminder and through one planned for itself, is reminded once."""
        alert, event_data = reminder_alert(due, now=now, reannounced=chain.reannounced if sub.reannouncements else None,
                                           zone=sub.timezone)
        event = ReminderDueEvent.wrap(event_data, id=f"{due.reminder_id}/{due.reminder.due}", source=SOURCE,
                                      time=now, subject=due.release.release_id)
        slot = reminder_slot(due.subscription_id, chain.name, due.reminder.due, due.reminder.offset)
        effects, digest_day = self.alert_effects(sub, alert), None
        if effects.digest is not None and self.digest_day is not None:
            alone = jobs_for(sub, alert, event_json=effects.event_json)  # as an immediate subscriber's
            effects, digest_day = replace(effects, jobs=alone), self.digest_day(sub, now)
        generation = None if from_file else c.record.generation
        return Firing.of(c, fired_key=self.streams.key(fired_mark(slot, generation)),
                         earlier_key=self.streams.key(f"notifier:reminded:{due.reminder_id}:{due.reminder.due}"),
                         event=event.to_json(), effects=effects, digest_day=digest_day)

    async def _commit(self, sending: list[Firing], dropped: list[Claimed], *, now: datetime) -> int:
        """One script: each reminder of ``sending`` still planned as claimed and not fired before is recorded as
        fired, its event published and its alert recorded; all of them and ``dropped`` are finished. Returns
        how many were sent."""
        streams = self.streams
        fired = await self.store.fire(sending, dropped, outbox=self.outbox, at=now, ttl_seconds=FIRED_TTL_SECONDS,
                                      streams=(streams.key(REMINDERS), streams.key(ALERTS)))
        for f, now_fired in zip(sending, fired):
            if not now_fired:
                log.info("reminder %s already fired (or its day, through another announcement of its commitment), "
                         "or planned again or cancelled since", f.claimed.reminder_id)
        sent = sum(fired)
        REMINDERS_FIRED.inc(sent)
        if sent:
            log.info("%d reminder(s) fired", sent)
        return sent

    def _retry_delay(self, attempt: int) -> float:
        return self.config.reminder_retry.delay(attempt)

    async def _failed(self, failed: list[tuple[Claimed, str]], *, now: datetime) -> None:
        """Fire each failed reminder again later, one attempt further; one out of attempts is dead-lettered. One
        that another firing of it retried, dead-lettered or fired meanwhile (a second's firing reads what it
        fires, and a claim may take it too) is left as that firing left it: an attempt counts once."""
        streams, attempts = self.streams, self.config.reminder_attempts
        outcomes: list[tuple[Claimed, datetime | None, bytes]] = []
        notes = []
        for c, error in failed:
            attempt = c.record.attempt
            if attempt < attempts:
                delay = self._retry_delay(attempt)
                outcomes.append((c, now + timedelta(seconds=delay), b""))
                notes.append(("reminder %s failed (%s); attempt %d in %.0fs", c.reminder_id, error, attempt + 1, delay))
                continue
            reason = (f"reminder {c.reminder_id} for {c.record.subscription_id}: {error} "
                      f"(attempt {attempt} of {attempts})")
            letter = streams.dead_letter_event(
                stream=streams.key(REMINDERS), payload={"reminder": self._payload(c, now=now)}, reason=reason,
                entry_id=f"{c.reminder_id}/{c.record.deadline_index}/{c.record.offset}", group=NOTIFIER_GROUP,
                deliveries=attempt)
            outcomes.append((c, None, letter.to_json()))
            notes.append(("dead letter: %s", reason))
        done = await self.store.fail(outcomes, dead_letters=streams.key(DEAD_LETTERS), ttl_seconds=FIRED_TTL_SECONDS)
        for (c, at, _), note, current in zip(outcomes, notes, done):
            if not current:
                log.info("reminder %s failed (attempt %d), but another firing of it retried, dead-lettered or fired it "
                         "meanwhile", c.reminder_id, c.record.attempt)
            elif at is None:
                log.error(*note)
            else:
                log.warning(*note)
        if any(at is not None for (_, at, _), current in zip(outcomes, done) if current):
            self.store.scheduler.wakeup()

    @staticmethod
    def _payload(c: Claimed, *, now: datetime) -> str:
        """What a dead letter keeps of a reminder: its ``reminder.due``, or its record if that cannot be read."""
        try:
            assert c.subject is not None
            return c.record.due(c.reminder_id, c.subject, fired_at=now).model_dump_json()
        except Exception:
            return c.raw.decode()

    async def fire_legacy(self, reminder: str, attempt: int) -> None:
        """A job of an earlier version fires for ``reminder`` (its id, or its payload): the reminder is planned
        again in this version's shape, due now, and fired with whatever else is due."""
        if reminder.startswith("{"):
            legacy = from_payload(reminder, attempt)
        else:
            raw = await self.streams.client.hget(self.store.planned_key, reminder)
            if raw is None:
                log.info("reminder %s is no longer planned (fired or cancelled)", reminder)
                return
            if not is_legacy(raw):
                log.info("reminder %s was planned again since; its earlier job is stale", reminder)
                return
            legacy = from_legacy(raw)
        record = replace(legacy.record, attempt=attempt)
        await self.store.plan([(legacy.reminder_id, record, self.clock(), legacy.subject.to_json())])
        await self.fire_due()
