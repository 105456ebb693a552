"""Which events travel on which stream, and which service writes each: the map the AsyncAPI document
(``docs/asyncapi.*``) is drawn from. The readers are the services' own consumer groups."""

from __future__ import annotations

from typing import Any

from .alerts import AlertDeliveredEvent, AlertEvent, AlertFailedEvent, ReminderDueEvent
from .classified import ReleaseClassifiedEvent
from .dead_letter import DeadLetterEvent
from .envelope import CloudEvent
from .release import ReleasePublishedEvent
from .sources import SourceResumedEvent, SourceWentQuietEvent
from .streams import ALERTS, CLASSIFIED, DEAD_LETTERS, DELIVERIES, RELEASES, REMINDERS, SOURCES

STREAM_EVENTS: dict[str, tuple[type[CloudEvent[Any]], ...]] = {
    RELEASES: (ReleasePublishedEvent,),
    CLASSIFIED: (ReleaseClassifiedEvent,),
    ALERTS: (AlertEvent,),
    REMINDERS: (ReminderDueEvent,),
    DELIVERIES: (AlertDeliveredEvent, AlertFailedEvent),
    DEAD_LETTERS: (DeadLetterEvent,),
    SOURCES: (SourceWentQuietEvent, SourceResumedEvent),
}

STREAM_PURPOSES = {
    RELEASES: "New or changed releases, one entry per distinct content of a release (version 1, 2, ...).",
    CLASSIFIED: "One classification per release version, flagged or not: its commitments, money and deadlines.",
    ALERTS: "Every alert decided for a subscriber, when decided, for other services to follow: before its "
            "delivery is tried (a digest subscriber's before its digest); deliveries says how each went.",
    REMINDERS: "Deadline reminders that fell due.",
    DELIVERIES: "The audit trail: one alert.delivered or alert.failed per delivery attempt.",
    DEAD_LETTERS: "Entries no service could process, with the original payload and the reason.",
    SOURCES: "Polled sources gone quiet (nothing published for several usual gaps) and back: one "
             "source.quiet and one source.resumed per quiet spell.",
}

# Every service that reads a stream dead-letters what it cannot process; ingest also refused release files.
WRITERS: dict[str, tuple[str, ...]] = {
    "ingest": (RELEASES, DEAD_LETTERS, SOURCES),
    "classifier": (CLASSIFIED, DEAD_LETTERS),
    "notifier": (ALERTS, REMINDERS, DELIVERIES, DEAD_LETTERS),
    "ledger": (DEAD_LETTERS,),
}
