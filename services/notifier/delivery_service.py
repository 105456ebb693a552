"""The delivery worker as a service of its own, in a process of its own (``PLEDGEWATCH_DELIVERY_PROCESS``).

The notifier then sends nothing: its commits queue every job due and ring the bell (:mod:`.delivery_bell`), and
this service's worker claims them as soon as it rings, polling as before for retries and for jobs whose lease
ran out. Every guarantee of the outbox holds as with a worker in the notifier's process: a job is sent by one
claim at a time, marked done by the first write after its send, and one left by a process killed mid-send is
claimed again when its lease ends. Several delivery processes share the jobs through their claims. Each writes a
heartbeat (:mod:`.delivery_beats`), by which the notifier's leader and ``pledgewatch status`` tell deliveries
queued with no delivery process to send them.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from faststream.redis import RedisBroker

from services.common.api import Routes
from services.common.service import Runtime
from services.common.settings import Settings
from services.common.tasks import STOP_PATIENCE_SECONDS, cancel_and_wait, log_if_stopped, patience_left

from .delivery import DeliveryWorker
from .delivery_beats import DeliveryBeat
from .delivery_bell import BELL, BellListener
from .delivery_parts import delivery_worker, subscription_store
from .messages import SOURCE
from .store import FileSubscriptions
from .unsubscribe_spool import UnsubscribeSpool


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class DeliveryService:
    name = "delivery"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.runtime = Runtime(settings, source=SOURCE)
        self.file = FileSubscriptions(settings.subscriptions, report=False)  # the notifier tells of the file
        self.worker: DeliveryWorker | None = None
        self.bell: BellListener | None = None
        self.heartbeat: DeliveryBeat | None = None
        self._tasks: list[asyncio.Task[None]] = []

    def attach(self, broker: RedisBroker) -> None:
        pass  # no stream of its own to read: the bell is read by its own task

    async def start(self) -> None:
        streams = await self.runtime.open()
        store = subscription_store(streams, self.file, _utc_now)
        self.worker = delivery_worker(self.settings, self.settings.notifier, streams, store, self.file,
                                      UnsubscribeSpool(self.settings.unsubscribe_spool_folder))
        self.bell = BellListener(streams.client, streams.key(BELL), self.worker.wake)
        await self.bell.mark()
        self.heartbeat = DeliveryBeat(streams, self.settings.consumer, every=self.settings.heartbeat_seconds)

    async def started(self) -> None:
        assert self.worker is not None and self.bell is not None
        self._tasks += [asyncio.create_task(self.worker.run(), name="delivery-worker"),
                        asyncio.create_task(self.bell.listen(), name="delivery-bell")]
        for task in self._tasks:
            task.add_done_callback(log_if_stopped)
        if self.heartbeat is not None:
            self.heartbeat.start()

    async def stop(self) -> None:
        """The sends under way cancelled (their jobs claimed again when their leases end), the records written."""
        deadline = asyncio.get_running_loop().time() + STOP_PATIENCE_SECONDS
        if self.heartbeat is not None:
            await self.heartbeat.stop()
        if self.worker is not None:
            await self.worker.stop()
        await cancel_and_wait(self._tasks, what="the delivery process's tasks", patience=patience_left(deadline))
        self._tasks.clear()
        await self.runtime.close()

    def routes(self) -> Routes:
        return Routes()

    async def ping(self) -> None:
        for task in self._tasks:
            if task.done():
                error = task.exception() if not task.cancelled() else "cancelled"
                raise RuntimeError(f"delivery: background task {task.get_name()} stopped: {error!r}")
        await self.runtime.ping()
