"""An embedded Redis that exits at start says why in the error line, from its own log, and for an append-only file
it cannot read says how to repair it, with a command that does.

Before: `error: embedded redis-server exited: see …/redis/redis.log`, where one line among Redis's start-up notes
said `Bad file format reading the append only file: make a backup of your AOF file, then use ./redis-check-aof --fix
<filename>`, a tool no `./` holds (the wheels ship redis-server alone, which is redis-check-aof under that name)."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
import redis

from services.common.embedded_redis import EmbeddedRedis
from services.common.errors import StartupError

pytestmark = pytest.mark.integration


def _aof_written_to(folder: Path) -> Path:
    """The file the server appends to: appendonly.aof (Redis 6), else the newest incremental file (Redis 7+)."""
    if (folder / "appendonly.aof").is_file():
        return folder / "appendonly.aof"
    return max((folder / "appendonlydir").glob("*.incr.aof"), key=lambda p: p.stat().st_mtime)


def test_a_damaged_aof_is_named_with_the_command_that_repairs_it(tmp_path):
    folder = tmp_path / "redis"
    server = EmbeddedRedis(folder, appendfsync="always")
    url = server.start()
    client = redis.Redis.from_url(url)
    client.set("kept", "yes")
    client.close()
    server.stop()
    with _aof_written_to(folder).open("ab") as aof:
        aof.write(b"garbage\r\n*3\r\n$3\r\nSET\r\n")  # a write no Redis wrote

    with pytest.raises(StartupError) as refused:
        EmbeddedRedis(folder, port=server.port).start()
    line = str(refused.value)
    assert "\n" not in line
    assert line.startswith("embedded redis-server exited: Bad file format reading the append only file"), line
    assert str(folder / "redis.log") in line
    command = re.search(r"repair it with `(.+?)`", line)
    assert command, line

    repaired = subprocess.run(shlex.split(command.group(1)), input="y\n", capture_output=True, text=True,
                              timeout=60)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    again = EmbeddedRedis(folder)
    client = redis.Redis.from_url(again.start())
    try:
        assert client.get("kept") == b"yes"
    finally:
        client.close()
        again.stop()


def test_a_server_that_exits_at_start_is_told_by_the_last_warning_of_its_log(tmp_path):
    folder = tmp_path / "redis"
    folder.mkdir()
    (folder / "appendonly.aof").mkdir()  # Redis 6 cannot open its AOF; Redis 7 cannot make its appendonlydir
    (folder / "appendonlydir").write_text("not a folder")
    with pytest.raises(StartupError) as refused:
        EmbeddedRedis(folder).start()
    line = str(refused.value)
    assert "\n" not in line and f"(its log: {folder / 'redis.log'})" in line, line
    assert not line.startswith("embedded redis-server exited: see"), line
