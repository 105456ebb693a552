"""A notifier stopped while its Redis answers nothing (stopped with SIGSTOP) stops within a supervisor's grace."""

import asyncio
import logging
import os
import signal

import pytest

from notifier_harness import Running, fast_config
from services.common.embedded_redis import EmbeddedRedis
from services.common.tidying import TIDY_SECONDS

pytestmark = pytest.mark.integration


async def test_a_notifier_stopping_on_a_frozen_redis_gives_up_its_lock_at_its_bound(settings, tmp_path, caplog):
    """Before: its release of the reminder scheduler's lock waited out the command timeout (5 s) on a Redis that
    answers nothing, one of the waits that took a notifier's stop past `docker compose stop`'s 10 s."""
    frozen = EmbeddedRedis(tmp_path / "frozen")
    url = frozen.start()
    try:
        s = settings.model_copy(update={"redis_url": url, "consumer": "frozen-stop"})
        running = await Running(s, fast_config()).start()
        for _ in range(200):  # elected at its first turn
            if running.service.leader is not None and running.service.leader.is_leader:
                break
            await asyncio.sleep(0.05)
        assert running.service.leader.is_leader
        os.kill(frozen.pid, signal.SIGSTOP)
        try:
            with caplog.at_level(logging.WARNING, logger="services.notifier.service"):
                await running.stop()
        finally:
            os.kill(frozen.pid, signal.SIGCONT)
    finally:
        frozen.stop()
    assert (f"could not release the reminder scheduler's lock: Redis did not answer within {TIDY_SECONDS:g} s"
            in caplog.text)
