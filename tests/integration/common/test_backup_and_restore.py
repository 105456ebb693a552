"""Backup and restore as docs/RELIABILITY.md tells them, on a redis-server run as the embedded one and the compose
file's are (append-only file on, no RDB snapshots)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import redis

from services.common.embedded_redis import EmbeddedRedis

pytestmark = pytest.mark.integration

WAIT_SECONDS = 30


def _written(client: redis.Redis, names: list[str]) -> None:
    for name in names:
        client.set(name, "kept")


def _until(done, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT_SECONDS
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"Redis did not finish {what} within {WAIT_SECONDS} s")
        time.sleep(0.05)


def _rewritten(client: redis.Redis) -> None:
    """BGREWRITEAOF, and its end awaited as the docs say: INFO persistence shows no rewrite under way or due."""
    client.bgrewriteaof()
    _until(lambda: (info := client.info("persistence"))["aof_rewrite_in_progress"] == 0
           and info["aof_rewrite_scheduled"] == 0, "its AOF rewrite")


def _snapshot(client: redis.Redis) -> None:
    client.save()  # the RDB file BGSAVE writes, written before the answer


def _keys(folder: Path, *, appendonly: bool = True) -> set[str]:
    with EmbeddedRedis(folder, appendonly=appendonly) as url:
        return {key.decode() for key in redis.Redis.from_url(url).keys()}


def test_a_copy_of_the_data_taken_after_a_rewrite_while_redis_runs_restores_what_it_held(tmp_path: Path):
    data, backup = tmp_path / "redis", tmp_path / "backup"
    with EmbeddedRedis(data) as url:
        client = redis.Redis.from_url(url)
        _written(client, ["before-1", "before-2"])
        _rewritten(client)
        shutil.copytree(data, backup)
        _written(client, ["after"])
    shutil.rmtree(data)
    shutil.copytree(backup, data)
    assert _keys(data) == {"before-1", "before-2"}


def test_an_rdb_snapshot_alone_is_not_read_by_a_redis_with_its_append_only_file_on(tmp_path: Path):
    """Why the docs no longer offer a BGSAVE's RDB file as the backup of the compose file's Redis: put back in its
    empty volume, Redis (7.0 and later) starts from a new, empty append-only file and never reads it."""
    data, restored = tmp_path / "redis", tmp_path / "restored"
    with EmbeddedRedis(data) as url:
        client = redis.Redis.from_url(url)
        _written(client, ["kept"])
        _snapshot(client)
    restored.mkdir()
    shutil.copy(data / "dump.rdb", restored / "dump.rdb")
    assert _keys(restored) == set()


def test_an_rdb_snapshot_is_restored_through_a_start_without_the_append_only_file(tmp_path: Path):
    """The way back from an RDB file, as the docs give it: Redis started without AOF reads the snapshot;
    CONFIG SET appendonly yes writes the AOF from it; started again as usual, Redis has it all."""
    data, restored = tmp_path / "redis", tmp_path / "restored"
    with EmbeddedRedis(data) as url:
        client = redis.Redis.from_url(url)
        _written(client, ["kept-1", "kept-2"])
        _snapshot(client)
    restored.mkdir()
    shutil.copy(data / "dump.rdb", restored / "dump.rdb")
    with EmbeddedRedis(restored, appendonly=False) as url:
        client = redis.Redis.from_url(url)
        client.config_set("appendonly", "yes")
        _until(lambda: client.info("persistence")["aof_rewrite_in_progress"] == 0
               and client.info("persistence")["aof_rewrite_scheduled"] == 0
               and client.info("persistence")["aof_enabled"] == 1, "writing its AOF")
    assert _keys(restored) == {"kept-1", "kept-2"}
