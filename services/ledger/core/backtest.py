"""Backtest a subscription's filter on the ledger: the alerts it would have sent since a given time. Pure.

A subscriber gets one alert per release version holding commitments its filter selects, so the answer is
the releases published since then with such commitments, the latest first, each with those commitments.
Reading is by publication time (when a release was published, not when pledgewatch read it), and counts
commitments since removed or withdrawn too: they were alerted when they appeared.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from services.notifier.subscriptions import Filter

from .cards import Card
from .queries import CommitmentQuery, selector


@dataclass(frozen=True)
class WouldAlert:
    release_id: str
    published: float  # POSIX timestamp
    keys: list[str]  # the commitments it would have held, in key order


def backtest(cards: Iterable[Card], flt: Filter, *, since: datetime) -> list[WouldAlert]:
    """The alerts ``flt`` would have sent for releases published at or after ``since`` (aware)."""
    select, start = selector(CommitmentQuery(filter=flt)), since.timestamp()
    by_release: dict[str, list[Card]] = defaultdict(list)
    for card in cards:
        if card.published >= start and select(card):
            by_release[card.release_id].append(card)
    alerts = [WouldAlert(release_id, max(c.published for c in found), sorted(c.key for c in found))
              for release_id, found in by_release.items()]
    return sorted(alerts, key=lambda a: (-a.published, a.release_id))
