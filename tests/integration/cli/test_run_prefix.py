"""The commands that talk to a running ``pledgewatch run`` use its key prefix (PLEDGEWATCH_PREFIX), recorded in its
run.json: a release published under another prefix would be read by nobody."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import redis

from pledgewatch.runlock import RunLock
from schemas.streams import DEAD_LETTERS, RELEASES

pytestmark = pytest.mark.integration


def _pledgewatch(*args, env):
    full = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    return subprocess.run([sys.executable, "-m", "pledgewatch.cli", *map(str, args)], capture_output=True,
                          text=True, env={**full, **env}, timeout=60)


@pytest.fixture
def run_home(tmp_path, redis_url, key_prefix):
    """A data folder as a run with ``key_prefix`` leaves it: its run.json, its lock held (by this process)."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "run.json").write_text(json.dumps({"pid": os.getpid(), "redis_url": redis_url, "prefix": key_prefix,
                                               "http_url": "http://127.0.0.1:1", "workers": [os.getpid()]}))
    with RunLock(home):
        yield home


@pytest.fixture
def client(redis_url):
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    yield client
    client.close()


def test_ingest_without_a_prefix_publishes_under_the_prefix_of_the_run(run_home, key_prefix, seed_file, client):
    result = _pledgewatch("ingest", seed_file, env={"PLEDGEWATCH_HOME": str(run_home)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("published rel-")
    assert client.xlen(f"{key_prefix}{RELEASES}") == 1


@pytest.mark.parametrize("redis_url_given", [False, True], ids=["run-redis", "same-redis-url"])
def test_ingest_with_another_prefix_than_the_run_is_refused_naming_both(run_home, key_prefix, redis_url, seed_file,
                                                                        client, redis_url_given):
    other = f"other-{key_prefix}"
    env = {"PLEDGEWATCH_HOME": str(run_home), "PLEDGEWATCH_PREFIX": other}
    if redis_url_given:
        env["REDIS_URL"] = redis_url
    result = _pledgewatch("ingest", seed_file, env=env)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"error: PLEDGEWATCH_PREFIX={other!r} but the pledgewatch running in "
                                    f"{run_home} uses {key_prefix!r}: "), result.stderr
    assert result.stderr.count("\n") == 1
    assert not client.exists(f"{other}{RELEASES}") and not client.exists(f"{other}{DEAD_LETTERS}")


def test_status_and_dlq_without_a_prefix_read_the_keys_of_the_run(run_home, key_prefix, seed_file, tmp_path, client):
    env = {"PLEDGEWATCH_HOME": str(run_home)}
    empty = tmp_path / "2020-01-01-empty.txt"
    empty.write_text("")
    same_prefix = {**env, "PLEDGEWATCH_PREFIX": key_prefix}  # the run's own: allowed
    assert _pledgewatch("ingest", seed_file, env=same_prefix).returncode == 0
    assert _pledgewatch("ingest", empty, env=same_prefix).returncode == 1  # kept on the dead-letter stream

    status = json.loads(_pledgewatch("status", "--json", env=env).stdout)
    assert next(s for s in status["streams"] if s["name"] == RELEASES)["length"] == 1
    assert status["dead_letters"]["total"] == 1 and status["prefix"] == key_prefix
    listing = _pledgewatch("dlq", "list", env=env)
    assert listing.returncode == 0, listing.stderr
    assert "empty file" in listing.stdout


@pytest.fixture
def other_redis(tmp_path):
    """A second Redis, as a stray REDIS_URL in a shell may name: the run does not read it."""
    from services.common.embedded_redis import EmbeddedRedis

    with EmbeddedRedis(tmp_path / "other-redis", appendonly=False) as other_url:
        other = redis.Redis.from_url(other_url)
        yield other_url, other
        other.close()


@pytest.mark.parametrize("command", [["ingest", "SEED"], ["status"], ["status", "--json"], ["dlq", "list"],
                                     ["ledger", "rebuild"], ["ingest", "--backfill", "--from", "2024-01-01"]],
                         ids=lambda command: " ".join(command))
def test_a_redis_url_of_another_redis_than_the_run_is_refused_naming_both(run_home, redis_url, other_redis,
                                                                         seed_file, command):
    """Before: `REDIS_URL=<another Redis> pledgewatch ingest FILE` published there, exit 0, and the release was never
    classified (no alert, no dead letter); `status` showed the run's pid and API beside that Redis's streams."""
    other_url, other = other_redis
    args = [seed_file if arg == "SEED" else arg for arg in command]
    result = _pledgewatch(*args, env={"PLEDGEWATCH_HOME": str(run_home), "REDIS_URL": other_url})
    assert result.returncode == 2 and result.stdout == "", result.stdout + result.stderr
    assert result.stderr.startswith(f"error: REDIS_URL={other_url} but the pledgewatch running in {run_home} uses "
                                    f"the Redis at {redis_url}: "), result.stderr
    assert "unset REDIS_URL" in result.stderr and "PLEDGEWATCH_HOME" in result.stderr
    assert result.stderr.count("\n") == 1
    assert other.dbsize() == 0  # nothing written where nobody reads


def test_the_redis_url_of_the_run_spelled_another_way_is_the_run_s(run_home, redis_url, key_prefix, seed_file,
                                                                   client):
    port = redis.Redis.from_url(redis_url).connection_pool.connection_kwargs["port"]
    same = f"redis://localhost:{port}"  # no database: 0, as the run's /0
    result = _pledgewatch("ingest", seed_file, env={"PLEDGEWATCH_HOME": str(run_home), "REDIS_URL": same})
    assert result.returncode == 0, result.stderr
    assert client.xlen(f"{key_prefix}{RELEASES}") == 1


def test_another_redis_on_purpose_is_used_from_a_data_folder_no_run_holds(run_home, other_redis, seed_file, tmp_path):
    """What the refusal offers: PLEDGEWATCH_HOME of another data folder, where no run goes, leaves REDIS_URL and
    PLEDGEWATCH_PREFIX as they are."""
    other_url, other = other_redis
    env = {"PLEDGEWATCH_HOME": str(tmp_path / "elsewhere"), "REDIS_URL": other_url, "PLEDGEWATCH_PREFIX": "elsewhere:"}
    result = _pledgewatch("ingest", seed_file, env=env)
    assert result.returncode == 0, result.stderr
    assert other.xlen(f"elsewhere:{RELEASES}") == 1
