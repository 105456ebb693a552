"""A run.json is believed only while its run holds the data folder's lock: a pid reused after a crash or a
reboot is not a running pledgewatch."""

import json
import os

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
