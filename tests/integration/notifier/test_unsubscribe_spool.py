"""Unsubscribes kept in the data folder while Redis could not take them, recorded in a real Redis later: none lost
to an append made meanwhile or to a line a crash cut short, none recorded for a subscription deleted since."""

import asyncio
import logging
import os
import re
import shutil
import subprocess
import sys

import pytest
import redis.asyncio as aioredis

from lock_waits import PROC_LOCKS, held_while

from services.notifier.unsubscribe import Recipient
from services.notifier.unsubscribe_spool import UnsubscribeSpool, spool_line
from services.notifier.unsubscribed import Unsubscribed

pytestmark = pytest.mark.integration

DESK, OPS = Recipient("mail", "desk@example.org"), Recipient("mail", "ops@example.org")


@pytest.fixture
async def unsubscribed(redis_url, key_prefix):
    client = aioredis.Redis.from_url(redis_url)
    yield Unsubscribed(client, lambda name: key_prefix + name, key_prefix + "generations")
    await client.aclose()


async def test_kept_unsubscribes_are_recorded_once_and_dropped(tmp_path, unsubscribed):
    spool = UnsubscribeSpool(tmp_path / "data")
    spool.append(DESK)
    spool.append(OPS)
    assert spool.holds(DESK) and spool.holds(OPS)
    assert (spool.path.stat().st_mode & 0o777, spool.path.parent.stat().st_mode & 0o777) == (0o600, 0o700)
    assert await spool.replay(unsubscribed) == 2
    assert await unsubscribed.of("mail") == {DESK.address, OPS.address}
    assert not spool.path.exists() and await spool.replay(unsubscribed) == 0


def test_a_link_pressed_again_and_again_is_kept_once(tmp_path):
    """Whoever holds one link could otherwise grow the file without end while Redis is down (a line and an
    fsync a POST), and every email, listing and replay after would read it all."""
    spool = UnsubscribeSpool(tmp_path / "data")
    for _ in range(50):
        spool.append(DESK)
    spool.append(OPS)
    assert spool.path.read_text().splitlines() == [spool_line(DESK).strip(), spool_line(OPS).strip()]


async def test_an_unsubscribe_kept_while_others_are_recorded_is_not_dropped_with_them(tmp_path, unsubscribed,
                                                                                      monkeypatch):
    spool = UnsubscribeSpool(tmp_path / "data")
    spool.append(DESK)
    add = unsubscribed.add

    async def then_another(*args):  # a link pressed while the replay records DESK
        spool.append(OPS)
        return await add(*args)
    monkeypatch.setattr(unsubscribed, "add", then_another)
    assert await spool.replay(unsubscribed) == 1
    assert spool.holds(OPS) and not spool.holds(DESK)
    monkeypatch.undo()
    assert await spool.replay(unsubscribed) == 1
    assert await unsubscribed.of("mail") == {DESK.address, OPS.address}


async def test_a_line_cut_short_by_a_crash_costs_no_later_unsubscribe(tmp_path, unsubscribed):
    spool = UnsubscribeSpool(tmp_path / "data")
    spool.path.parent.mkdir(parents=True)
    spool.path.write_text('{"address": "gone@exa')  # the process died while writing it
    spool.append(DESK)
    assert await spool.replay(unsubscribed) == 2  # the half line dropped (logged), DESK recorded
    assert await unsubscribed.of("mail") == {DESK.address}


async def test_a_kept_unsubscribe_of_a_subscription_deleted_since_records_nothing(tmp_path, unsubscribed):
    spool = UnsubscribeSpool(tmp_path / "data")
    spool.append(DESK)  # a link of generation 0
    await unsubscribed.client.hset(unsubscribed.generations, "mail", 2)  # deleted, and made again
    assert await spool.replay(unsubscribed) == 1
    assert await unsubscribed.of("mail") == set() and not spool.path.exists()


async def test_a_replay_while_redis_cannot_take_it_keeps_every_unsubscribe(tmp_path, frozen_port):
    client = aioredis.Redis(host="127.0.0.1", port=frozen_port, socket_timeout=0.2)
    spool = UnsubscribeSpool(tmp_path / "data")
    spool.append(DESK)
    try:
        assert await asyncio.wait_for(spool.replay(Unsubscribed(client, str, "generations")), 10) == 0
    finally:
        await client.aclose()
    assert spool.holds(DESK)


async def test_a_spool_that_cannot_be_read_is_logged_not_raised(tmp_path, unsubscribed, caplog):
    """An email reads the spool before it is sent: a spool it cannot read must not fail the email."""
    spool = UnsubscribeSpool(tmp_path / "data")
    spool.path.mkdir(parents=True)  # a folder where the file should be: unreadable as one, even by root
    assert await spool.replay(unsubscribed) == 0
    assert "not recorded" in caplog.text


async def test_an_undo_after_a_replay_is_not_undone_by_another_process_replaying_the_same_unsubscribe(
        tmp_path, unsubscribed, monkeypatch):
    """Two processes share the data folder (``--workers``): one replays DESK's kept unsubscribe, the operator's
    undo replays the spool first (from another process) and then takes DESK out. Before: the first process's
    record, read from the spool before the second dropped it, reached Redis after the undo and put DESK back."""
    first, second = UnsubscribeSpool(tmp_path / "data"), UnsubscribeSpool(tmp_path / "data")
    first.append(DESK)
    add = unsubscribed.add

    async def undo() -> None:  # what DELETE /subscriptions/mail/unsubscribed/<address> does, on the other process
        await second.replay(unsubscribed)
        await unsubscribed.remove(DESK.subscription_id, DESK.address)

    async def slow_to_answer(*args):  # the first process's record still on its way when the undo comes
        monkeypatch.setattr(unsubscribed, "add", add)
        undoing = asyncio.create_task(undo())
        await asyncio.wait({undoing}, timeout=1)  # done at once unless it waits for this replay to finish
        result = await add(*args)
        undone.append(undoing)
        return result
    undone: list[asyncio.Task] = []
    monkeypatch.setattr(unsubscribed, "add", slow_to_answer)
    await first.replay(unsubscribed)
    await undone[0]
    assert await unsubscribed.of(DESK.subscription_id) == set()
    assert not first.path.exists()


_APPEND_AND_REPLAY = """
import sys
from pathlib import Path
from services.notifier.unsubscribe import Recipient
from services.notifier.unsubscribe_spool import UnsubscribeSpool

spool = UnsubscribeSpool(Path(sys.argv[1]))
spool.append(Recipient("mail", "desk@example.org"))
spool.append(Recipient("mail", "ops@example.org"))
lines = spool.path.read_text().splitlines(keepends=True)
spool._drop(lines[:1])  # a replay's rewrite, ops left kept
spool._drop(lines[1:])  # and the one that takes the file out
"""


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace shows the system calls made")
def test_the_kept_file_is_in_its_folder_on_disk_once_an_unsubscribe_is_answered_done(tmp_path):
    """Syncing a new file's data does not sync its name: a power cut could lose a spool answered as done (and a
    rewrite's rename could come undone, bringing back an unsubscribe recorded and then undone)."""
    data, trace = tmp_path / "data", tmp_path / "trace"
    subprocess.run(["strace", "-f", "-e", "trace=openat,fsync,rename,unlink", "-o", str(trace), sys.executable, "-c",
                    _APPEND_AND_REPLAY, str(data)], check=True, env={**os.environ, "PYTHONPATH": os.getcwd()})
    calls = trace.read_text().splitlines()
    opened_folder = re.compile(rf'openat\(AT_FDCWD, "{re.escape(str(data))}", [^)]*O_DIRECTORY[^)]*\) = (?P<fd>\d+)')
    folder_fds = {m["fd"] for line in calls if (m := opened_folder.search(line))}
    synced_folder = [n for n, line in enumerate(calls) if (m := re.search(r"fsync\((\d+)\)", line))
                     and m[1] in folder_fds]
    created = next(n for n, line in enumerate(calls) if "unsubscribes-pending.jsonl" in line and "O_CREAT" in line)
    renamed = next(n for n, line in enumerate(calls) if "rename(" in line and "unsubscribes-pending.jsonl" in line)
    assert any(created < n < renamed for n in synced_folder), "the folder is not synced after the spool is made"
    unlinked = next(n for n, line in enumerate(calls) if "unlink(" in line and "unsubscribes-pending.jsonl" in line)
    assert any(renamed < n < unlinked for n in synced_folder), "the folder is not synced after the spool is rewritten"
    assert any(n > unlinked for n in synced_folder), "the folder is not synced after the spool is taken out"


@pytest.mark.skipif(not PROC_LOCKS.exists(), reason="Linux lists who waits for a lock in /proc/locks")
async def test_a_replay_waits_for_the_spool_and_writes_it_off_the_event_loop(tmp_path, unsubscribed):
    """A replay runs before each email: its wait for the lock (another process appending) and its rewrite's syncs
    stood the notifier's event loop still."""
    spool = UnsubscribeSpool(tmp_path / "data")
    spool.append(DESK)
    loop_ran, replayed = await held_while(spool.path.parent / "unsubscribes-pending.lock", spool.replay(unsubscribed))
    assert loop_ran, "the event loop stood still while the replay waited for the lock"
    assert replayed == 1 and await unsubscribed.of("mail") == {DESK.address}


async def test_a_spool_folder_that_cannot_be_written_is_told_at_start_naming_the_setting(settings, tmp_path, caplog):
    """Before: nothing was said until Redis went away, and then every unsubscribe (a one-click POST a mail client
    never retries) was answered 503 and lost."""
    from notifier_harness import Running, fast_config

    (tmp_path / "a-file").write_text("")
    folder = tmp_path / "a-file" / "spool"  # under a file: no one, root included, can make it
    s = settings.model_copy(update={"unsubscribe_spool_dir": folder, "consumer": "spool-check"})
    with caplog.at_level(logging.WARNING, logger="services.notifier.service"):
        running = await Running(s, fast_config(), run_scheduler=False).start()
        await running.stop()
    [line] = [r.getMessage() for r in caplog.records if str(folder) in r.getMessage()]
    assert line.startswith(f"PLEDGEWATCH_UNSUBSCRIBE_SPOOL_DIR: {folder}: cannot be written (")
    assert "an unsubscribe taken while Redis is down would be answered 503 and not kept" in line


def test_a_spool_folder_that_can_be_written_has_no_problem_and_is_made(tmp_path):
    spool = UnsubscribeSpool(tmp_path / "made" / "here")
    assert spool.write_problem() is None
    assert (tmp_path / "made" / "here").is_dir()

