"""A reminder scheduled before Redis restarts (append-only file on) fires once afterwards."""

import asyncio
import json
from datetime import datetime, timezone

import pytest

from samples import dated, release
from services.common.embedded_redis import EmbeddedRedis, free_port

from notifier_harness import desk_reminded_soon, fast_config, scheduled, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def redis_with_aof(tmp_path):
    """A private Redis with AOF on; ``restart()`` stops it (it writes its AOF) and starts it again
    on the same port from the same folder."""
    server = EmbeddedRedis(tmp_path / "aof-redis", appendonly=True, port=free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(settings, redis_with_aof):
    return settings.model_copy(update={"redis_url": redis_with_aof.url})


async def test_reminder_fires_once_after_redis_restarts(notifier, receiver, write_yaml, publish_classified,
                                                        redis_with_aof):
    path, due, _, fire_at = desk_reminded_soon(write_yaml, receiver.url("hook"))
    config = fast_config(reminder_time="00:00")
    first = await notifier(config=config, subscriptions=path, run_scheduler=False)
    await publish_classified(first.service, release(dated("c-dated", due)))
    await wait_for(lambda: scheduled(first.service), what="the reminder")
    await first.stop()

    # Redis goes down (SIGTERM: it writes its append-only file) and comes back from that file.
    redis_with_aof.stop()
    redis_with_aof.start()

    await asyncio.sleep(max(0.0, (fire_at - datetime.now(timezone.utc)).total_seconds()) + 0.5)
    second = await notifier(config=config, subscriptions=path)
    reminders = await wait_for(lambda: [h for h in receiver.hits("hook")
                                        if json.loads(h[2])["data"]["kind"] == "reminder"], what="reminder sent")
    await asyncio.sleep(1.0)
    assert len([h for h in receiver.hits("hook") if json.loads(h[2])["data"]["kind"] == "reminder"]) == 1
    assert json.loads(reminders[0][2])["data"]["reminder"]["due"] == due.isoformat()
    await second.stop()

