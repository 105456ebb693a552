"""The count of wrong API tokens per client: a window from the first, refusal past the limit until it ends, one
log line per client and window, memory bounded, an IPv6 client counted by its /64."""

import logging

import pytest

from services.common.wrong_tokens import LocalWrongTokens, client_key


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


def test_past_the_limit_a_client_waits_until_its_window_ends(clock):
    tokens = LocalWrongTokens(3, 60, clock=clock)
    for _ in range(3):
        assert tokens.retry_after("192.0.2.1") is None
        tokens.wrong_token("192.0.2.1")
        clock.now += 10
    assert tokens.retry_after("192.0.2.1") == 30  # the window opened at the first wrong token
    clock.now += 29.5
    assert tokens.retry_after("192.0.2.1") == 1  # whole seconds, rounded up
    clock.now += 0.5
    assert tokens.retry_after("192.0.2.1") is None
    tokens.wrong_token("192.0.2.1")  # a new window, counted from one
    assert tokens.retry_after("192.0.2.1") is None


def test_a_window_ending_before_the_limit_forgets_its_count(clock):
    tokens = LocalWrongTokens(3, 60, clock=clock)
    tokens.wrong_token("192.0.2.1")
    tokens.wrong_token("192.0.2.1")
    clock.now += 60
    tokens.wrong_token("192.0.2.1")
    tokens.wrong_token("192.0.2.1")
    assert tokens.retry_after("192.0.2.1") is None


def test_clients_are_counted_apart(clock):
    tokens = LocalWrongTokens(1, 60, clock=clock)
    tokens.wrong_token("192.0.2.1")
    assert tokens.retry_after("192.0.2.1") == 60
    assert tokens.retry_after("192.0.2.2") is None


def test_limit_zero_never_refuses(clock):
    tokens = LocalWrongTokens(0, 60, clock=clock)
    for _ in range(100):
        tokens.wrong_token("192.0.2.1")
    assert tokens.retry_after("192.0.2.1") is None and len(tokens) == 0


def test_memory_is_bounded_by_forgetting_the_least_recently_seen(clock):
    tokens = LocalWrongTokens(1, 60, max_clients=100, clock=clock)
    tokens.wrong_token("192.0.2.1")
    for n in range(99):
        tokens.wrong_token(f"10.0.0.{n}")
    assert tokens.retry_after("192.0.2.1") == 60  # seen again: now the most recent
    for n in range(99, 150):
        tokens.wrong_token(f"10.0.{n}.0")
    assert len(tokens) == 100
    assert tokens.retry_after("192.0.2.1") == 60
    assert tokens.retry_after("10.0.0.0") is None  # forgotten


def test_a_refused_client_is_logged_once_per_window(clock, caplog):
    tokens = LocalWrongTokens(2, 60, clock=clock)
    caplog.set_level(logging.WARNING, "services.common.wrong_tokens")
    for _ in range(2):
        tokens.wrong_token("192.0.2.1")
    for _ in range(5):
        tokens.retry_after("192.0.2.1")
    clock.now += 60
    for _ in range(2):
        tokens.wrong_token("192.0.2.1")
    tokens.retry_after("192.0.2.1")
    assert [r.getMessage() for r in caplog.records] == [
        "192.0.2.1: 2 wrong API tokens within 60 s: its requests needing the token are refused (429) for 60 s"] * 2


@pytest.mark.parametrize(("address", "client"), [
    ("192.0.2.1", "192.0.2.1"),
    ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
    ("2001:db8:1:2::ffff", "2001:db8:1:2::/64"),
    ("::ffff:192.0.2.1", "192.0.2.1"),
    ("?", "?"),
])
def test_an_ipv6_client_is_its_64_network(address, client):
    assert client_key(address) == client
