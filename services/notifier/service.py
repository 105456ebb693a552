"""Notifier service: release.classified in; alerts, deliveries and reminders out.

The handler reads the subscribers' records, decides (pure core) and writes, in one
Redis script that first compares what it read (:mod:`.alert_commit`): the alerts (to the alerts stream),
the delivery jobs (the outbox), and what each subscriber has now been told (its idempotency record).
Then it schedules the release's reminders (:mod:`.agenda`) and acknowledges the
entry (when there is no reminder to schedule, cancel or record, the alerts' script
acknowledges it). Sending is the delivery worker's job; firing reminders (:mod:`.firing`) and
digests is the leader's.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo
from typing import Any, NamedTuple, TypeVar

from faststream.redis import RedisBroker
from redis.asyncio.client import Pipeline
from redis.exceptions import RedisError, WatchError

from schemas import CloudEvent, ReleaseClassifiedEvent
from schemas.alerts import Alert
from schemas.classified import Commitment, ReleaseClassified
from schemas.streams import ALERTS, CLASSIFIED, EVENT_FIELD, NOTIFIER_GROUP
from services.common.api import Routes
from services.common.consumer import StreamConsumer
from services.common.cpu_work import CpuWork
from services.common.errors import failure_text
from services.common.http import RETRY_AFTER_SECONDS
from services.common.metrics import ALERTS_QUEUED, ScrapeCollector
from services.common.pipelined_scripts import run_pipeline
from services.common.representation_times import Served, first_served
from services.common.service import Runtime
from services.common.settings import Settings
from services.common.streams import Entry, Streams
from services.common.tasks import cancel_and_wait, log_if_stopped
from services.common.tidying import tidied
from services.common.worker_liveness import beat_limit

from .agenda import Records, ReminderAgenda
from .alert_commit import AlertCommitter, Commit
from .alert_effects import AlertEffects, alert_effects
from .announcement_index import COMMON, AnnouncementIndex
from .announcements import MAX_CHAIN
from .channels import Channel, build_channel
from .channels.email import EmailSupport
from .channels.socks_proxies import socks_proxy_problem
from .config import NotifierConfig
from .delivery import DeliveryWorker
from .delivery_bell import BELL, ring
from .delivery_names import alerts_named
from .delivery_parts import delivery_worker, subscription_store
from .digest import BufferReader, assemble_digest, digest_due, digest_moment_of_day, last_digest_time
from .digest_reminders import LaterToday, before, bring_forward, end_of_day, planned_later_today, reminders_left
from .feed import feed_events, feed_key, feed_served_key, feed_since, feed_since_key
from .firing import ReminderFiring
from .last_version import last_version_record, previous_version, stored_version
from .delivery_beats import forget_gone
from .delivery_presence import KEY as DELIVERY_BEATS
from .delivery_watch import DeliveryWatch
from .leader import LeaderLock
from .matching import matching_commitments
from .messages import SOURCE, Message
from .outbox import Outbox, jobs_for
from .outbox_metrics import OutboxCollector
from .planning import Plan, Shared, elapsed_keys, lookup_ids, matched_keys, plan_alerts, plan_paused
from .probe import ChannelOutcome, outcome_text, send_test
from .quarantine import Quarantined, isolate
from .record_reads import Lookup, RecordReader, Row, parse_records
from .reminder_chains import ReminderChains
from .reminder_index import index_planned
from .reminder_migration import migrate_legacy_reminders
from .reminders import PlannedReminders, ReminderJob
from .reminder_retime import retime_reminders, rezone_reminders
from .retention import Retention, release_tokens, remembered_keys
from .zones import in_zone
from .reminder_slots import mark_slots_fired_earlier
from .reminder_writings import mark_second_writings_fired
from .reminder_store import FIRED_TTL_SECONDS, ReminderStore
from .scheduler import ReminderScheduler
from .send_loop import SendLoop
from .file_ids import note_edit, tell_not_loaded, tell_overridden
from .store import FileSubscriptions, SubscriptionStore
from .subscriptions import Subscription, refused_targets
from .unreadable import tell_unreadable
from .unsubscribe import dashboard_base, unsubscribe_links
from .unsubscribe_spool import UnsubscribeSpool
from .unsubscribed import Unsubscribed
from .version_changes import VersionBasis, version_basis
from .weekly import WeeklyDeadlines

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
T = TypeVar("T")
SPOOL_REPLAY_SECONDS = RETRY_AFTER_SECONDS  # how often unsubscribes kept while Redis was unavailable are retried
DIGEST_WATCH_TRIES = 3  # reads of a digest's buffer overtaken by a new entry before the last read is taken as it is


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


ReadRecord = tuple[dict[str, str], set[str], tuple[dict[str, bytes | None], dict[str, bool]]]
RunResult = tuple[list[tuple[Subscription, Plan]], int, list[Quarantined]]  # plans, jobs queued, quarantined
# per release, the subscriptions matched, with (commitments, keys), and those quarantined; each one's record keys
Matching = tuple[list[list[tuple[Subscription, tuple[list[Commitment], tuple[list[str], list[str]]]]]],
                 list[list[Quarantined]], dict[str, tuple[str, str]]]


class Recorded(NamedTuple):
    """What :meth:`NotifierService._record_alerts` recorded, and what is left to do for the reminders."""

    effective: list[Subscription]
    generations: dict[str, int]  # of the stored ones among them, read with them (see SubscriptionStore.stored_of)
    results: list[RunResult]
    planned_read: Records  # the planned-reminder records read with the subscribers' records
    batch: list[tuple[ReleaseClassified, list[tuple[Subscription, Plan]]]]  # for the agenda: (release, plans)
    reminders: tuple[list[tuple[list[tuple[str, PlannedReminders]], list[Quarantined]]], list[ReminderJob]] | None
    acked: bool  # the entries were acknowledged with the alerts: nothing was left to do for them


def _active(effective: list[Subscription], now: datetime) -> list[Subscription]:
    """The subscriptions not paused at ``now``."""
    return [s for s in effective if s.paused_until is None or s.paused_until <= now]


def _paused_plans(paused: list[Subscription], release: ReleaseClassified, basis: VersionBasis,
                  shared: Shared | None = None) -> list[tuple[Subscription, Plan]]:
    """What a later version of ``release`` plans for the ``paused`` subscriptions, told nothing of it: their
    reminders follow it (:func:`.planning.plan_paused`). A first version plans nothing for them. One whose
    filter fails keeps its reminders as they were (the failure is reported when it is told of a release).
    ``shared``: what planning the release for its active subscribers worked out, used again here."""
    if release.version <= 1 and not release.withdrawn:
        return []
    shared = shared if shared is not None else Shared()
    planned, _ = isolate(paused, "planning reminders", lambda s: plan_paused(s, release, basis, shared=shared))
    return planned


def _match(releases: list[ReleaseClassified], subs: list[Subscription], key: Callable[[str], str]) -> Matching:
    """What each of ``subs`` is told of in each release (those whose matching fails set apart), and the keys of
    each matched subscriber's records (``notifier:sent:<id>``, ``notifier:elapsed:<id>``)."""
    matched_of, unmatched_of = [], []
    for release in releases:
        matched, unmatched = isolate(subs, "matching", lambda s, r=release: matching_commitments(s.filter, r))
        matched_of.append([(s, (commitments, matched_keys(commitments))) for s, commitments in matched])
        unmatched_of.append(unmatched)
    keys_of = {s.id: (key(f"notifier:sent:{s.id}"), key(f"notifier:elapsed:{s.id}"))
               for matched in matched_of for s, _ in matched}
    return matched_of, unmatched_of, keys_of


def distinct_releases(items: list[tuple[CloudEvent, Entry | None]]) -> list[list[tuple[CloudEvent, Entry | None]]]:
    """``items`` in order, cut into runs in which no release appears twice."""
    runs: list[list[tuple[CloudEvent, Entry | None]]] = [[]]
    seen: set[str] = set()
    for item in items:
        release_id = item[0].data.release_id
        if release_id in seen:
            runs.append([])
            seen.clear()
        runs[-1].append(item)
        seen.add(release_id)
    return [run for run in runs if run]


class NotifierService:
    name = "notifier"

    def __init__(self, settings: Settings, *, config: NotifierConfig | None = None,
                 clock: Clock = _utc_now, run_scheduler: bool = True, replica: bool = False) -> None:
        """``replica``: a worker of ``pledgewatch run --workers`` beside the run's own process, which tells at the
        run's start what the run has not loaded (a subscriptions file's subscriptions): not told once per worker,
        nor again at each worker's restart."""
        self.settings = settings
        self.replica = replica
        self.config = config if config is not None else settings.notifier
        self.clock = clock
        self.cpu = CpuWork()  # reads of many records (reminders listed, the alerts feed) made in worker threads
        self.run_scheduler = run_scheduler
        self.runtime = Runtime(settings, source=SOURCE)
        self.file = FileSubscriptions(settings.subscriptions)
        self.consumer = StreamConsumer(
            streams=lambda: self.runtime.streams, stream=settings.key(CLASSIFIED), group=NOTIFIER_GROUP,
            consumer=settings.consumer, expect=(ReleaseClassifiedEvent,), handler=self.on_release_classified,
            claim_idle_ms=settings.claim_idle_ms, max_deliveries=settings.max_deliveries,
            read_count=settings.read_count, read_linger_ms=settings.read_linger_ms, read_ahead=settings.read_ahead,
            batch_handler=self.on_classified_batch)
        self.store: SubscriptionStore | None = None
        self._overridden: frozenset[str] = frozenset()  # the stored subscriptions the file overrides, warned of
        self.unsubscribed: Unsubscribed | None = None
        self.unsubscribe_links = unsubscribe_links(self.config, self.settings)
        self.unsubscribe_spool = UnsubscribeSpool(settings.unsubscribe_spool_folder)
        self.outbox: Outbox | None = None
        self.worker: DeliveryWorker | None = None
        self.send_loop: SendLoop | None = None  # the worker's own loop and thread (PLEDGEWATCH_DELIVERY_THREAD)
        self.bell: str | None = None  # with PLEDGEWATCH_DELIVERY_PROCESS: the delivery processes' (no worker here)
        self._rings: set[asyncio.Task[None]] = set()
        self.scheduler: ReminderScheduler | None = None
        self.reminders: ReminderStore | None = None
        self.leader: LeaderLock | None = None
        self.delivery_watch: DeliveryWatch | None = None  # with PLEDGEWATCH_DELIVERY_PROCESS: a delivery process runs?
        self.firing: ReminderFiring | None = None
        self.agenda: ReminderAgenda | None = None
        self.retention: Retention | None = None
        self.weekly: WeeklyDeadlines | None = None
        self.committer: AlertCommitter | None = None
        self.record_reader: RecordReader | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.remind_at = self.config.remind_at

    # --- Service protocol -------------------------------------------------------------
    def attach(self, broker: RedisBroker) -> None:
        self.consumer.attach(broker, title="notifier:release.classified")

    async def start(self) -> None:
        streams = await self.runtime.open()
        await streams.ensure_group(self.settings.key(CLASSIFIED), NOTIFIER_GROUP, self.settings.consumer)
        self.store = subscription_store(streams, self.file, self.clock)
        if not self.replica:
            await tell_not_loaded(self.store)
            self._overridden = await tell_overridden(self.store)
            await tell_unreadable(self.store)
        if await self.store.store_console_once():
            a_week_on = (datetime.now(timezone.utc) + timedelta(days=7)).strftime("%Y-%m-%dT00:00:00Z")
            log.info("no subscriptions yet: stored subscription 'console' (every commitment to stdout); "
                     "manage it like any other (`pledgewatch subscriptions pause console --until %s`, "
                     "`pledgewatch subscriptions delete console`)", a_week_on)
        elif not await self.store.effective() and not await self.store.not_loaded_from_file():
            # with a file's not loaded, the warning above says what to do: give the file, not add one
            log.warning("no subscriptions: nothing will be delivered; add one with `pledgewatch subscriptions add`")
        for sub in self.file.current():  # the API refuses these; a file's are told of once, here
            for error in refused_targets(sub, self.settings.target_policy.url_refusal):
                log.warning("subscription %s: %s: %s", sub.id, error["field"], error["message"])
        if unusable_proxy := socks_proxy_problem(os.environ):
            log.warning("%s", unusable_proxy)
        if spool_problem := await asyncio.to_thread(self.unsubscribe_spool.write_problem):
            log.warning("PLEDGEWATCH_UNSUBSCRIBE_SPOOL_DIR: %s: cannot be written (%s): an unsubscribe taken while "
                        "Redis is down would be answered 503 and not kept; make it writable by this user, or set "
                        "PLEDGEWATCH_UNSUBSCRIBE_SPOOL_DIR to a folder every notifier and the dashboard can write",
                        self.unsubscribe_spool.path.parent, spool_problem)
        self.outbox = Outbox(streams.client, streams.key)
        self.weekly = WeeklyDeadlines(streams, self.outbox)
        self.unsubscribed = Unsubscribed(streams.client, streams.key, self.store.generations)
        if not self.config.delivery_process:  # it sends: a killed one's old heartbeat would have `status` warn
            await forget_gone(streams.client, streams.key(DELIVERY_BEATS),
                              limit=beat_limit(self.settings.heartbeat_seconds))
        if self.config.delivery_process:  # sent by delivery processes of their own, woken by the bell
            self.bell = streams.key(BELL)
            self.delivery_watch = DeliveryWatch(streams, heartbeat_seconds=self.settings.heartbeat_seconds)
        elif self.config.delivery_thread:
            self.send_loop = SendLoop(self.settings, self._delivery_worker)
            self.worker = await self.send_loop.start()
        else:
            self.worker = self._delivery_worker(streams, self.outbox, self.unsubscribed)
        self.scheduler = ReminderScheduler(self.settings.require_redis_url(), self.settings.prefix)
        self.scheduler.start(self)
        self.reminders = ReminderStore(streams.client, streams.key, self.scheduler,
                                       generations=self._store().generations)
        self.agenda = ReminderAgenda(streams, self.reminders, remind_at=self.remind_at)
        self.retention = Retention(streams.client, streams.key)
        self.firing = ReminderFiring(streams, self.reminders, self.config, clock=self.clock,
                                     subscription=self._store().get, in_file=self._store().in_file,
                                     alert_effects=self._alert_effects,
                                     outbox=self.outbox, wake=self._wake_worker,
                                     chains=ReminderChains(streams.client, streams.key).read,
                                     digest_day=self._digest_day)
        self.leader = LeaderLock(streams.client, streams.key("notifier:leader"),
                                 ttl=self.config.leader_ttl_seconds, name=self.settings.consumer)

    def _delivery_worker(self, streams: Streams, outbox: Outbox | None = None,
                         unsubscribed: Unsubscribed | None = None) -> DeliveryWorker:
        """The delivery worker on ``streams`` (the outbox and the unsubscribed records made on them when not
        given: its own Redis connection, on a loop of its own)."""
        assert self.store is not None
        return delivery_worker(self.settings, self.config, streams, self.store, self.file, self.unsubscribe_spool,
                               outbox=outbox, unsubscribed=unsubscribed)

    async def started(self) -> None:
        assert self.leader is not None
        if self.worker is not None:
            sending = self.send_loop.run() if self.send_loop is not None else self.worker.run()
            self._tasks.append(asyncio.create_task(sending, name="notifier-delivery"))
        if self.file.path is not None:
            self._tasks.append(asyncio.create_task(self._watch_file(), name="notifier-subscriptions-file"))
        self._tasks.append(asyncio.create_task(self._replay_unsubscribes(), name="notifier-unsubscribes-kept"))
        if self.run_scheduler:
            self._tasks.append(asyncio.create_task(
                self.leader.run(on_elected=self._elected, on_deposed=self._deposed, on_tick=self._leader_tick),
                name="notifier-leader"))
        for task in self._tasks:
            task.add_done_callback(log_if_stopped)

    async def stop(self) -> None:
        if self.send_loop is not None:
            await self.send_loop.stop()
        elif self.worker is not None:
            await self.worker.stop()
        await cancel_and_wait([*self._tasks, *self._rings], what="the notifier's tasks")
        self._tasks.clear()
        if self.scheduler is not None:
            self.scheduler.shutdown()
        if self.leader is not None:  # not released (Redis gone or frozen): the lease simply runs out
            await tidied(self.leader.release(), "could not release the reminder scheduler's lock", logger=log)
        await self.runtime.close()

    def routes(self) -> Routes:
        from .api import subscription_routes
        from .feed_api import feed_routes
        from .unsubscribe_api import unsubscribe_routes

        routes = subscription_routes(lambda: self._store(), clock=self.clock, send_test=self.send_test,
                                     url_refusal=self.settings.target_policy.url_refusal,
                                     reminders=self.planned_reminders)
        routes.include(feed_routes(lambda sub_id: self._store().get(sub_id), self._feed,
                                   public_url=self.config.public_url, since=self._feed_since,
                                   served=self._feed_served, cpu=self.cpu,
                                   dashboard_url=self.config.dashboard_url))
        routes.include(unsubscribe_routes(self.unsubscribe_links, lambda: self._started(self.unsubscribed),
                                          lambda sub_id: self._store().get(sub_id), self.unsubscribe_spool))
        return routes

    async def _feed(self, sub_id: str) -> list[CloudEvent]:
        streams = self.runtime.streams
        return await feed_events(streams.client, feed_key(streams.key, sub_id))

    async def _feed_since(self, sub_id: str) -> datetime:
        streams = self.runtime.streams
        return await feed_since(streams.client, feed_since_key(streams.key, sub_id), now=self.clock())

    async def planned_reminders(self, sub: Subscription, limit: int, cursor: str | None = None) -> dict[str, Any]:
        """The reminders planned for ``sub`` and not fired, soonest first, the first ``limit`` after ``cursor`` (a
        page's ``next_cursor``) in full."""
        from .reminder_listing import planned_reminders

        return await planned_reminders(self.runtime.streams.client, self._started(self.reminders), sub, self.cpu,
                                       limit=limit, cursor=cursor)

    async def _feed_served(self, sub_id: str, tag: str) -> Served | None:
        streams = self.runtime.streams
        return await first_served(streams.client, feed_served_key(streams.key, sub_id), tag)

    async def send_test(self, sub: Subscription) -> list[ChannelOutcome]:
        """A test notification through each channel of ``sub``, now, with this notifier's settings."""
        unsubscribed = self._started(self.unsubscribed)
        # no record of who was mailed: a test
        support = EmailSupport(self.unsubscribe_links, self.unsubscribe_spool.replaying(unsubscribed),
                               generation=unsubscribed.generation, dashboard=dashboard_base(self.config, self.settings))

        def build(spec: object) -> Channel:
            return build_channel(spec, self.config, webhook_timeout=self.settings.webhook_timeout,
                                 targets=self.settings.target_policy, email_support=support)

        bound = self.settings.webhook_timeout + self.config.smtp_timeout + self.config.apprise_timeout
        outcomes = await send_test(sub, build, now=self.clock(), timeout=bound)
        for o in outcomes:
            log.info("test notification for %s via %s %s: %s", sub.id, o.channel, o.destination,
                     outcome_text(o.delivered, o.detail, o.error))
        return outcomes

    def collectors(self) -> list[ScrapeCollector]:
        limit = beat_limit(self.settings.heartbeat_seconds) if self.config.delivery_process else None
        return [OutboxCollector(self.runtime.streams, delivery_beat_limit=limit)]

    async def ping(self) -> None:
        """Healthy: Redis answers, every background task (delivery, leader) still runs and the delivery worker's
        own loop, when it has one, answers."""
        for task in self._tasks:
            if task.done():
                error = task.exception() if not task.cancelled() else "cancelled"
                raise RuntimeError(f"notifier: background task {task.get_name()} stopped: {error!r}")
        if self.send_loop is not None:
            await self.send_loop.ping()
        await self.runtime.ping()

    def _wake_worker(self) -> None:
        """Jobs were queued: this process's worker claims them now, or the delivery processes are woken."""
        if self.worker is not None:
            self.worker.wake()
        elif self.bell is not None:
            task = asyncio.create_task(self._ring(self.bell))
            self._rings.add(task)
            task.add_done_callback(self._rings.discard)

    async def _ring(self, bell: str) -> None:
        try:
            await ring(self.runtime.streams.client, bell)
        except RedisError as exc:  # the jobs are queued due: the delivery processes' next poll claims them
            log.warning("the delivery processes could not be woken: %s", failure_text(exc))

    def _store(self) -> SubscriptionStore:
        return self._started(self.store)

    @staticmethod
    def _started(part: T | None) -> T:
        if part is None:
            raise RuntimeError("notifier: not started")
        return part

    # --- release.classified -------------------------------------------------------------
    async def on_release_classified(self, event: CloudEvent, entry: Entry | None) -> None:
        """One classified release: see :meth:`on_classified_batch`."""
        await self.on_classified_batch([(event, entry)])

    async def on_classified_batch(self, items: list[tuple[CloudEvent, Entry | None]]) -> None:
        """Alerts in one transaction with the subscribers' records; then reminders; then the XACKs,
        so a crash anywhere leaves the entries to be handled again (and every step is idempotent); with the
        alerts, when there are no reminders to plan or report to make (see :meth:`_record_alerts`). A batch
        is handled in runs of distinct releases: two versions of one release are never planned together. A
        paused subscription is told nothing, but a withdrawn release's reminders are cancelled for it too."""
        now = self.clock()
        assert self.agenda is not None
        queued = 0
        effective: list[Subscription] | None = None  # read with the first run's records, once a batch
        generations: dict[str, int] = {}
        for run in distinct_releases(items):
            releases: list[ReleaseClassified] = [event.data for event, _ in run]
            while True:
                recorded = await self._record_alerts(releases, effective, generations, now=now,
                                                     entries=[entry for _, entry in run])
                effective, generations = recorded.effective, recorded.generations
                queued += sum(count for _, count, _ in recorded.results)
                if recorded.acked or await self._record_reminders(recorded, run, now=now):
                    break
                # a subscription deleted (or made again) since its alerts were written: planned again, as it is now
                effective = None
            subs = _active(effective, now)
            for release, (plans, _, _) in zip(releases, recorded.results):
                told = [(sub.id, alert.alert_id) for sub, plan in plans for alert in plan.alerts]
                log.info("%s v%d: %d alert(s) for %d subscription(s)%s", release.release_id, release.version,
                         len(told), len(subs), f": {alerts_named(told)}" if told else "",
                         extra={"release_id": release.release_id, "version": release.version})
        ALERTS_QUEUED.inc(queued)

    async def _record_reminders(self, recorded: Recorded, run: list[tuple[CloudEvent, Entry | None]], *,
                                now: datetime) -> bool:
        """Schedule and settle the reminders of ``recorded``'s run, acknowledging its entries; False, with nothing
        settled nor acknowledged, when a stored subscription it planned for was deleted (or made again) since it
        was read: the run is to be planned again (its reminders are compared with the generation they were
        planned for, as its alerts were). Each subscriber's reminders are settled with the zone they were planned
        in (see :meth:`.ReminderAgenda.settle`)."""
        agenda = self._started(self.agenda)
        releases = [release for release, _ in recorded.batch]
        generations = {sub.id: recorded.generations[sub.id] for _, plans in recorded.batch for sub, _ in plans
                       if sub.id in recorded.generations}
        zones = {sub.id: sub.timezone for _, plans in recorded.batch for sub, _ in plans}
        if recorded.reminders is None:  # records not read beforehand (none are missed): read and plan
            scheduled = await agenda.schedule(recorded.batch, now=now, read=recorded.planned_read,
                                              generations=generations)
        else:
            scheduled, jobs = recorded.reminders
            await agenda.apply(jobs, generations)
        for release, (_, entry), (_, _, quarantined), (_, unplanned) in zip(releases, run, recorded.results, scheduled):
            if quarantined or unplanned:
                await self._report_quarantined(release, entry, quarantined + unplanned)
        return await agenda.settle([(release, planned, entry) for release, (_, entry), (planned, _)
                                    in zip(releases, run, scheduled)], now=now, read=recorded.planned_read,
                                   generations=generations, zones=zones)

    async def _record_alerts(self, releases: list[ReleaseClassified], effective: list[Subscription] | None,
                             generations: dict[str, int], *, now: datetime, entries: list[Entry | None]) -> Recorded:
        """Plan and record the alerts of distinct releases, for each: (plans, jobs queued, quarantined); with the
        effective subscriptions (``effective`` and the ``generations`` of the stored ones, or read here when None;
        each job is marked with its subscription's generation) and the planned-reminder records the
        agenda will need (read with the subscribers' records: neither depends on the other); and what the agenda
        is to schedule and settle for the plans, worked out from those records before the alerts are written.
        When that is nothing (no reminder to schedule or cancel, no planned-reminder record to write, no
        subscription set apart: first versions whose commitments give no reminder ahead, or subscribers with
        none), ``entries`` (the releases' own) are acknowledged by the alerts' script: the reminders' scripts and
        their round trips are not sent for such a read. Written by one
        script that first compares what the plans read (:mod:`.alert_commit`), so two handlers of one release
        never both tell a subscriber. Reads only these releases' commitments from the records (their ids differ
        from release to release), each subscriber's for all the run's releases together, in two round trips
        besides the index's: the subscriptions and the last versions with the index's first read, then the
        records with the commitments' chains (their members' records are read where the chains are). A
        subscription whose matching or planning fails is left out and returned as quarantined."""
        streams, store, agenda = self.runtime.streams, self._store(), self._started(self.agenda)
        reader = self._record_reader()
        release_keys = [streams.key(f"notifier:release:{r.release_id}") for r in releases]
        remembered, remembered_ids, remembered_pages = remembered_keys(streams.key)
        index = AnnouncementIndex(streams.client, streams.key)
        matching: Matching | None = None
        while True:
            commit = Commit()
            read_subscriptions = effective is None

            def first_reads(reads: Pipeline) -> None:
                if read_subscriptions:
                    store.queue_stored(reads)
                reads.mget(release_keys)

            pending, answers = await index.prepare_with(releases, first_reads)
            stored: list[bytes | None] = list(answers[-1])
            if effective is None:
                stored_subs, generations = store.stored_of(answers[0])
                effective = store.effective_of(stored_subs)
            if matching is None:
                matching = _match(releases, _active(effective, now), streams.key)
            matched_of, unmatched_of, keys_of = matching
            bases = [version_basis(previous_version(raw, r), r.commitments) for raw, r in zip(stored, releases)]
            chain_index = {name: i for i, name in enumerate(pending.stored)}
            wanted: dict[str, tuple[dict[str, None], dict[str, None], set[int]]] = {}  # per subscriber, the run's
            for release, matched, basis in zip(releases, matched_of, bases):
                for s, (commitments, (ids, _)) in matched:  # the stored chains' members: read in the script
                    fields, members, chains = wanted.setdefault(s.id, ({}, {}, set()))
                    known = [m for cid in ids for m in pending.members_known(cid)]
                    fields.update(dict.fromkeys(lookup_ids([*ids, *known], release, basis.previous, {})))
                    members.update(dict.fromkeys(elapsed_keys(commitments, basis.numbering.numbers,
                                                              basis.changes.previous_of)))
                    chains.update(chain_index[n] for n in map(pending.chain_of.get, ids) if n in chain_index)
            lookups: list[Lookup] = [(keys_of[sub_id], (list(fields), list(members)))
                                     for sub_id, (fields, members, _) in wanted.items()]
            planned_lookups = agenda.lookups(releases, effective)
            records_of, rows, planned_read = await self._read_records(
                reader, lookups, planned_lookups, pending.keys, [sorted(chains) for _, _, chains in wanted.values()])
            announced = pending.complete(rows)
            record_of = dict(zip(wanted, records_of))  # what each subscriber was told, of all the run's releases
            for sub_id, record in record_of.items():
                sent_key, elapsed_key = keys_of[sub_id]
                read_sent, read_elapsed = record[2]
                commit.expect_fields(sent_key, read_sent)
                commit.expect_members(elapsed_key, read_elapsed)
            # a subscription deleted (and made again) since it was read: planned again for what is there now
            commit.expect_fields(store.generations, {sub_id: str(generations[sub_id]).encode()
                                                     if generations[sub_id] else None
                                                     for sub_id in record_of if sub_id in generations})
            results, shareds = [], []
            for release, matched, unmatched, basis, raw, release_key in zip(
                    releases, matched_of, unmatched_of, bases, stored, release_keys):
                commit.expect_value(release_key, raw)
                commitments_of, shared = {s.id: commitments for s, (commitments, _) in matched}, Shared()
                plans, unplanned = isolate([s for s, _ in matched], "planning alerts",
                                           lambda s, r=release, b=basis: plan_alerts(
                                               s, r, sent=record_of[s.id][0], elapsed_sent=record_of[s.id][1],
                                               now=now, basis=b, chains=announced.chains,
                                               matched=commitments_of[s.id], shared=shared,
                                               remind_at=self.remind_at))
                queued = 0
                for sub, plan in plans:
                    sent_key, elapsed_key = keys_of[sub.id]
                    for alert in plan.alerts:
                        queued += self._record_alert(commit, sub, alert, generation=generations.get(sub.id))
                    if plan.sent:
                        commit.hset(sent_key, plan.sent)
                    if plan.elapsed:
                        commit.sadd(elapsed_key, plan.elapsed)
                    told, told_past, _ = record_of[sub.id]  # the run's later releases are planned as if read after
                    told.update(plan.sent)
                    told_past.update(plan.elapsed)
                past = [member for _, plan in plans for member in plan.elapsed]
                commit.merge(remembered_ids, remembered_pages, release.release_id,
                             release_tokens([c.id for c in release.commitments], past))
                if stored_version(raw) < release.version:
                    numbering = basis.numbering
                    commit.set(release_key, last_version_record(release, numbering.numbers, numbering.removed),
                               ex=self.config.release_memory_seconds)
                    commit.zadd(remembered, {release.release_id: now.timestamp() + self.config.release_memory_seconds})
                results.append((plans, queued, unmatched + unplanned))
                shareds.append(shared)
            index.write(commit, announced)
            active = _active(effective, now)
            paused = [s for s in effective if s not in active]
            batch = [(release, plans + _paused_plans(paused, release, basis, shared))
                     for release, (plans, _, _), basis, shared in zip(releases, results, bases, shareds)]
            reminders = agenda.plan(batch, now=now, read=planned_read) if agenda.covers(batch, planned_read) else None
            acked = reminders is not None and not reminders[1] and not any(
                planned or unplanned for planned, unplanned in reminders[0]) and not any(
                quarantined for _, _, quarantined in results)
            if acked:
                for entry in entries:
                    if entry is not None:
                        commit.ack(entry.stream, entry.group, entry.entry_id)
            if await self._commit(commit):
                return Recorded(effective, generations, results, planned_read, batch, reminders, acked)
            # another handler told a subscriber meanwhile, or a subscription changed: look again, at them too
            effective, matching = None, None

    async def _report_quarantined(self, release: ReleaseClassified, entry: Entry | None,
                                  quarantined: list[Quarantined]) -> None:
        """Log and dead-letter each subscription set aside for this release version, once: a redelivered
        entry finds the record (``notifier:quarantined:<id>``, release version -> reason) and says nothing."""
        streams = self.runtime.streams
        version_key = f"{release.release_id}/v{release.version}"
        for q in quarantined:
            record = streams.key(f"notifier:quarantined:{q.subscription_id}")
            if await streams.client.hexists(record, version_key):
                continue
            reason = f"subscription {q.subscription_id!r} quarantined for {version_key}: {q.reason}"
            log.error("%s", reason)
            letter = streams.dead_letter_event(
                stream=streams.key(CLASSIFIED), group=NOTIFIER_GROUP, reason=reason,  # one event id each
                payload={"subscription": q.subscription_id, "release_id": release.release_id,
                         "version": str(release.version), "stage": q.stage,
                         "entry_id": entry.entry_id if entry else ""})
            async with streams.client.pipeline(transaction=True) as pipe:
                streams.add_letter(pipe, letter)
                pipe.hset(record, version_key, q.reason)
                await pipe.execute()

    async def _read_records(self, reader: RecordReader, lookups: list[Lookup], planned: list[tuple[str, str]],
                            chains: list[str], chains_of: list[list[int]]
                            ) -> tuple[list[ReadRecord], list[Row], Records]:
        """For each ((sent key, elapsed key), (commitment ids, deadline keys)): what that subscriber has been
        told of them and of the members of the ``chains`` (keys) it names in ``chains_of``, and the answers as
        read (to compare when the alerts are written); each chain's first ``MAX_CHAIN`` members; and the
        ``planned`` reminder records (see :meth:`.ReminderAgenda.lookups`); in one round trip."""
        queued: list[bool] = []
        parse_planned: list[Callable[[list[Any]], Records]] = []

        def reads(pipe: Pipeline) -> None:  # queued again if the script must be loaded first
            queued[:] = [reader.queue(pipe, lookups, chains, chains_of, chain_limit=MAX_CHAIN)]
            parse_planned[:] = [ReminderAgenda.queue_records(pipe, planned)]

        answers = await run_pipeline(self.runtime.streams.client, reads, reader.scripts)
        read, rows = parse_records(lookups, answers.pop(0) if queued[0] else None, chains_of)
        return [({k: v.decode() for k, v in sent.items() if v is not None}, {k for k, m in told.items() if m},
                 (sent, told)) for sent, told in read], rows, parse_planned[0](answers)

    def _record_reader(self) -> RecordReader:
        if self.record_reader is None:
            self.record_reader = RecordReader(self.runtime.streams.client)
        return self.record_reader

    def _alert_effects(self, sub: Subscription, alert: Alert) -> AlertEffects:
        streams = self.runtime.streams
        return alert_effects(sub, alert, digest_key=streams.key(f"notifier:digest:{sub.id}"),
                             feed_key=feed_key(streams.key, sub.id))

    def _record_alert(self, commit: Commit, sub: Subscription, alert: Alert, *, generation: int | None) -> int:
        """Publish ``alert``, record it in the subscriber's feed, and queue it (immediate) or buffer it (digest);
        returns jobs queued. ``generation``: the subscription's, read with it (None: the file's)."""
        effects = self._alert_effects(sub, alert)
        # one event: stream, feed and the jobs that name it (a webhook's rendered event is the alert's)
        event = commit.alert(effects.event_json, feed=effects.feed, digest=effects.digest)
        for job in effects.jobs:
            commit.job(job.planned_for(generation), event=event)
        return len(effects.jobs)

    async def _commit(self, commit: Commit) -> bool:
        """Write ``commit`` (see :meth:`.AlertCommitter.commit`), its jobs offered to this notifier's delivery
        worker: those it takes are queued leased and handed to it once written, sent without a claim while
        the reminders are settled; the others are queued due, and the worker woken to claim them."""
        worker = self.worker
        if worker is None or not commit.queued:
            commit.bell = self.bell or False
            return await self._committer().commit(commit)
        offered, until = worker.offer(commit.queued)
        commit.offer(offered, lease=worker.config.delivery_lease_seconds)
        written = False
        try:
            written = await self._committer().commit(commit)
        finally:  # an answer lost leaves what it may have queued leased to the lease's end, as a kill would
            worker.take(commit.queued, offered, commit.handed if written else None, lease_until=until)
        return written

    def _committer(self) -> AlertCommitter:
        if self.committer is None:
            assert self.outbox is not None
            streams = self.runtime.streams
            self.committer = AlertCommitter(streams.client, alerts=streams.key(ALERTS), event_field=EVENT_FIELD,
                                            outbox_zset=self.outbox.zset, job_dests=self.outbox.dests,
                                            job_prefix=self.outbox.job_key(""),
                                            done_prefix=self.outbox.done_key(""),
                                            event_prefix=self.outbox.event_key(""), common=COMMON,
                                            job_generations=self.outbox.generations)
        return self.committer

    def _queue(self, pipe, sub: Subscription, message: Message) -> int:  # type: ignore[no-untyped-def]
        assert self.outbox is not None
        jobs = jobs_for(sub, message)
        for job in jobs:
            self.outbox.enqueue(pipe, job)
        return len(jobs)

    # --- reminders ------------------------------------------------------------------------
    async def fire_second(self, second: float) -> None:
        """The scheduler job of ``second`` runs, a little ahead of it: the reminders due by then are fired when
        it comes, and any due before (see :meth:`ReminderFiring.fire_second`)."""
        await self._firing().fire_second(second)

    async def fire_reminder(self, reminder: str, attempt: int) -> None:
        """A job stored by an earlier version fires for ``reminder`` (its id, or its payload), its ``attempt``-th
        time; see :meth:`ReminderFiring.fire_legacy`."""
        await self._firing().fire_legacy(reminder, attempt)

    def _firing(self) -> ReminderFiring:
        if self.firing is None:
            raise RuntimeError("notifier: not started")
        return self.firing

    # --- leadership: scheduler and digests --------------------------------------------------
    async def _elected(self) -> None:
        assert self.reminders is not None and self.scheduler is not None
        streams = self.runtime.streams
        await migrate_legacy_reminders(self.reminders, streams.client, streams.key, now=self.clock())
        await index_planned(self.reminders)
        await mark_slots_fired_earlier(self.reminders, AnnouncementIndex(streams.client, streams.key), streams.client,
                                       streams.key, now=self.clock(), ttl_seconds=FIRED_TTL_SECONDS)
        await mark_second_writings_fired(self.reminders, streams.client, streams.key, now=self.clock(),
                                         ttl_seconds=FIRED_TTL_SECONDS)
        await retime_reminders(self.reminders, streams.client, streams.key, remind_at=self.remind_at, now=self.clock(),
                               zones=await self._zones())
        reclaimed = await self.reminders.reclaim(now=self.clock())
        if reclaimed:
            log.warning("%d reminder(s) were cut short while firing; firing them again", reclaimed)
        self.scheduler.resume()

    async def _deposed(self) -> None:
        assert self.scheduler is not None
        self.scheduler.pause()

    async def _watch_file(self) -> None:
        """Looks at the subscriptions file every ``recheck_seconds``, so that an edit is taken, or a broken one
        reported, when it is made, not when the next event needs the subscriptions."""
        ids = {sub.id for sub in self.file.current()}
        while True:
            await asyncio.sleep(self.file.recheck_seconds)
            try:
                before, ids = ids, await note_edit(self._store(), ids)
                if ids != before and not self.replica:
                    self._overridden = await tell_overridden(self._store(), self._overridden)
            except RedisError as exc:  # the ids are noted at the next look
                log.debug("subscriptions file ids not noted: %s", exc)

    async def _replay_unsubscribes(self) -> None:
        """Records the unsubscribes kept while Redis could not take them (:mod:`.unsubscribe_spool`) once it
        answers: every process does its own, and another process's emails read Redis alone."""
        while True:
            await self.unsubscribe_spool.replay(self._started(self.unsubscribed))
            await asyncio.sleep(SPOOL_REPLAY_SECONDS)

    async def _leader_tick(self) -> None:
        """Besides digests, daily and weekly: fire what is due and has no job left to fire it (its job ran in a
        process that died before claiming, or a claim's lease ended); with delivery processes, warn of deliveries
        waiting while none runs."""
        assert self.scheduler is not None and self.reminders is not None
        streams = self.runtime.streams
        await rezone_reminders(self.reminders, streams.client, streams.key, await self._zones(),
                               remind_at=self.remind_at, now=self.clock())
        self.scheduler.wakeup()
        await self._firing().fire_due()
        await self.send_digests()
        await self.send_due_this_week()
        await self.forget_old_releases()
        await self._store().drop_left_file(now=self.clock())
        if self.delivery_watch is not None:
            await self.delivery_watch.tick()

    async def forget_old_releases(self) -> tuple[int, int]:
        """Drop a bounded number of the subscribers' records of releases the notifier has forgotten (see
        :mod:`.retention`), having first indexed some more of the records kept before that was done. Returns the
        work done and the releases done with."""
        retention = self._started(self.retention)
        await retention.backfill(now=self.clock())
        return await retention.prune(now=self.clock())

    async def _zones(self) -> dict[str, str]:
        """Each subscription's time zone, by id: where its reminders fall."""
        return {sub.id: sub.timezone for sub in await self._store().effective()}

    async def send_due_this_week(self) -> int:
        """Queue every weekly "falls due this week" message due at ``clock()`` (see :mod:`.weekly`); returns how
        many were queued."""
        sent = await self._started(self.weekly).send_due(await self._store().effective(), now=self.clock())
        if sent:
            self._wake_worker()
        return sent

    async def send_digests(self) -> int:
        """Queue every digest due at ``clock()``; returns how many were queued."""
        streams = self.runtime.streams
        now, sent = self.clock(), 0
        later_today: dict[str, list[LaterToday]] | None = None  # read once, for the first digest due
        for sub in await self._store().effective():
            if sub.mode != "digest":
                continue
            last_key = streams.key(f"notifier:digest-last:{sub.id}")
            raw_last = await streams.client.get(last_key)
            if raw_last is None:  # first look: the first digest goes out at the next digest time
                first = last_digest_time(sub.digest_at, now=now, zone=sub.timezone)
                await streams.client.set(last_key, first.isoformat(), nx=True)
                continue
            last = datetime.fromisoformat(raw_last.decode())
            moment = digest_due(sub.digest_at, last_sent=last, now=now, zone=sub.timezone)
            if moment is None:
                continue
            paused = bool(sub.paused_until and sub.paused_until > now)
            if not paused:
                if later_today is None:
                    later_today = await self._later_today(now)
                day_end = end_of_day(moment.astimezone(ZoneInfo(sub.timezone)))  # the subscriber's midnight
                await self._remind_in_digest(before(later_today.get(sub.id, []), day_end), now=now)
            if await self._send_digest(sub, last_key, since=last, moment=moment, paused=paused, now=now):
                sent += 1
        if sent:
            self._wake_worker()
        return sent

    async def _send_digest(self, sub: Subscription, last_key: str, *, since: datetime, moment: datetime,
                           paused: bool, now: datetime) -> bool:
        """Queue ``sub``'s digest of ``moment`` (unless ``paused``), and trim what it carries from the buffer and
        record it as sent, atomically with the read of its buffer: an entry buffered meanwhile (a reminder firing
        that decided to buffer before the record) makes it read again, so none is left for the next day's digest.
        After :data:`DIGEST_WATCH_TRIES` reads overtaken so (a burst of matches), the last read is taken as it is:
        the buffer is only appended to until a digest trims it, so trimming that many entries drops exactly those
        read, and what was buffered meanwhile waits for the next digest, but a reminder, sent on its own that day.
        Returns whether a digest was queued."""
        buffer_key = self.runtime.streams.key(f"notifier:digest:{sub.id}")
        reader = BufferReader()
        async with self.runtime.streams.client.pipeline(transaction=True) as pipe:
            for _ in range(DIGEST_WATCH_TRIES):
                try:
                    await pipe.watch(buffer_key)
                    alerts = reader.alerts(await pipe.lrange(buffer_key, 0, -1))
                    sent, _ = await self._commit_digest(pipe, sub, buffer_key, last_key, alerts, since=since,
                                                        moment=moment, paused=paused, now=now)
                    return sent
                except WatchError:
                    continue
            alerts = reader.alerts(await self.runtime.streams.client.lrange(buffer_key, 0, -1))
            sent, since_read = await self._commit_digest(pipe, sub, buffer_key, last_key, alerts, since=since,
                                                         moment=moment, paused=paused, now=now)
        if not paused:
            await self._send_alone(sub, buffer_key, reminders_left(since_read))
        return sent

    async def _commit_digest(self, pipe: Pipeline, sub: Subscription, buffer_key: str, last_key: str,
                             alerts: list[Alert], *, since: datetime, moment: datetime, paused: bool,
                             now: datetime) -> tuple[bool, list[bytes]]:
        """In one transaction: queue the digest of ``alerts`` (the buffer's first entries), trim them from the
        buffer, record the digest as sent. Returns whether a digest was queued, and what was buffered after
        ``alerts`` until the record (nothing when the buffer was watched)."""
        digest = assemble_digest(sub.id, alerts, since=since, until=in_zone(moment, sub.timezone), now=now)
        pipe.multi()
        if digest is not None and not paused:
            self._queue(pipe, sub, digest)
        pipe.lrange(buffer_key, len(alerts), -1)
        pipe.ltrim(buffer_key, len(alerts), -1)
        pipe.set(last_key, moment.isoformat())
        since_read = (await pipe.execute())[-3]
        if digest is not None and not paused:
            log.info("digest queued for %s: %d alert(s) (%s)", sub.id, len(digest.alerts), digest.digest_id)
        return digest is not None and not paused, since_read

    async def _send_alone(self, sub: Subscription, buffer_key: str, reminders: list[tuple[bytes, Alert]]) -> None:
        """Queue ``reminders`` (buffered after the last read of ``sub``'s digest, and so left for the next day's:
        after their day) on their own, as a firing after that digest does, each taken out of the buffer in the
        same transaction. No firing buffers one after the digest's record: it reads that record."""
        if not reminders:
            return
        async with self.runtime.streams.client.pipeline(transaction=True) as pipe:
            for raw, alert in reminders:
                self._queue(pipe, sub, alert)
                pipe.lrem(buffer_key, 1, raw)
            await pipe.execute()
        log.info("subscription %s: %d reminder(s) buffered after its digest's last read sent on their own",
                 sub.id, len(reminders))

    def _digest_day(self, sub: Subscription, now: datetime) -> tuple[str, datetime]:
        """``sub``'s digest record and its digest moment of ``now``'s day (see :meth:`ReminderFiring._firing`)."""
        return (self.runtime.streams.key(f"notifier:digest-last:{sub.id}"),
                digest_moment_of_day(sub.digest_at, now=now, zone=sub.timezone))

    async def _later_today(self, now: datetime) -> dict[str, list[LaterToday]]:
        assert self.reminders is not None
        return await planned_later_today(self.reminders, self.runtime.streams.client, now=now)

    async def _remind_in_digest(self, reminders: list[LaterToday], *, now: datetime) -> None:
        """Fire ``reminders`` (a digest subscriber's, due later on the day of its digest) into its buffer now, so
        that the digest carries them (see :mod:`.digest_reminders`)."""
        assert self.reminders is not None and self.agenda is not None
        if await bring_forward(self.reminders, self.runtime.streams.client, self.agenda.key, reminders, now=now):
            await self._firing().fire_due()
