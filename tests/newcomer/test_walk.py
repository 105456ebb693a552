"""A newcomer's walk, as the README tells it, on a fresh clone: `make run`, then from another folder
`pledgewatch status`, a second run refused, a bad subscriptions file, `dlq list` and `dlq replay`,
`subscriptions test`, `--version`; and `make test` on a part of the suite."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis

# The per-test timeout (120 s) counts the module's fixtures too: `make run` on the fresh clone makes its venv and
# compiles the classifier's core first (1.5–3 minutes on two busy cores), and then waits up to 600 s for the seed.
pytestmark = [pytest.mark.newcomer, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
SEED_ALERT = "The UK will invest £10m over the next three years"


def _wait(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout to clone")
    where = tmp_path_factory.mktemp("newcomer") / "pledgewatch"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(where)], check=True, timeout=120)
    return where


@pytest.fixture(scope="module")
def env(clone, tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k not in ("REDIS_URL",)}
    clean.update(PLEDGEWATCH_HOME=str(home / "pledgewatch"), PLEDGEWATCH_HTTP_PORT="0", PYTHONUNBUFFERED="1")
    clean.pop("VIRTUAL_ENV", None)
    return clean


@pytest.fixture(scope="module")
def running(clone, env, tmp_path_factory):
    """`make run` in the clone, in the background, until the seed's alert is on its console."""
    log_path = tmp_path_factory.mktemp("run") / "make-run.txt"
    log = log_path.open("w")
    proc = subprocess.Popen(["make", "run"], cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        _wait(lambda: SEED_ALERT in log_path.read_text() or proc.poll() is not None, timeout=600, what="the seed alert")
        assert proc.poll() is None, log_path.read_text()
        yield proc, log_path
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def pledgewatch(clone, env, *args, cwd, timeout=120):
    return subprocess.run([str(clone / ".venv" / "bin" / "pledgewatch"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_the_walk(clone, env, running, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _, log_path = running

    # --show-secrets: the URL with the embedded Redis's password, to connect with
    status = pledgewatch(clone, env, "status", "--json", "--show-secrets", cwd=elsewhere)
    assert status.returncode == 0, status.stderr
    state = json.loads(status.stdout)
    redis_url = state["redis_url"]
    assert urlsplit(redis_url).hostname == "127.0.0.1" and urlsplit(redis_url).password

    second = subprocess.run(["make", "run"], cwd=clone, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode != 0
    assert "already running, pid" in second.stderr + second.stdout

    bad = elsewhere / "subscriptions.yaml"
    bad.write_text("subscriptions:\n  - id: desk\n    channels: [webhook: {url: not a url}]\n  - [\n")
    refused = pledgewatch(clone, env, "subscriptions", "validate", str(bad), cwd=elsewhere)
    assert refused.returncode == 1
    assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.stderr
    assert str(bad) in refused.stderr or "subscriptions.yaml" in refused.stderr

    client = redis.Redis.from_url(redis_url)
    try:
        client.xadd("pledgewatch:releases", {"__data__": b"not json"})
        listing = _wait(lambda: (r := pledgewatch(clone, env, "dlq", "list", "--json", cwd=elsewhere)).returncode == 0
                        and "not json" in r.stdout and r, timeout=30, what="the dead letter")
        letters = json.loads(listing.stdout)
        letter_id = _first_letter_id(letters)
        replay = pledgewatch(clone, env, "dlq", "replay", letter_id, cwd=elsewhere)
        assert replay.returncode == 0, replay.stderr
        assert client.xlen("pledgewatch:releases") >= 2
    finally:
        client.close()

    test = pledgewatch(clone, env, "subscriptions", "test", "console", cwd=elsewhere)
    assert test.returncode == 0, test.stderr
    assert "delivered" in test.stdout
    _wait(lambda: "[TEST]" in log_path.read_text(), timeout=30, what="the test notification on the console")

    version = pledgewatch(clone, env, "--version", cwd=elsewhere)
    assert version.returncode == 0 and version.stdout.startswith("pledgewatch ")


def test_make_test_runs_on_the_clone(clone, env):
    result = subprocess.run(["make", "test", "ARGS=tests/unit/ledger -q -p no:cacheprovider"], cwd=clone, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


def _first_letter_id(listing: dict) -> str:
    """The id of the dead letter holding our bad entry, from `dlq list --json`."""
    for letter in listing["letters"]:
        if "not json" in json.dumps(letter):
            return letter["id"]
    raise AssertionError(f"no letter with the bad entry in {listing}")
