"""`pledgewatch run --workers 2`: a worker that stops (hung: SIGSTOP; killed: SIGKILL) is named, with since when,
by `/healthz` and `pledgewatch status` within a few heartbeats, and both say ok again once it beats again or the
run has started it again; a healthy run lists every worker alive."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

HEARTBEAT_SECONDS = 0.5  # a worker silent for 4 of them (2 s) is stopped
SAYS_STOPPED_WITHIN = 2.0 + 3.0  # the limit, and a health check's and a few beats' slack


def _env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    env.update({"PLEDGEWATCH_HOME": str(data), "PLEDGEWATCH_HTTP_PORT": "0", "PYTHONUNBUFFERED": "1",
                "PLEDGEWATCH_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS)})
    return env


def _health(api: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{api}/healthz", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _status(env: dict[str, str], cwd: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pledgewatch.cli", "status", *options], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=60)


def _until(predicate, timeout: float, every: float = 0.1):
    """The first true value of ``predicate()`` within ``timeout`` seconds, else the last one."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(every)


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    """One `pledgewatch run --workers 2` on its embedded Redis for these tests, both workers reading: (env, its
    folder, the run's API, its log, the pids of processes a test stopped). Each test leaves both workers alive."""
    folder = tmp_path_factory.mktemp("run")
    (folder / "inbox").mkdir()
    data, log = folder / "data", folder / "run.log"
    env = _env(data)
    with log.open("w") as out:
        run = subprocess.Popen([sys.executable, "-m", "pledgewatch.cli", "run", "--workers", "2", "--watch",
                                str(folder / "inbox")], stdout=out, stderr=subprocess.STDOUT, env=env, cwd=folder)
    stopped: list[int] = []
    try:
        started = _until(lambda: (data / "run.json").exists() and "worker 2 reading as consumer" in log.read_text()
                         or run.poll() is not None, timeout=60)
        assert started and run.poll() is None, log.read_text()
        yield env, folder, json.loads((data / "run.json").read_text())["http_url"], log, stopped
    finally:
        for pid in stopped:
            try:
                os.kill(pid, signal.SIGCONT)  # a stopped process takes no SIGTERM until it runs again
            except ProcessLookupError:
                pass
        run.send_signal(signal.SIGINT)
        assert run.wait(timeout=60) == 0, log.read_text()


def _all_alive(api: str) -> tuple[int, dict] | None:
    code, body = _health(api)
    states = [worker["state"] for worker in body.get("workers", [])]
    return (code, body) if code == 200 and body["status"] == "ok" and states == ["alive", "alive"] else None


def _pids(folder: Path) -> list[int]:
    return json.loads((folder / "data" / "run.json").read_text())["workers"]


def test_a_healthy_run_reports_every_worker_alive(two_workers):
    env, folder, api, _, _ = two_workers
    healthy = _until(lambda: _all_alive(api), timeout=30)
    assert healthy, _health(api)
    _, body = healthy
    pids = _pids(folder)
    assert [(w["number"], w["pid"]) for w in body["workers"]] == [(1, pids[0]), (2, pids[1])], body
    assert all(w["last_beat"] and w["reason"] is None for w in body["workers"]), body
    assert body["checks"]["workers"] == "ok", body

    result = _status(env, folder, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    workers = json.loads(result.stdout)["run"]["workers"]
    assert [(w["number"], w["pid"], w["running"], w["state"]) for w in workers] == [
        (1, pids[0], True, "alive"), (2, pids[1], True, "alive")], workers
    text = _status(env, folder).stdout
    assert f"   1  pid {pids[0]:<8} alive, last heartbeat " in text, text
    assert f"   2  pid {pids[1]:<8} alive, last heartbeat " in text, text


def _degraded(api: str) -> tuple[int, dict] | None:
    code, body = _health(api)
    return (code, body) if body["status"] != "ok" else None


def test_a_hung_worker_is_named_with_since_when_until_it_beats_again(two_workers):
    env, folder, api, _, stopped = two_workers
    assert _until(lambda: _all_alive(api), timeout=30), _health(api)
    pid = _pids(folder)[1]

    os.kill(pid, signal.SIGSTOP)  # alive to the run's supervisor, silent to everyone: a hung worker
    stopped.append(pid)
    began = time.monotonic()
    said = _until(lambda: _degraded(api), timeout=SAYS_STOPPED_WITHIN + 5)
    assert said, "still ok after a worker stopped"
    assert time.monotonic() - began <= SAYS_STOPPED_WITHIN, time.monotonic() - began
    code, body = said
    assert code == 200 and body["status"] == "degraded", body  # the API and every service still answer
    assert body["checks"]["workers"].startswith(f"worker 2 (pid {pid}): no heartbeat since "), body["checks"]
    assert body["checks"]["workers"].endswith(" ago): stopped or hung"), body["checks"]
    assert [w["state"] for w in body["workers"]] == ["alive", "stopped"], body["workers"]

    result = _status(env, folder)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"   2  pid {pid:<8} STOPPED: no heartbeat since " in result.stdout, result.stdout
    assert "api       " in result.stdout and " degraded (" in result.stdout, result.stdout
    workers = json.loads(_status(env, folder, "--json").stdout)["run"]["workers"]
    assert workers[1]["state"] == "stopped" and workers[1]["reason"].startswith("no heartbeat since "), workers

    os.kill(pid, signal.SIGCONT)
    assert _until(lambda: _all_alive(api), timeout=10), _health(api)
    assert _status(env, folder).returncode == 0


def test_a_killed_worker_is_named_until_the_run_has_started_it_again(two_workers):
    env, folder, api, log, _ = two_workers
    assert _until(lambda: _all_alive(api), timeout=30), _health(api)
    pid = _pids(folder)[1]

    os.kill(pid, signal.SIGKILL)
    said = _until(lambda: _degraded(api), timeout=SAYS_STOPPED_WITHIN)
    assert said, "still ok after a worker was killed"
    code, body = said
    assert code == 200 and body["status"] == "degraded", body
    assert body["checks"]["workers"].startswith(f"worker 2 (pid {pid}): was killed by signal 9 (last heartbeat "), \
        body["checks"]

    replaced = _until(lambda: _all_alive(api), timeout=60)
    assert replaced, _health(api)
    new_pid = replaced[1]["workers"][1]["pid"]
    assert new_pid != pid and f"worker 2 (pid {pid}) was killed by signal 9" in log.read_text()
    result = _status(env, folder, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert [w["state"] for w in json.loads(result.stdout)["run"]["workers"]] == ["alive", "alive"]
