"""Backtesting a filter: one alert per release with selected commitments, since a time, the latest first."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from services.ledger.core.backtest import backtest
from services.notifier.subscriptions import Filter
from tests.unit.ledger.test_queries import BASE

CARDS = [
    BASE,  # r1, published 1000, counter-terrorism
    replace(BASE, key="b", counter_terrorism=False),  # r1, not selected by a counter-terrorism filter
    replace(BASE, key="c", release_id="r2", published=3000.0, state="removed"),  # alerted when it appeared
    replace(BASE, key="d", release_id="r3", published=10.0),  # published before the window
]


def at(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, timezone.utc)


def test_one_alert_per_release_with_selected_commitments_latest_first():
    alerts = backtest(CARDS, Filter(counter_terrorism=True), since=at(500))
    assert [(a.release_id, a.keys) for a in alerts] == [("r2", ["c"]), ("r1", ["a"])]


def test_an_empty_filter_selects_every_commitment_in_the_window():
    alerts = backtest(CARDS, Filter(), since=at(0))
    assert [(a.release_id, a.keys) for a in alerts] == [("r2", ["c"]), ("r1", ["a", "b"]), ("r3", ["d"])]


def test_nothing_since_a_later_time():
    assert backtest(CARDS, Filter(), since=at(5000)) == []
