"""The ingest loops that run on their own (the folder watch, the source polls, the quiet watch) tell an expected
outage as the rest of the project does (``services.common.outages``): one WARNING naming what failed and why, no
traceback at each round; an error nobody expects is still logged with its traceback."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from datetime import datetime, timezone

import pytest
import redis.asyncio as aioredis

from services.common.embedded_redis import EmbeddedRedis
from services.common.outages import OutageNotices
from services.common.streams import Streams
from services.ingest.config import SourceConfig
from services.ingest.folder import FolderScanner
from services.ingest.polling import SourcePoller
from services.ingest.quiet_watch import QuietWatch
from services.ingest.rhythm import QuietRules
from services.ingest.source_rhythm import releases_key
from services.ingest.watcher import FolderWatcher

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 19, 9, 30, tzinfo=timezone.utc)
SOURCE = SourceConfig(name="ministry", url="https://www.gov.uk/search/news.atom", interval=60)


@pytest.fixture
async def redis_gone(tmp_path, key_prefix):
    """Streams on a Redis that has been killed: every command fails as in an outage."""
    server = EmbeddedRedis(tmp_path / "redis", appendonly=False)
    client = aioredis.Redis.from_url(await server.start_from_loop())
    await asyncio.to_thread(server.kill)
    yield Streams(client, prefix=key_prefix, maxlen=1000, source="/test")
    await client.aclose()
    server.stop()


@pytest.fixture
async def redis_to_restart(tmp_path, key_prefix):
    """(the embedded Redis, streams on it): the test kills and starts it again."""
    server = EmbeddedRedis(tmp_path / "redis", appendonly=False)
    client = aioredis.Redis.from_url(await server.start_from_loop())
    yield server, Streams(client, prefix=key_prefix, maxlen=1000, source="/test")
    await client.aclose()
    server.stop()


def _said(caplog) -> list[str]:
    """What the test's code said at INFO and above (not the embedded Redis's own lines)."""
    return [r.getMessage() for r in caplog.records
            if r.levelno >= logging.INFO and "embedded Redis" not in r.getMessage()]


def _warnings(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_folder_that_fails_to_be_watched_is_one_warning_without_a_traceback(tmp_path, caplog):
    folder = tmp_path / "releases"
    folder.mkdir()
    batches = FolderWatcher(FolderScanner([folder]), poll_seconds=0.01).batches()
    caplog.set_level(logging.INFO)
    for _ in range(3):  # the folder is there when the round begins, gone when its watch starts
        await anext(batches)
        folder.rmdir()
        await anext(batches)  # the failed watch, and the round after it (nothing to watch)
        folder.mkdir()
    await anext(batches)  # the folder back for good: the walk before the watch
    await anext(batches)  # the watch started
    await batches.aclose()
    warnings = _warnings(caplog)
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert warnings[0].levelname == "WARNING" and not warnings[0].exc_info
    assert str(folder) in warnings[0].getMessage() and "FileNotFoundError" in warnings[0].getMessage()
    assert any("watched again" in r.getMessage() for r in caplog.records)


async def test_polls_failing_for_want_of_redis_are_one_warning_without_a_traceback(redis_gone, reader, caplog):
    outage = OutageNotices("polling the sources")  # as the service shares it among its sources
    pollers = [SourcePoller(SOURCE.model_copy(update={"name": name}), reader=reader, streams=redis_gone,
                            interval=1, max_backoff=1, outage=outage) for name in ("ministry", "treasury")]
    caplog.set_level(logging.INFO)
    for clock in (0.0, 100.0, 200.0):  # each past the last failure's backoff: every one a poll
        for poller in pollers:
            assert await poller.run(now=NOW, clock=clock) is None
    warnings = _warnings(caplog)
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "Redis unavailable" in warnings[0].getMessage() and not warnings[0].exc_info


async def test_the_end_of_a_redis_outage_is_told_though_the_source_itself_still_fails(redis_to_restart, reader,
                                                                                      caplog):
    """Before: a source failing on its own after Redis came back never said that Redis answered again."""
    server, streams = redis_to_restart
    unreachable = SOURCE.model_copy(update={"url": "http://127.0.0.1:9/feed.atom"})  # nothing listens on port 9
    poller = SourcePoller(unreachable, reader=reader, streams=streams, interval=1, max_backoff=1)
    caplog.set_level(logging.INFO)
    await asyncio.to_thread(server.kill)
    await poller.run(now=NOW, clock=0.0)
    await server.start_from_loop()
    await poller.run(now=NOW, clock=100.0)
    said = _said(caplog)
    assert "Redis unavailable" in said[0] and "Redis answers again" in said[1], said
    assert "127.0.0.1:9" in said[2], said


async def test_quiet_checks_failing_for_want_of_redis_are_one_warning_without_a_traceback(redis_gone, caplog):
    watch = QuietWatch(redis_gone, [SOURCE], rules=QuietRules(), default_interval=60, check_interval=60)
    caplog.set_level(logging.INFO)
    for _ in range(3):
        await watch.check_round(now=NOW)
    warnings = _warnings(caplog)
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "Redis unavailable" in warnings[0].getMessage() and not warnings[0].exc_info


async def test_a_quiet_check_failing_for_another_reason_is_logged_with_its_traceback(streams, caplog):
    await streams.client.set(releases_key(streams, SOURCE.name), "not a sorted set")  # a WRONGTYPE error
    watch = QuietWatch(streams, [SOURCE], rules=QuietRules(), default_interval=60, check_interval=60)
    await watch.check_round(now=NOW)
    errors = _warnings(caplog)
    assert len(errors) == 1 and errors[0].levelname == "ERROR" and errors[0].exc_info


async def test_the_end_of_a_redis_outage_is_told_though_another_replica_holds_the_poll(redis_to_restart, reader,
                                                                                       caplog):
    """Before: a replica whose polls another replica took after Redis came back never said it answered again."""
    server, streams = redis_to_restart
    poller = SourcePoller(SOURCE, reader=reader, streams=streams, interval=60, max_backoff=1)
    other_replica = SourcePoller(SOURCE, reader=reader, streams=streams, interval=60, max_backoff=1)
    caplog.set_level(logging.INFO)
    await asyncio.to_thread(server.kill)
    await poller.run(now=NOW, clock=0.0)
    await server.start_from_loop()
    assert await other_replica.state.acquire(60)  # its poll came first
    assert await poller.run(now=NOW, clock=100.0) is None
    said = _said(caplog)
    assert "Redis unavailable" in said[0] and "Redis answers again" in said[-1], said


def _settled_file(folder, name: str):
    path = folder / name
    path.write_text("a release")
    os.utime(path, (time.time() - 5, time.time() - 5))
    return path


async def test_a_folder_that_cannot_be_looked_at_is_told_and_the_others_are_still_watched(tmp_path, caplog):
    """A name too long for the file system: ``Path.is_dir`` raises (ENAMETOOLONG) rather than saying False."""
    folder, too_long = tmp_path / "releases", tmp_path / ("x" * 300)
    folder.mkdir()
    _settled_file(folder, "a.txt")
    batches = FolderWatcher(FolderScanner([folder, too_long]), poll_seconds=0.01).batches()
    caplog.set_level(logging.INFO)
    assert await anext(batches) == [folder / "a.txt"]
    _settled_file(folder, "b.txt")
    while (found := await anext(batches)) == []:
        pass
    await batches.aclose()
    assert found == [folder / "b.txt"]
    [warning] = _warnings(caplog)
    assert "File name too long" in warning.getMessage() and str(too_long) in warning.getMessage()
    assert not any("watched again" in said for said in _said(caplog))


class _FailingTickScanner(FolderScanner):
    """A scanner whose walk fails once the watch has started (the walk before each watch succeeds)."""

    def __init__(self, folders) -> None:
        super().__init__(folders)
        self.walks = 0

    def changed(self, now_ns: int) -> list:
        self.walks += 1
        if self.walks % 2 == 0:
            raise OSError(5, "Input/output error")
        return super().changed(now_ns)


async def test_a_watch_that_starts_and_fails_each_round_is_one_warning_and_never_watched_again(tmp_path, caplog):
    folder = tmp_path / "releases"
    folder.mkdir()
    scanner = _FailingTickScanner([folder])
    batches = FolderWatcher(scanner, poll_seconds=0.01).batches()
    caplog.set_level(logging.INFO)
    while scanner.walks < 7:  # three rounds whose watch started, then failed
        await anext(batches)
    await batches.aclose()
    said = _said(caplog)
    assert len(_warnings(caplog)) == 1, said
    assert not any("watched again" in line for line in said), said
