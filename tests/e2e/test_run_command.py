"""`pledgewatch run` as a user starts it: embedded Redis, console alerts, clean stop."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
import redis

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
        assert state["redis_url"].startswith("redis://127.0.0.1:")

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
    assert (data / "redis" / "appendonly.aof").exists()
    client = redis.Redis.from_url(state["redis_url"], socket_connect_timeout=0.5)
    with pytest.raises(redis.ConnectionError):
        client.ping()
    client.close()
