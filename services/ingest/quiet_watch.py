"""Watching the polled sources' silence: every check judges each source's rhythm and announces a quiet spell
once, when it begins (``source.quiet``), and once more when the source publishes again (``source.resumed``).

Each check is one optimistic transaction per source (WATCH its releases and its rhythm, MULTI), so replicas
checking at once, or a restart mid-spell, announce each spell once: the replica that loses the race reads the
spell the winner stored and has nothing to say.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from redis.exceptions import WatchError

from schemas.envelope import CloudEvent
from schemas.sources import SourceResumed, SourceResumedEvent, SourceWentQuiet, SourceWentQuietEvent
from schemas.streams import SOURCES
from services.common.durations import gap_label
from services.common.outages import OutageNotices
from services.common.streams import Streams
from services.common.tasks import cancel_and_wait

from .config import SourceConfig
from .rhythm import Change, QuietRules, Rhythm, Spell, judge, transition
from .source_rhythm import from_epoch, register_sources, releases_key, rhythm_key
from .state import SOURCE

log = logging.getLogger(__name__)

SPELL_FIELDS = ("quiet_since", "spell_last_release")


def spell_of(stored: dict[bytes, bytes]) -> Spell | None:
    """The quiet spell a source's rhythm hash holds, or None."""
    since, last = stored.get(b"quiet_since"), stored.get(b"spell_last_release")
    return Spell(from_epoch(since), from_epoch(last)) if since and last else None


def spell_event(config: SourceConfig, change: Change, spell: Spell | None, rhythm: Rhythm, *, rules: QuietRules,
                now: datetime) -> CloudEvent | None:
    """The event announcing ``change`` (None for a spell cleared without a release)."""
    if change is Change.QUIET:
        assert rhythm.last_release and rhythm.usual_gap and rhythm.quiet_since
        quiet = SourceWentQuiet(source=config.name, kind=config.type, last_release=rhythm.last_release,
                                usual_gap_seconds=rhythm.usual_gap.total_seconds(), quiet_after=rules.after,
                                quiet_since=rhythm.quiet_since)
        return SourceWentQuietEvent.wrap(quiet, id=f"{config.name}/quiet/{rhythm.last_release.isoformat()}",
                                         source=SOURCE, time=now, subject=config.name)
    if change is Change.RESUMED:
        assert spell is not None and rhythm.last_release
        resumed = SourceResumed(source=config.name, kind=config.type, last_release=rhythm.last_release,
                                previous_release=spell.last_release, quiet_since=spell.quiet_since)
        return SourceResumedEvent.wrap(resumed, id=f"{config.name}/resumed/{spell.last_release.isoformat()}",
                                       source=SOURCE, time=now, subject=config.name)
    return None


class QuietWatch:
    """Checks every polled source's silence every ``check_interval`` seconds."""

    def __init__(self, streams: Streams, sources: Sequence[SourceConfig], *, rules: QuietRules,
                 default_interval: float, check_interval: float) -> None:
        self.streams, self.sources, self.rules = streams, list(sources), rules
        self.default_interval, self.check_interval = default_interval, check_interval
        self._outage = OutageNotices("checking the sources' silence")
        self._task: asyncio.Task[None] | None = None

    async def register(self) -> None:
        await register_sources(self.streams, {s.name: s.type for s in self.sources})

    async def check(self, config: SourceConfig, *, now: datetime) -> Change | None:
        """Judge ``config``'s rhythm at ``now``, store it, and announce a spell that begins or ends."""
        streams = self.streams
        releases, rhythm_hash = releases_key(streams, config.name), rhythm_key(streams, config.name)
        resolution = timedelta(seconds=config.interval or self.default_interval)
        async with streams.client.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(releases, rhythm_hash)
                    times = [from_epoch(score) for _, score in await pipe.zrange(releases, 0, -1, withscores=True)]
                    spell = spell_of(await pipe.hgetall(rhythm_hash))
                    rhythm = judge(times, now=now, rules=self.rules, resolution=resolution)
                    change = transition(spell, rhythm)
                    event = spell_event(config, change, spell, rhythm, rules=self.rules, now=now) if change else None
                    pipe.multi()
                    gap = rhythm.usual_gap.total_seconds() if rhythm.usual_gap else ""
                    pipe.hset(rhythm_hash, mapping={"usual_gap": gap})
                    if change is Change.QUIET:
                        assert rhythm.quiet_since and rhythm.last_release
                        pipe.hset(rhythm_hash, mapping={"quiet_since": rhythm.quiet_since.timestamp(),
                                                        "spell_last_release": rhythm.last_release.timestamp()})
                    elif change is not None:
                        pipe.hdel(rhythm_hash, *SPELL_FIELDS)
                    if event is not None:
                        streams.add(pipe, streams.key(SOURCES), event)
                    await pipe.execute()
                    break
                except WatchError:
                    continue  # a release recorded, or another replica checked, meanwhile: judge again
        self._log(config.name, change, spell, rhythm)
        return change

    def _log(self, name: str, change: Change | None, spell: Spell | None, rhythm: Rhythm) -> None:
        if change is Change.QUIET:
            gap = gap_label(rhythm.usual_gap.total_seconds()) if rhythm.usual_gap else "unknown"
            log.warning("source %s went quiet: nothing since %s, %g times its usual gap of %s",
                        name, rhythm.last_release, self.rules.after, gap)
        elif change is Change.RESUMED:
            log.info("source %s published again (%s), quiet since %s", name, rhythm.last_release,
                     spell.quiet_since if spell else "?")
        elif change is Change.CLEARED:
            log.info("source %s is no longer judged quiet (no new release: the rules or its history changed)", name)

    async def check_all(self, *, now: datetime) -> dict[str, Change | None]:
        return {config.name: await self.check(config, now=now) for config in self.sources}

    async def check_round(self, *, now: datetime) -> None:
        """One scheduled check of every source; never raises (judged again at the next round)."""
        try:
            await self.check_all(now=now)
        except Exception as exc:  # Redis restarting (an outage, told once), or a bug (with its traceback)
            self._outage.report(exc, log, "checking the sources' silence failed")
        else:
            self._outage.recovered()

    async def _run(self) -> None:
        while True:
            await self.check_round(now=datetime.now(timezone.utc))
            await asyncio.sleep(self.check_interval)

    async def start(self) -> None:
        await self.register()
        self._task = asyncio.create_task(self._run(), name="ingest-quiet-watch")

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_and_wait([self._task], what="ingest's quiet-source watch")
            self._task = None
