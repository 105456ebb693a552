"""A worker of `pledgewatch run --workers N` ends with its run (Linux), even when the run is killed with SIGKILL,
and even when the run is gone before the worker has started."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_worker_heartbeats import _env, _pids, _until

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a parent's death is signalled on Linux")]

ENDS_WITHIN = 30.0  # SIGTERM reaching the worker, and its stop with its Redis gone too


def _ended(pid: int) -> bool:
    """Whether ``pid`` has exited: gone, or a zombie its new parent has not reaped yet."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError):
        return True


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def test_a_run_killed_with_sigkill_takes_its_workers_with_it(tmp_path):
    (tmp_path / "inbox").mkdir()
    data, log = tmp_path / "data", tmp_path / "run.log"
    with log.open("w") as out:
        run = subprocess.Popen([sys.executable, "-m", "pledgewatch.cli", "run", "--workers", "2", "--watch",
                                str(tmp_path / "inbox")], stdout=out, stderr=subprocess.STDOUT, env=_env(data),
                               cwd=tmp_path)
    worker = None
    try:
        started = _until(lambda: (data / "run.json").exists() and "worker 2 reading as consumer" in log.read_text()
                         or run.poll() is not None, timeout=60)
        assert started and run.poll() is None, log.read_text()
        worker = _pids(tmp_path)[1]

        run.kill()
        run.wait(timeout=10)

        assert _until(lambda: _ended(worker), timeout=ENDS_WITHIN), log.read_text()
    finally:
        if run.poll() is None:
            run.kill()
            run.wait(timeout=10)
        if worker is not None:
            _kill(worker)


def test_a_worker_whose_run_is_gone_before_it_starts_exits_at_once_saying_so(tmp_path):
    gone = subprocess.Popen(["true"])
    gone.wait()
    # its standard input left open and empty: a worker that went on would wait there for the run's settings
    worker = subprocess.Popen([sys.executable, "-m", "pledgewatch.worker", "--run-pid", str(gone.pid)],
                              stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert worker.stdin is not None and worker.stderr is not None
    try:
        worker.wait(timeout=30)
        err = worker.stderr.read()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        worker.stdin.close()
        worker.stderr.close()
    assert worker.returncode == 1, err
    assert err == (f"error: pledgewatch worker (pid {worker.pid}): the run that started it (pid {gone.pid}) is "
                   f"gone (its parent is pid {os.getpid()}); exiting\n"), err
