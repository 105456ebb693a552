"""What the command tests share: the commands run in this process against the test's Redis and key prefix."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import redis

sys.path.insert(0, str(Path(__file__).parent))  # cli_harness.py

from pledgewatch.cli import main  # noqa: E402


@pytest.fixture
def cli(settings, monkeypatch):
    """Runs ``pledgewatch ARGS`` in this process against the test's Redis and key prefix."""
    monkeypatch.setenv("REDIS_URL", settings.redis_url)
    monkeypatch.setenv("PLEDGEWATCH_PREFIX", settings.prefix)
    return lambda *args: main(list(args))


@pytest.fixture
def client(redis_url):
    c = redis.Redis.from_url(redis_url)
    yield c
    c.close()
