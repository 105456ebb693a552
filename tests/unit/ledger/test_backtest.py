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


def test_a_filters_money_selects_by_amount_in_its_currency():
    """The filter's ``currency``, ``min_amount`` and ``max_amount`` select as the ledger's parameters do."""
    cards = [replace(BASE, key="ten", amount=10e6, currency="GBP"),
             replace(BASE, key="five", amount=5e6, currency="GBP"),
             replace(BASE, key="euros", amount=20e6, currency="EUR"), replace(BASE, key="none")]
    alerts = backtest(cards, Filter.model_validate({"currency": "GBP", "min_amount": "10m"}), since=at(0))
    assert [a.keys for a in alerts] == [["ten"]]
    alerts = backtest(cards, Filter.model_validate({"currency": "GBP", "max_amount": "5m"}), since=at(0))
    assert [a.keys for a in alerts] == [["five"]]
