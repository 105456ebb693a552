"""Where each subscription's deliveries stand, from the attempts audited on the deliveries stream. Pure.

One delivery is one alert through one channel of one subscription; its last attempt says where it stands:
``delivered``, ``retrying`` (failed, another attempt to come) or ``dead-lettered`` (failed for good).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import AwareDatetime

from schemas.alerts import DeliveryAttempt


@dataclass(frozen=True)
class DeliveryStatus:
    delivered: int = 0
    retrying: int = 0
    dead_lettered: int = 0
    last: DeliveryAttempt | None = None  # the latest attempt of any delivery

    @property
    def last_at(self) -> AwareDatetime | None:
        return self.last.at if self.last is not None else None


def standing(attempt: DeliveryAttempt) -> str:
    """``delivered``, ``retrying`` or ``dead-lettered``: where a delivery whose last attempt this is stands."""
    if attempt.outcome == "delivered":
        return "delivered"
    return "dead-lettered" if attempt.final else "retrying"


def delivery_statuses(attempts: Iterable[DeliveryAttempt]) -> dict[str, DeliveryStatus]:
    """Each subscription's counts of deliveries by where they stand, and its latest attempt (by ``at``)."""
    last: dict[tuple[str, str, str], DeliveryAttempt] = {}
    for attempt in attempts:
        one = (attempt.subscription_id, attempt.alert_id, attempt.destination)
        held = last.get(one)
        if held is None or (attempt.at, attempt.attempt) >= (held.at, held.attempt):
            last[one] = attempt
    counts: dict[str, dict[str, int]] = {}
    latest: dict[str, DeliveryAttempt] = {}
    for (sub_id, _, _), attempt in last.items():
        tally = counts.setdefault(sub_id, {"delivered": 0, "retrying": 0, "dead-lettered": 0})
        tally[standing(attempt)] += 1
        if sub_id not in latest or attempt.at > latest[sub_id].at:
            latest[sub_id] = attempt
    return {sub_id: DeliveryStatus(delivered=t["delivered"], retrying=t["retrying"],
                                   dead_lettered=t["dead-lettered"], last=latest[sub_id])
            for sub_id, t in counts.items()}
