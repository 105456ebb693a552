"""Event contracts: pydantic models, CloudEvents envelopes, stream names."""

from .alerts import (
    Alert,
    AlertDeliveredEvent,
    AlertEvent,
    AlertFailedEvent,
    AlertKind,
    DeliveryAttempt,
    ReleaseRef,
    ReminderDue,
    ReminderDueEvent,
    ReminderInfo,
)
from .classified import (
    Category,
    Commitment,
    DateDeadline,
    Deadline,
    Evidence,
    Kind,
    Money,
    PeriodDeadline,
    ReleaseClassified,
    ReleaseClassifiedEvent,
    ResponseTimeDeadline,
)
from .dead_letter import DeadLetter, DeadLetterEvent
from .envelope import CloudEvent, EventError, decode_event, event_types
from .release import ReleasePublished, ReleasePublishedEvent

__all__ = [name for name in dir() if not name.startswith("_")]
