"""`pledgewatch run --workers 2` kills a worker silent past PLEDGEWATCH_WORKER_HANG_SECONDS (hung: SIGSTOP), says so
once in its log, and starts it again: a new process beats and `/healthz` is ok again."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.e2e.test_worker_heartbeats import _all_alive, _env, _health, _pids, _until

pytestmark = pytest.mark.e2e

HANG_SECONDS = 4.0  # past the 2 s (4 heartbeats of 0.5 s) after which a worker is reported stopped
REPLACED_WITHIN = HANG_SECONDS + 1 + 1 + 15  # the limit, a watch tick, the restart's pause, a worker's start


@pytest.fixture
def run_with_hang_limit(tmp_path):
    (tmp_path / "inbox").mkdir()
    data, log = tmp_path / "data", tmp_path / "run.log"
    env = {**_env(data), "PLEDGEWATCH_WORKER_HANG_SECONDS": str(HANG_SECONDS)}
    with log.open("w") as out:
        run = subprocess.Popen([sys.executable, "-m", "pledgewatch.cli", "run", "--workers", "2", "--watch",
                                str(tmp_path / "inbox")], stdout=out, stderr=subprocess.STDOUT, env=env,
                               cwd=tmp_path)
    stopped: list[int] = []
    try:
        started = _until(lambda: (data / "run.json").exists() and "worker 2 reading as consumer" in log.read_text()
                         or run.poll() is not None, timeout=60)
        assert started and run.poll() is None, log.read_text()
        yield tmp_path, json.loads((data / "run.json").read_text())["http_url"], log, stopped
    finally:
        for pid in stopped:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        run.send_signal(signal.SIGINT)
        assert run.wait(timeout=60) == 0, log.read_text()


def _replaced(api: str, pid: int):
    healthy = _all_alive(api)
    return healthy if healthy and healthy[1]["workers"][1]["pid"] != pid else None


def test_a_hung_worker_is_killed_past_the_limit_and_started_again(run_with_hang_limit):
    folder, api, log, stopped = run_with_hang_limit
    assert _until(lambda: _all_alive(api), timeout=30), _health(api)
    pid = _pids(folder)[1]

    os.kill(pid, signal.SIGSTOP)  # alive to the run's supervisor, silent to everyone: a hung worker
    stopped.append(pid)
    began = time.monotonic()
    replaced = _until(lambda: _replaced(api, pid), timeout=REPLACED_WITHIN + 10)
    assert replaced, (_health(api), log.read_text())
    took = time.monotonic() - began
    assert HANG_SECONDS <= took <= REPLACED_WITHIN, took
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed, and reaped by the run
    new_pid = replaced[1]["workers"][1]["pid"]
    assert _pids(folder)[1] == new_pid and replaced[1]["workers"][1]["last_beat"], replaced

    text = log.read_text()
    warnings = [line for line in text.splitlines() if f"worker 2 (pid {pid}) hung" in line]
    assert len(warnings) == 1 and "WARNING" in warnings[0], text
    assert "no heartbeat since " in warnings[0] and "PLEDGEWATCH_WORKER_HANG_SECONDS=4" in warnings[0], warnings
    assert f"worker 2 (pid {pid}) was killed by signal 9" in text, text
