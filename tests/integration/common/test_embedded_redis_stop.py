"""Stopping the embedded Redis of a run: a server that does not stop on SIGTERM is killed, and the log says so."""

from __future__ import annotations

import logging
import os
import signal

import pytest

from services.common import embedded_redis
from services.common.embedded_redis import EmbeddedRedis

pytestmark = pytest.mark.integration


def test_a_frozen_embedded_redis_is_killed_at_stop_with_a_warning_saying_so(tmp_path, monkeypatch, caplog):
    """Before: a Redis that did not stop on SIGTERM (frozen, or its disk hanging) held the run's stop for 10 s
    without a line, then was killed without one: the end of the log did not say why the stop took so long, nor
    that the last second of writes might not be in the AOF."""
    monkeypatch.setattr(embedded_redis, "STOP_SECONDS", 0.5)
    server = EmbeddedRedis(tmp_path / "redis", appendonly=False)
    server.start()
    pid = server._process.pid
    os.kill(pid, signal.SIGSTOP)  # frozen: SIGTERM waits until SIGCONT, which never comes
    with caplog.at_level(logging.WARNING, logger=embedded_redis.__name__):
        server.stop()
    [record] = [r for r in caplog.records if r.name == embedded_redis.__name__]
    assert f"pid {pid}" in record.getMessage() and "killed" in record.getMessage()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
