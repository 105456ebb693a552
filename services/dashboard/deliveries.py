"""Where each subscription's deliveries stand, from the attempts audited on the deliveries stream. Pure.

One delivery is one alert through one channel of one subscription; its last attempt says where it stands:
``delivered``, ``retrying`` (failed, another attempt to come), ``partly delivered`` (an email that reached
some of its recipients, the others refused for good) or ``dead-lettered`` (failed for good).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import AwareDatetime

from schemas.alerts import DeliveryAttempt
from services.notifier.addresses import shown_mailbox
from services.notifier.channels.recipients_missed import read


@dataclass(frozen=True)
class DeliveryStatus:
    delivered: int = 0
    retrying: int = 0
    dead_lettered: int = 0
    last: DeliveryAttempt | None = None  # the latest attempt of any delivery
    partly_delivered: int = 0
    not_reached: tuple[str, ...] = ()  # the addresses partly delivered emails did not reach

    @property
    def last_standing(self) -> str | None:
        """Where the delivery of the latest attempt stands (see :func:`standing`)."""
        return standing(self.last) if self.last is not None else None

    @property
    def last_at(self) -> AwareDatetime | None:
        return self.last.at if self.last is not None else None


def standing(attempt: DeliveryAttempt) -> str:
    """``delivered``, ``retrying``, ``partly delivered`` or ``dead-lettered``: where a delivery whose last
    attempt this is stands."""
    if attempt.outcome == "delivered":
        return "delivered"
    if not attempt.final:
        return "retrying"
    missed = read(attempt.error)
    return "partly delivered" if missed is not None and missed.reached > 0 else "dead-lettered"


def delivery_of(event_id: str, attempt: DeliveryAttempt) -> tuple[str, ...]:
    """The delivery an attempt belongs to: its job, which its event's id names (``<job>/<attempt>``, or
    ``<job>/r<replays>/<attempt>`` once replayed). Not its ``destination``: two webhooks of one host are shown
    alike (docs/decisions/0051), and one alert through both is two deliveries. An id of another form: its alert
    and destination."""
    job, slash, _ = event_id.partition("/")
    return (attempt.subscription_id, job) if slash and job else (
        attempt.subscription_id, attempt.alert_id, attempt.destination)


def delivery_statuses(attempts: Iterable[tuple[str, DeliveryAttempt]]) -> dict[str, DeliveryStatus]:
    """Each subscription's counts of deliveries by where they stand, and its latest attempt (by ``at``), from
    its attempts, each after its event's id."""
    last: dict[tuple[str, ...], DeliveryAttempt] = {}
    for event_id, attempt in attempts:
        one = delivery_of(event_id, attempt)
        held = last.get(one)
        if held is None or (attempt.at, attempt.attempt) >= (held.at, held.attempt):
            last[one] = attempt
    counts: dict[str, Counter[str]] = {}
    latest: dict[str, DeliveryAttempt] = {}
    missed: dict[str, set[str]] = {}
    for attempt in last.values():
        sub_id = attempt.subscription_id
        where = standing(attempt)
        counts.setdefault(sub_id, Counter())[where] += 1
        if where == "partly delivered" and (told := read(attempt.error)) is not None:
            missed.setdefault(sub_id, set()).update(shown_mailbox(address) for address in told.addresses)
        if sub_id not in latest or attempt.at > latest[sub_id].at:
            latest[sub_id] = attempt
    return {sub_id: DeliveryStatus(delivered=t["delivered"], retrying=t["retrying"],
                                   dead_lettered=t["dead-lettered"], last=latest[sub_id],
                                   partly_delivered=t["partly delivered"],
                                   not_reached=tuple(sorted(missed.get(sub_id, ()))))
            for sub_id, t in counts.items()}
