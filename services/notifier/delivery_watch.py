"""The notifier's leader, when delivery processes send (``PLEDGEWATCH_DELIVERY_PROCESS``): at each tick, a warning in
its log while deliveries wait due and no delivery process is live (:mod:`.delivery_presence`)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from services.common.streams import Streams
from services.common.worker_liveness import beat_limit

from .delivery_presence import UnsentWatch, live, unsent_text
from .outbox_metrics import read_outbox

log = logging.getLogger("services.notifier.service")  # beside the notifier's other words on its deliveries


class DeliveryWatch:
    def __init__(self, streams: Streams, *, heartbeat_seconds: float,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.streams, self.limit = streams, beat_limit(heartbeat_seconds)
        self.monotonic = monotonic
        self._watch = UnsentWatch()

    async def tick(self) -> None:
        # due jobs and heartbeats judged at one reading of Redis's clock, as they were written: the delivery
        # processes' hosts may read another time than this one
        reading = await read_outbox(self.streams, beats=True)
        figures = reading.figures
        running = len(live(reading.beats, now=reading.now, limit=self.limit)) if figures.due else 0
        text = unsent_text(figures.due, figures.oldest_due_seconds, running, limit=self.limit)
        if (said := self._watch.note(text, now=self.monotonic())) is not None:
            level, message = said
            log.log(logging.WARNING if level == "warning" else logging.INFO, "%s", message)
