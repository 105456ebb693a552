"""Real parts for the notifier: a running NotifierService, an HTTP receiver, an SMTP server."""

from __future__ import annotations

import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
import redis.asyncio as aioredis

sys.path.insert(0, str(Path(__file__).parent))  # notifier_harness.py
sys.path.insert(0, str(Path(__file__).parents[2] / "unit" / "notifier"))  # samples.py

from notifier_harness import Inbox, Receiver, Running, fast_config, smtp_server  # noqa: E402
from schemas import ReleaseClassifiedEvent  # noqa: E402
from schemas.streams import CLASSIFIED, EVENT_FIELD  # noqa: E402
from services.common.service import make_broker  # noqa: E402
from services.notifier.delivery_service import DeliveryService  # noqa: E402
from services.notifier.service import NotifierService  # noqa: E402


@pytest.fixture
async def notifier(settings):
    """``await notifier(config=..., subscriptions=path)`` starts one; all are stopped afterwards.
    ``webhook_timeout`` is a common setting (``Settings.webhook_timeout``), not a NotifierConfig one."""
    started = []

    async def start(config=None, subscriptions=None, webhook_timeout=1.0, allow_private_targets=None,
                    open_reads=True, **kw):
        update = {"subscriptions": subscriptions, "webhook_timeout": webhook_timeout,
                  "consumer": f"n-{uuid.uuid4().hex[:6]}", "open_reads": open_reads}
        if allow_private_targets is not None:
            update["allow_private_targets"] = allow_private_targets
        s = settings.model_copy(update=update)
        running = await Running(s, config or fast_config(), **kw).start()
        started.append(running)
        return running

    yield start
    for running in reversed(started):
        await running.stop()


@pytest.fixture
def publish_classified(settings):
    async def publish(service: NotifierService, release, *, event_id=None):
        streams = service.runtime.streams
        event = ReleaseClassifiedEvent.wrap(release, id=event_id or f"{release.release_id}/v{release.version}",
                                            source="/test", time=datetime.now(timezone.utc),
                                            subject=release.release_id)
        return await streams.client.xadd(streams.key(CLASSIFIED), {EVENT_FIELD: event.to_json()})
    return publish


@pytest.fixture
async def receiver():
    r = Receiver()
    await r.start()
    yield r
    await r.stop()


@pytest.fixture
def write_yaml(tmp_path):
    def write(text: str, name: str = "subscriptions.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path
    return write


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on 127.0.0.1: (its controller, its :class:`Inbox`)."""
    inbox = Inbox()
    with smtp_server(inbox) as controller:
        yield controller, inbox


@pytest.fixture
async def redis_client(redis_url):
    """An asyncio client of the test Redis."""
    client = aioredis.Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
async def delivery():
    """``await delivery(notifier_running)``: a delivery service with the notifier's settings, stopped afterwards."""
    started = []

    async def start(running) -> DeliveryService:
        service = DeliveryService(running.service.settings.model_copy(update={"notifier": running.service.config}))
        service.attach(make_broker(running.service.settings))
        await service.start()
        await service.started()
        started.append(service)
        return service

    yield start
    for service in reversed(started):
        await service.stop()
