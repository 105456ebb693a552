"""What the command tests share: the commands run in this process against the test's Redis and key prefix."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
import redis

sys.path.insert(0, str(Path(__file__).parent))  # cli_harness.py

from pledgewatch.cli import main  # noqa: E402
from services.common.logs import NOISY_LOGGERS  # noqa: E402


@pytest.fixture
def cli(settings, monkeypatch):
    """Runs ``pledgewatch ARGS`` in this process against the test's Redis and key prefix; the logging a command
    sets up (``ingest`` quiets the root logger to CRITICAL) is undone after the test, so that a later test's
    ``caplog`` still sees warnings."""
    monkeypatch.setenv("REDIS_URL", settings.redis_url)
    monkeypatch.setenv("PLEDGEWATCH_PREFIX", settings.prefix)
    root = logging.getLogger()
    loggers = [root, *(logging.getLogger(name) for name in (*NOISY_LOGGERS, "apprise"))]
    levels, handlers = [logger.level for logger in loggers], list(root.handlers)
    yield lambda *args: main(list(args))
    for logger, level in zip(loggers, levels):
        logger.setLevel(level)
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)


@pytest.fixture
def client(redis_url):
    c = redis.Redis.from_url(redis_url)
    yield c
    c.close()
