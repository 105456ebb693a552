"""Per-subscription isolation: one subscription that fails to match or plan never stops the others.

A subscription whose step raises is *quarantined* for that release version: skipped, with the
reason kept for one log line and one dead letter (see :meth:`NotifierService._report_quarantined`).
Pure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from services.common.errors import failure_text

from .subscriptions import Subscription

T = TypeVar("T")


@dataclass(frozen=True)
class Quarantined:
    subscription_id: str
    stage: str  # "matching", "planning alerts", "planning reminders"
    reason: str


def isolate(subs: Iterable[Subscription], stage: str,
            step: Callable[[Subscription], T]) -> tuple[list[tuple[Subscription, T]], list[Quarantined]]:
    """``step`` for each subscription: the results of those it succeeded for, in order, and the
    quarantined rest, each with a one-line reason naming ``stage`` and the error."""
    done: list[tuple[Subscription, T]] = []
    quarantined: list[Quarantined] = []
    for sub in subs:
        try:
            done.append((sub, step(sub)))
        except Exception as exc:  # a bad subscription, whatever its fault: set it aside
            detail = failure_text(exc)[:300]
            quarantined.append(Quarantined(sub.id, stage, f"{stage} failed: {detail}"))
    return done, quarantined
