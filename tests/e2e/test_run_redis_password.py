"""The embedded Redis of `pledgewatch run` is the run's alone: it asks for a password (kept owner-only in the
data folder, never on a command line), the commands find it through run.json, and its files are owner-only.
A data folder of a version without a password is taken over as it is."""

import json
import os
import socket
import stat
import subprocess
import sys

import pytest
import redis

from services.common.embedded_redis import EmbeddedRedis
from tests.e2e.test_run_command import _start_run, _stop, _wait

pytestmark = pytest.mark.e2e


def _as_a_version_without_a_password_left_it(redis_dir):
    """A redis/ folder as before: world-readable, its AOF holding a key, no password anywhere."""
    with EmbeddedRedis(redis_dir, appendfsync="always") as url:
        client = redis.Redis.from_url(url)
        client.set("kept-from-before", "yes")
        client.close()
    for path in [redis_dir, *redis_dir.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def _modes(folder):
    return {str(path.relative_to(folder)): stat.S_IMODE(path.stat().st_mode) for path in [folder, *folder.rglob("*")]}


def test_the_embedded_redis_asks_for_a_password_the_cli_has_and_ps_does_not_show(tmp_path, seed_file):
    (tmp_path / "inbox").mkdir()
    data = tmp_path / "data"
    _as_a_version_without_a_password_left_it(data / "redis")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    env.update({"PLEDGEWATCH_DATA_DIR": str(data), "PLEDGEWATCH_HTTP_PORT": "0", "PYTHONUNBUFFERED": "1"})
    proc, out = _start_run(tmp_path, env, "stdout.txt")
    try:
        assert _wait((data / "run.json").exists), (tmp_path / "stdout.txt").read_text()
        url = json.loads((data / "run.json").read_text())["redis_url"]
        password = (data / "redis-password").read_text().strip()
        assert len(password) >= 32
        assert url.startswith(f"redis://:{password}@127.0.0.1:")

        port = redis.Redis.from_url(url).connection_pool.connection_kwargs["port"]
        with socket.create_connection(("127.0.0.1", port), timeout=5) as stranger:  # any local user can connect
            stranger.sendall(b"GET kept-from-before\r\n")
            assert stranger.recv(200).startswith(b"-NOAUTH")

        owner = redis.Redis.from_url(url)
        assert owner.get("kept-from-before") == b"yes"  # the data of the version before is still there
        server_pid = owner.info("server")["process_id"]
        owner.close()
        # redis-server retitles itself once started: the arguments it was given are checked in
        # tests/integration/common/test_embedded_redis_password.py
        with open(f"/proc/{server_pid}/cmdline", "rb") as argv:
            assert password.encode() not in argv.read()

        status = subprocess.run([sys.executable, "-m", "pledgewatch.cli", "status"], capture_output=True, text=True,
                                env=env, cwd=tmp_path, timeout=60)
        assert status.returncode == 0, status.stderr
        assert password not in status.stdout and ":***@127.0.0.1:" in status.stdout
        ingest = subprocess.run([sys.executable, "-m", "pledgewatch.cli", "ingest", str(seed_file)],
                                capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
        assert ingest.returncode == 0, ingest.stderr

        assert stat.S_IMODE((data / "run.json").stat().st_mode) == 0o600
        assert stat.S_IMODE((data / "redis-password").stat().st_mode) == 0o600
        modes = _modes(data / "redis")
        assert {name: mode for name, mode in modes.items()
                if mode != (0o700 if (data / "redis" / name).is_dir() else 0o600)} == {}
        assert password not in (tmp_path / "stdout.txt").read_text()
    finally:
        _stop(proc, out)
    assert proc.returncode == 0, (tmp_path / "stdout.txt").read_text()
