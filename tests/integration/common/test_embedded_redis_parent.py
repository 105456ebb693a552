"""The embedded redis-server asks to die with its run through a launcher that then becomes it, with nothing run
between fork and exec in the run (Linux): no ``preexec_fn`` in a process with threads, and every start, the
watch's restarts too, forked by the thread that lives as long as the run."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading

import pytest
import redis

from services.common import embedded_redis
from services.common.embedded_redis import EmbeddedRedis, free_port, redis_server_binary
from services.common.parent_death import launched_ending_with

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a parent's death is signalled on Linux")]


def test_a_launcher_whose_run_is_gone_exits_at_once_saying_so_and_never_starts_redis_server(tmp_path):
    gone = subprocess.Popen(["true"])
    gone.wait()
    binary = redis_server_binary()
    # started, the server would go on serving: the wait below would run out instead of seeing it exit
    launcher = subprocess.Popen(launched_ending_with(gone.pid, [binary, "--port", str(free_port()), "--save", "",
                                                                "--appendonly", "no", "--dir", str(tmp_path)]),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert launcher.stderr is not None
    try:
        launcher.wait(timeout=30)
        err = launcher.stderr.read()
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.wait()
        launcher.stderr.close()
    assert launcher.returncode == 1, err
    assert err == (f"error: redis-server (pid {launcher.pid}): the run that started it (pid {gone.pid}) is gone "
                   f"(its parent is pid {os.getpid()}); exiting\n"), err


def test_a_launched_program_keeps_the_pid_it_was_started_with():
    """The launcher execs the program in its own process: whatever tracks the pid it was given goes on working."""
    launcher = subprocess.Popen(launched_ending_with(os.getpid(), ["/bin/sh", "-c", "echo $$"]),
                                stdout=subprocess.PIPE, text=True)
    out, _ = launcher.communicate(timeout=30)
    assert launcher.returncode == 0
    assert out.strip() == str(launcher.pid)


def test_a_program_that_cannot_be_started_is_named_in_one_line(tmp_path):
    missing = str(tmp_path / "redis-server")
    launcher = subprocess.run(launched_ending_with(os.getpid(), [missing]), capture_output=True, text=True,
                              timeout=30)
    assert launcher.returncode == 1
    assert launcher.stderr == f"error: cannot start {missing}: No such file or directory\n", launcher.stderr


async def test_the_embedded_redis_and_its_restarts_are_forked_by_the_event_loops_thread_without_preexec_fn(
        tmp_path, monkeypatch):
    """Before: ``preexec_fn`` ran Python between fork and exec in a process with threads (a lock another thread
    held could hang the child before exec), and the watch forked its restarts in a worker thread, the kernel's
    "parent" of the server, which ends before the run does."""
    starts: list[tuple[int, list[str], dict[str, object]]] = []
    popen = subprocess.Popen

    def recording(args, **kwargs):
        starts.append((threading.get_ident(), list(args), kwargs))
        return popen(args, **kwargs)

    monkeypatch.setattr(embedded_redis.subprocess, "Popen", recording)
    server = EmbeddedRedis(tmp_path / "redis", appendonly=False)
    server.start()
    try:
        first = server.pid
        assert first is not None
        watching = asyncio.create_task(server.watch(every=0.05))
        os.kill(first, signal.SIGKILL)
        client = redis.Redis(host="127.0.0.1", port=server.port, socket_connect_timeout=0.2)
        while server.pid in (None, first) or not _answers(client):
            await asyncio.sleep(0.05)
        client.close()
        watching.cancel()
        with pytest.raises(asyncio.CancelledError):
            await watching
    finally:
        server.stop()
    loop_thread = threading.get_ident()
    assert [thread for thread, _, _ in starts] == [loop_thread, loop_thread]
    assert all(kwargs.get("preexec_fn") is None for _, _, kwargs in starts)
    assert all(args[:3] == [sys.executable, "-I", "-S"] and str(os.getpid()) in args for _, args, _ in starts)


def _answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except (redis.ConnectionError, redis.BusyLoadingError):
        return False
