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
from .digest import Digest, DigestEvent
from .due_week import DueDeadline, DueThisWeek, DueThisWeekEvent
from .envelope import CloudEvent, EventError, data_schema_uri, decode_event, event_schema_uri, event_types
from .probe import TestNotification, TestNotificationEvent
from .release import ReleasePublished, ReleasePublishedEvent

__all__ = [name for name in dir() if not name.startswith("_")]
