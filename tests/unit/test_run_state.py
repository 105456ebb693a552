"""A run.json is believed only while its run holds the data folder's lock: a pid reused after a crash or a
reboot is not a running pledgewatch."""

import json
import os

import pytest

from pledgewatch.runlock import RunLock
from pledgewatch.runstate import read_run_state
from services.common.settings import Settings


def _settings(tmp_path):
    return Settings(data_dir=tmp_path, redis_url=None)


def test_a_run_json_whose_pid_lives_on_without_the_lock_is_stale(tmp_path):
    (tmp_path / "run.json").write_text(json.dumps({"pid": os.getpid(), "redis_url": "redis://127.0.0.1:1/0",
                                                   "http_url": "http://127.0.0.1:1"}))
    assert read_run_state(_settings(tmp_path)) is None


def test_a_run_json_of_the_run_holding_the_lock_is_believed(tmp_path):
    (tmp_path / "run.json").write_text(json.dumps({"pid": os.getpid(), "redis_url": "redis://127.0.0.1:1/0",
                                                   "http_url": "http://127.0.0.1:1"}))
    with RunLock(tmp_path):
        assert read_run_state(_settings(tmp_path))["redis_url"] == "redis://127.0.0.1:1/0"


def test_the_run_json_records_the_key_prefix_the_commands_then_use(tmp_path):
    from pledgewatch.runstate import command_redis, write_run_state

    run = Settings(data_dir=tmp_path, redis_url="redis://127.0.0.1:1/0", prefix="w2pfx:")
    write_run_state(run, http_url="http://127.0.0.1:1")
    with RunLock(tmp_path):
        command, _ = command_redis(_settings(tmp_path))
    assert (command.redis_url, command.prefix) == ("redis://127.0.0.1:1/0", "w2pfx:")


def test_a_run_json_without_a_prefix_leaves_the_commands_their_own(tmp_path):
    from pledgewatch.runstate import command_redis

    (tmp_path / "run.json").write_text(json.dumps({"pid": os.getpid(), "redis_url": "redis://127.0.0.1:1/0",
                                                   "http_url": "http://127.0.0.1:1"}))
    with RunLock(tmp_path):
        command, _ = command_redis(Settings(data_dir=tmp_path, redis_url=None, prefix="mine:"))
    assert (command.redis_url, command.prefix) == ("redis://127.0.0.1:1/0", "mine:")


def test_a_new_run_json_replaces_the_old_one_whole_so_no_reader_sees_it_empty(tmp_path):
    """Before: the file was truncated, then written, so `status` (or the next run's check) reading in between found
    it empty ("Expecting value: line 1 column 1"), and took no run for running."""
    from pledgewatch.runstate import write_run_state

    old = tmp_path / "run.json"
    old.write_text(json.dumps({"pid": 1}))
    with old.open() as reader_of_the_old:  # a reader that opened it just before
        write_run_state(_settings(tmp_path), http_url="http://127.0.0.1:1")
        assert json.loads(reader_of_the_old.read()) == {"pid": 1}
    assert json.loads(old.read_text())["pid"] == os.getpid()
    assert oct(old.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]


@pytest.mark.parametrize(("field", "read_cap"), [("dead_letters_maxlen", "dead_letter_cap"),
                                               ("stream_maxlen", "stream_cap")])
def test_status_takes_a_cap_of_the_run_it_finds_and_its_own_without_one(tmp_path, field, read_cap):
    from pledgewatch import status
    from pledgewatch.runstate import write_run_state

    cap_of = getattr(status, read_cap)
    run = Settings(data_dir=tmp_path, redis_url="redis://127.0.0.1:1/0", **{field: 500})
    write_run_state(run, http_url="http://127.0.0.1:1")
    command = Settings(data_dir=tmp_path, redis_url=None, **{field: 7})
    with RunLock(tmp_path):
        assert cap_of(read_run_state(command), command) == 500
    assert cap_of(None, command) == 7
    assert cap_of({"pid": 1}, command) == 7  # a run.json written before it held the cap


def test_one_redis_is_the_same_whatever_its_url_s_spelling_and_another_is_not():
    from pledgewatch.runstate import same_redis

    run = "redis://127.0.0.1:6379/0"
    for same in ("redis://localhost:6379/0", "redis://127.0.0.1", "redis://:pw@localhost/0", "redis://127.0.0.1/?db=0"):
        assert same_redis(same, run), same
    for other in ("redis://127.0.0.1:6399/0", "redis://127.0.0.1:6379/1", "redis://cache:6379/0",
                  "unix:///tmp/redis.sock"):
        assert not same_redis(other, run), other
    assert same_redis("unix:///tmp/r.sock?db=0", "unix:///tmp/./r.sock")
    assert same_redis("redis://h:port/0", "redis://h:port/0") and not same_redis("redis://h:port/0", run)


def test_run_json_is_owner_only_even_over_a_world_readable_one_left_half_written(tmp_path):
    """It carries the Redis password: a file a crashed run left beside it (0644, by its umask) must not lend its
    mode to the new one."""
    from pledgewatch.runstate import write_run_state

    (tmp_path / f".run.json.{os.getpid()}").write_text("{")
    (tmp_path / f".run.json.{os.getpid()}").chmod(0o644)
    write_run_state(_settings(tmp_path), http_url="http://127.0.0.1:1")
    assert oct((tmp_path / "run.json").stat().st_mode & 0o777) == "0o600"
