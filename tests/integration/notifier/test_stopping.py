"""A notifier's stop ends even when one of its tasks absorbed the cancellation (redis-py does so when it arrives
in the middle of a command) and went on to wait. Real Redis."""

import asyncio

import pytest

from services.notifier.service import NotifierService

from notifier_harness import fast_config

pytestmark = pytest.mark.integration


async def test_stop_ends_when_the_leaders_tick_absorbed_its_cancellation(notifier, write_yaml, monkeypatch):
    ticking = asyncio.Event()

    async def absorbs_then_waits(self):
        try:
            ticking.set()
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            pass
        await asyncio.Event().wait()  # what a tick does next: here, forever

    monkeypatch.setattr(NotifierService, "_leader_tick", absorbs_then_waits)
    n = await notifier(config=fast_config(), subscriptions=write_yaml("subscriptions: [{id: desk, channels: [console]}]"))
    await asyncio.wait_for(ticking.wait(), timeout=10)
    await asyncio.wait_for(n.stop(), timeout=10)
