"""A notifier that sends nothing (``PLEDGEWATCH_DELIVERY_PROCESS``) with no delivery process running: its leader
warns that deliveries wait with nobody to send them, and says so no more once one runs. Each delivery process
writes its heartbeat, and takes it out when it stops. Real Redis."""

from __future__ import annotations

import logging
import time

import pytest

from samples import BORDERS, release
from services.notifier.delivery_presence import KEY, beat_text, parse_beats

from notifier_harness import fast_config, wait_for

pytestmark = pytest.mark.integration

NOBODY_SENDS = "no delivery process has written a heartbeat"


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"heartbeat_seconds": 0.05})  # a delivery process missed within 0.2 s


def _logged(caplog, text: str, level: int) -> bool:
    return any(text in r.getMessage() and r.levelno == level for r in caplog.records)


async def test_the_leader_warns_of_deliveries_due_with_no_delivery_process_and_stops_once_one_sends(
        notifier, delivery, receiver, write_yaml, publish_classified, caplog):
    caplog.set_level(logging.INFO, logger="services.notifier.service")
    subscriptions = write_yaml(f'subscriptions: [{{id: desk, reminders: [], channels: '
                               f'[{{webhook: {{url: "{receiver.url("hook")}"}}}}]}}]')
    n = await notifier(config=fast_config(delivery_process=True), subscriptions=subscriptions)
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: _logged(caplog, NOBODY_SENDS, logging.WARNING), what="the warning")
    [warning] = [r.getMessage() for r in caplog.records if NOBODY_SENDS in r.getMessage()]
    assert warning.startswith("1 delivery due, the oldest for ")
    assert "docker compose --profile delivery-process up -d" in warning
    assert receiver.requests == []

    await delivery(n)
    await wait_for(lambda: len(receiver.requests) == 1, what="the alert sent by the delivery process")
    await wait_for(lambda: _logged(caplog, "a delivery process is live again", logging.INFO), what="the all-clear")
    assert len([r for r in caplog.records if NOBODY_SENDS in r.getMessage()]) == 1


async def test_a_delivery_process_writes_its_heartbeat_and_takes_it_out_when_it_stops(notifier, delivery):
    n = await notifier(config=fast_config(delivery_process=True))
    service = await delivery(n)
    client, key = n.service.runtime.streams.client, n.service.runtime.streams.key(KEY)

    async def beats() -> dict[str, float]:
        fields = await client.hgetall(key)
        return parse_beats({k.decode(): v.decode() for k, v in fields.items()})

    await wait_for(lambda: _has(beats(), service.settings.consumer), what="its heartbeat")
    await service.stop()
    assert service.settings.consumer not in await beats()


async def _has(beats, consumer: str) -> bool:
    return consumer in await beats


async def test_a_notifier_that_sends_takes_out_the_heartbeats_of_delivery_processes_gone(notifier, redis_client,
                                                                                          settings):
    """A delivery process killed leaves its heartbeat for an hour; with the setting then turned off, as the warning
    advises, the notifier sends: ``pledgewatch status`` run without the setting took the old heartbeat for delivery
    processes expected, and warned (exit 1) of deliveries nobody sends while the notifier sent them."""
    key = settings.key(KEY)
    await redis_client.hset(key, mapping={"killed": beat_text(41, time.time() - 600),
                                          "running": beat_text(42, time.time() + 60)})
    await notifier(config=fast_config(delivery_process=False))
    assert set(parse_beats({k.decode(): v.decode() for k, v in (await redis_client.hgetall(key)).items()})) == {
        "running"}
