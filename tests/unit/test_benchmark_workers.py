"""The benchmarks start workers as `pledgewatch run --workers` does: with what `pledgewatch.worker` reads."""

import io
import sys
from pathlib import Path

import pytest

from pledgewatch import worker
from services.common.settings import Settings

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
import harness  # noqa: E402


class _Started:
    """A process that is not started: what it was given on stdin is kept."""

    given = b""

    def __init__(self, *args, **kwargs):
        self.stdin = self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def write(self, data):
        _Started.given = data


class _Built(Exception):
    pass


def _build(settings, run_consumer, number):
    raise _Built(settings, run_consumer, number)


def test_a_benchmark_worker_is_given_what_the_worker_reads(monkeypatch, tmp_path):
    monkeypatch.setattr(harness.subprocess, "Popen", _Started)
    harness.start_worker(Settings(redis_url="redis://127.0.0.1:1/0", consumer="worker-1"), 2, tmp_path / "w.log")
    monkeypatch.setattr(worker.sys, "stdin", type("Stdin", (), {"buffer": io.BytesIO(_Started.given)}))
    monkeypatch.setattr(worker, "setup_logging", lambda *args, **kwargs: None)
    monkeypatch.setattr(worker, "build_worker", _build)
    with pytest.raises(_Built) as built:
        worker.main()
    settings, run_consumer, number = built.value.args
    assert (settings.consumer, number) == ("worker-1", 2) and run_consumer
