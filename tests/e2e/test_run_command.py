"""`pledgewatch run` as a user starts it: embedded Redis, console alerts, clean stop; one run per data
folder (PLEDGEWATCH_HOME), found from any folder."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis

from services.common.redis_url_shown import redacted

from tests.e2e.test_workers_die_with_the_run import _ended

pytestmark = pytest.mark.e2e


def _wait(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_run_starts_embedded_redis_prints_the_alert_and_stops_cleanly(tmp_path, seed_file):
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    env.update({"PLEDGEWATCH_DATA_DIR": str(data), "PLEDGEWATCH_HTTP_PORT": "0", "PYTHONUNBUFFERED": "1"})
    out = (tmp_path / "stdout.txt").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "pledgewatch.cli", "run", "--watch", str(inbox)],
                            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    try:
        state_file = data / "run.json"
        assert _wait(state_file.exists), (tmp_path / "stdout.txt").read_text()
        state = json.loads(state_file.read_text())
        assert urlsplit(state["redis_url"]).hostname == "127.0.0.1"  # with the password: see test_run_redis_password

        shutil.copy(seed_file, inbox / seed_file.name)
        assert _wait(lambda: "New commitments" in (tmp_path / "stdout.txt").read_text())
        console = (tmp_path / "stdout.txt").read_text()
        assert "The UK will invest £10m over the next three years" in console

        # `pledgewatch ingest` finds the running system through run.json.
        ingest = subprocess.run([sys.executable, "-m", "pledgewatch.cli", "ingest", str(inbox / seed_file.name)],
                                capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
        assert ingest.returncode == 0, ingest.stderr
        assert ingest.stdout.startswith("unchanged rel-")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        out.close()
    assert proc.returncode == 0, (tmp_path / "stdout.txt").read_text()
    assert not state_file.exists()
    aof = ("appendonly.aof", "appendonlydir")  # Redis 6.2 keeps one file; Redis 7 and later a folder
    assert any((data / "redis" / name).exists() for name in aof)
    client = redis.Redis.from_url(state["redis_url"], socket_connect_timeout=0.5)
    with pytest.raises(redis.ConnectionError):
        client.ping()
    client.close()


def _start_run(tmp_path, env, name):
    out = (tmp_path / name).open("w")
    proc = subprocess.Popen([sys.executable, "-m", "pledgewatch.cli", "run", "--watch", str(tmp_path / "inbox")],
                            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    return proc, out


def _stop(proc, out):
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)
    out.close()


def test_run_generates_a_token_prints_it_once_and_the_cli_uses_it(tmp_path):
    (tmp_path / "inbox").mkdir()
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    env.update({"PLEDGEWATCH_DATA_DIR": str(data), "PLEDGEWATCH_HTTP_PORT": "0", "PYTHONUNBUFFERED": "1"})
    token_file = data / "api-token"
    proc, out = _start_run(tmp_path, env, "first.txt")
    try:
        assert _wait((data / "run.json").exists), (tmp_path / "first.txt").read_text()
        token = token_file.read_text().strip()
        assert len(token) >= 32
        assert token_file.stat().st_mode & 0o777 == 0o600
        assert _wait(lambda: "Authorization: Bearer" in (tmp_path / "first.txt").read_text())
        assert (tmp_path / "first.txt").read_text().count(token) == 1
        url = json.loads((data / "run.json").read_text())["http_url"]

        # Without the token, a write is refused; the CLI finds the token as it finds the running system.
        request = urllib.request.Request(f"{url}/subscriptions", data=b"{}", method="POST",
                                         headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        refused.value.close()  # it holds the connection
        assert refused.value.code == 401
        sub = tmp_path / "desk.yaml"
        sub.write_text('id: desk\nchannels: [{webhook: {url: "https://hooks.example.org/in", secret: k}}]\n')
        added = subprocess.run([sys.executable, "-m", "pledgewatch.cli", "subscriptions", "add", str(sub)],
                               capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
        assert added.returncode == 0, added.stderr
        assert "id: desk" in added.stdout
    finally:
        _stop(proc, out)
    assert proc.returncode == 0, (tmp_path / "first.txt").read_text()

    # A second run keeps the same token and does not print it again.
    proc, out = _start_run(tmp_path, env, "second.txt")
    try:
        assert _wait((data / "run.json").exists), (tmp_path / "second.txt").read_text()
        assert _wait(lambda: "api-token" in (tmp_path / "second.txt").read_text())
        assert token_file.read_text().strip() == token
        assert token not in (tmp_path / "second.txt").read_text()
    finally:
        _stop(proc, out)


BIN = Path(sys.executable).parent


def _home_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    env.update({"PLEDGEWATCH_HOME": str(home), "PLEDGEWATCH_HTTP_PORT": "0", "PYTHONUNBUFFERED": "1"})
    return env


def _pledgewatch_in(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "pledgewatch"), *args], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=60)


def _caught_up(result: subprocess.CompletedProcess[str]) -> bool:
    status = json.loads(result.stdout)
    releases = next(s for s in status["streams"] if s["name"] == "releases")
    return releases["length"] == 1 and all(g["lag"] == 0 and g["pending"] == 0 for g in releases["groups"])


def test_a_second_run_is_refused_and_the_first_is_found_from_another_folder(tmp_path, seed_file):
    home, first_folder, other_folder = tmp_path / "home", tmp_path / "a", tmp_path / "b"
    for folder in (first_folder, other_folder, tmp_path / "inbox"):
        folder.mkdir()
    env = _home_env(home)
    log = (tmp_path / "run.log").open("w")
    first = subprocess.Popen([str(BIN / "pledgewatch"), "run", "--watch", str(tmp_path / "inbox")],
                             stdout=log, stderr=subprocess.STDOUT, env=env, cwd=first_folder)
    try:
        state_file = home / "run.json"
        assert _wait(state_file.exists), (tmp_path / "run.log").read_text()
        state = json.loads(state_file.read_text())

        second = _pledgewatch_in("run", "--watch", str(tmp_path / "inbox"), env=env, cwd=other_folder)
        assert second.returncode == 1
        assert second.stderr.splitlines() == [second.stderr.strip()]
        assert f"already running, pid {first.pid}, api {state['http_url']}" in second.stderr
        assert json.loads(state_file.read_text()) == state  # the first run's state is untouched
        client = redis.Redis.from_url(state["redis_url"])
        assert client.ping()  # and so is its Redis
        client.close()

        ingest = _pledgewatch_in("ingest", str(seed_file), env=env, cwd=other_folder)
        assert ingest.returncode == 0, ingest.stderr
        assert ingest.stdout.startswith("published rel-")

        assert _wait(lambda: _caught_up(_pledgewatch_in("status", "--json", env=env, cwd=other_folder)))
        status = json.loads(_pledgewatch_in("status", "--json", env=env, cwd=other_folder).stdout)
        assert status["run"] == {"pid": first.pid, "api": state["http_url"],
                                 "workers": [{"number": 1, "pid": first.pid, "running": True, "delivery": False}]}
        assert status["api"]["status"] == "ok"
        assert set(status["api"]["checks"]) == {"ingest", "classifier", "notifier", "ledger"}
        assert status["redis_url"] == redacted(state["redis_url"])  # the embedded Redis's password as ***
        assert status["dead_letters"] == {"total": 0, "by_origin": {}, "newest": [], "cap": 1_000_000,
                                          "near_cap": False}

        text = _pledgewatch_in("status", env=env, cwd=other_folder)
        assert text.returncode == 0, text.stderr
        assert f"{redacted(state['redis_url'])}  the run's (redis-cli -u <this URL with its password: " in text.stdout
        assert "releases" in text.stdout and "classifier" in text.stdout
        shown = _pledgewatch_in("status", "--show-secrets", env=env, cwd=other_folder)
        hint = re.search(r"redis-cli -u (\S+)\)", shown.stdout)
        assert hint
        hinted = redis.Redis.from_url(hint[1])
        assert hinted.ping()  # the URL as redis-py reads it
        hinted.close()
        if shutil.which("redis-cli"):  # the URL as redis-cli itself reads it, user name and password
            pong = subprocess.run(["redis-cli", "--no-auth-warning", "-u", hint[1], "ping"],
                                  capture_output=True, text=True, timeout=10)
            assert pong.stdout.strip() == "PONG", pong.stdout + pong.stderr
    finally:
        first.send_signal(signal.SIGINT)
        first.wait(timeout=30)
        log.close()
    assert first.returncode == 0
    gone = _pledgewatch_in("status", env=env, cwd=other_folder)
    assert gone.returncode == 1 and "no running pledgewatch found" in gone.stderr


def test_a_run_after_a_killed_run_starts(tmp_path):
    """The lock dies with its process: a run killed with SIGKILL does not block the next one."""
    home = tmp_path / "home"
    (tmp_path / "inbox").mkdir()
    env = _home_env(home)
    command = [str(BIN / "pledgewatch"), "run", "--watch", str(tmp_path / "inbox")]
    killed = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=tmp_path)
    assert _wait((home / "run.json").exists)
    killed.kill()
    killed.wait(timeout=10)
    log = (tmp_path / "next.log").open("w")
    following = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    try:
        assert _wait(lambda: (home / "run.json").exists() and
                     json.loads((home / "run.json").read_text())["pid"] == following.pid), \
            (tmp_path / "next.log").read_text()
    finally:
        following.send_signal(signal.SIGINT)
        following.wait(timeout=30)
        log.close()


def _embedded_redis_pid(run_pid: int, redis_url: str) -> int:
    """The pid of the run's embedded redis-server (its child listening on ``redis_url``'s port)."""
    port = redis_url.rsplit(":", 1)[1].split("/")[0]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes()  # redis-server rewrites it: "redis-server 127.0.0.1:PORT"
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == run_pid and b"redis-server" in title and f":{port}".encode() in title:
            return int(entry.name)
    raise AssertionError(f"no redis-server child of {run_pid} on port {port}")


def _gone(pid: int) -> bool:
    """Whether ``pid`` has ended and been reaped (a zombie still has its /proc entry)."""
    return not Path(f"/proc/{pid}").exists()


def _started_run(tmp_path: Path, home: Path):
    """A run on the embedded Redis, watching ``tmp_path/inbox``, its output in ``run.log``, once up:
    ``(process, output file, run.json)``."""
    (tmp_path / "inbox").mkdir()
    proc, out = _start_run(tmp_path, _home_env(home), "run.log")
    if not _wait((home / "run.json").exists):
        _stop(proc, out)
        raise AssertionError((tmp_path / "run.log").read_text())
    return proc, out, json.loads((home / "run.json").read_text())


def test_an_embedded_redis_that_dies_is_started_again_from_its_aof_and_the_run_goes_on(tmp_path, seed_file):
    home = tmp_path / "home"
    proc, out, state = _started_run(tmp_path, home)
    try:
        client = redis.Redis.from_url(state["redis_url"], socket_connect_timeout=0.5)
        client.set("kept-in-the-aof", "yes")
        first = _embedded_redis_pid(proc.pid, state["redis_url"])
        time.sleep(1.5)  # past the AOF's fsync of every second
        os.kill(first, signal.SIGKILL)

        assert _wait(lambda: _gone(first)), "the killed redis-server was left a zombie"
        assert _wait(lambda: _answers(client)), (tmp_path / "run.log").read_text()
        assert client.get("kept-in-the-aof") == b"yes"
        assert _embedded_redis_pid(proc.pid, state["redis_url"]) != first
        shutil.copy(seed_file, tmp_path / "inbox" / seed_file.name)
        assert _wait(lambda: "New commitments" in (tmp_path / "run.log").read_text()), \
            (tmp_path / "run.log").read_text()
        client.close()
    finally:
        _stop(proc, out)
    log = (tmp_path / "run.log").read_text()
    assert proc.returncode == 0, log
    assert "WARNING" in log and "embedded Redis" in log and "starting it again" in log


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a parent's death is signalled on Linux")
@pytest.mark.parametrize("restarted", [False, True], ids=["first", "started-again"])
def test_a_run_killed_with_sigkill_takes_its_embedded_redis_with_it(tmp_path, restarted):
    home = tmp_path / "home"
    proc, out, state = _started_run(tmp_path, home)
    server = None
    try:
        server = _embedded_redis_pid(proc.pid, state["redis_url"])
        if restarted:  # the watch's restart, forked by the thread that lives as long as the run
            os.kill(server, signal.SIGKILL)
            client = redis.Redis.from_url(state["redis_url"], socket_connect_timeout=0.5)
            assert _wait(lambda: _answers(client)), (tmp_path / "run.log").read_text()
            client.close()
            server = _embedded_redis_pid(proc.pid, state["redis_url"])
        proc.kill()
        proc.wait(timeout=10)
        assert _wait(lambda: _ended(server)), (tmp_path / "run.log").read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        out.close()
        if server is not None and not _ended(server):
            os.kill(server, signal.SIGKILL)


def _answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


def test_an_embedded_redis_that_cannot_be_started_again_stops_the_run_with_one_error_line(tmp_path):
    home = tmp_path / "home"
    proc, out, state = _started_run(tmp_path, home)
    try:
        redis_dir = home / "redis"
        aof = next(p for p in [redis_dir / "appendonly.aof", *redis_dir.glob("appendonlydir/*.manifest")]
                   if p.exists())
        with aof.open("r+b") as damaged:  # a server started on it again refuses it
            damaged.write(b"not an append-only file\r\n")
        os.kill(_embedded_redis_pid(proc.pid, state["redis_url"]), signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            _stop(proc, out)
        out.close()
    log = (tmp_path / "run.log").read_text()
    assert proc.returncode == 1, log
    errors = [line for line in log.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and errors[0].startswith("error: embedded Redis exited"), log


def test_a_sigterm_stops_the_run_cleanly_and_says_so(tmp_path):
    proc, out, _ = _started_run(tmp_path, tmp_path / "home")
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    out.close()
    log = (tmp_path / "run.log").read_text()
    assert proc.returncode == 0, log
    assert "pledgewatch stopping" in log and "pledgewatch stopped" in log
    assert "Traceback" not in log and "ERROR" not in log


def test_while_redis_is_frozen_every_http_read_answers_within_its_bound(tmp_path):
    """SIGSTOP: Redis keeps its connections open and answers nothing. /healthz answers 503 every time, the reads
    503 with Retry-After, /metrics 200 with what the process counts by itself (decision 0083); none hangs (a
    request unanswered after 20 s would)."""
    home = tmp_path / "home"
    proc, out, state = _started_run(tmp_path, home)
    frozen = _embedded_redis_pid(proc.pid, state["redis_url"])
    headers = {"Authorization": f"Bearer {(home / 'api-token').read_text().strip()}"}
    answers = []
    os.kill(frozen, signal.SIGSTOP)
    try:
        for path in ["/healthz"] * 4 + ["/metrics", "/ledger/releases"]:
            request = urllib.request.Request(state["http_url"] + path, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=20):
                    answers.append((path, 200, None))
            except urllib.error.HTTPError as error:
                answers.append((path, error.code, error.headers.get("Retry-After")))
            time.sleep(1)  # the scheduler wakes meanwhile, as it does in a run
    finally:
        os.kill(frozen, signal.SIGCONT)
        _stop(proc, out)
    assert [code for _, code, _ in answers] == [503] * 4 + [200, 503], answers
    assert int(answers[-1][2]) > 0, answers


def test_ingest_from_another_shell_reaches_a_run_with_its_own_prefix_and_is_counted(tmp_path, seed_file):
    """The run's PLEDGEWATCH_PREFIX is recorded in its run.json: a command without it publishes where the run
    reads, one with another is refused; what the command published is counted at the run's /metrics."""
    (tmp_path / "inbox").mkdir()
    home = tmp_path / "home"
    shell = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    shell.update({"PLEDGEWATCH_HOME": str(home), "PYTHONUNBUFFERED": "1"})
    proc, out = _start_run(tmp_path, {**shell, "PLEDGEWATCH_PREFIX": "w2pfx:", "PLEDGEWATCH_HTTP_PORT": "0"}, "run.txt")
    try:
        assert _wait((home / "run.json").exists), (tmp_path / "run.txt").read_text()
        refused = subprocess.run([sys.executable, "-m", "pledgewatch.cli", "ingest", str(seed_file)],
                                 capture_output=True, text=True, env={**shell, "PLEDGEWATCH_PREFIX": "other:"},
                                 timeout=60)
        assert refused.returncode == 2 and "uses 'w2pfx:'" in refused.stderr, refused.stderr
        ingest = subprocess.run([sys.executable, "-m", "pledgewatch.cli", "ingest", str(seed_file)],
                                capture_output=True, text=True, env=shell, timeout=60)
        assert ingest.returncode == 0 and ingest.stdout.startswith("published rel-"), ingest.stderr
        assert _wait(lambda: "New commitments" in (tmp_path / "run.txt").read_text())  # read, classified, alerted

        api = json.loads((home / "run.json").read_text())["http_url"]
        with urllib.request.urlopen(f"{api}/metrics", timeout=10) as response:
            metrics = response.read().decode()
        assert 'pledgewatch_releases_published_total{source_kind="file"} 1.0' in metrics
    finally:
        _stop(proc, out)
