"""The circuit breaker: closed until a failure, open for a cool-down, then one trial at a time."""

from services.common.breaker import Breaker


def test_a_closed_breaker_always_allows():
    breaker = Breaker(5.0)
    assert breaker.closed and all(breaker.allows(100.0) for _ in range(3))


def test_after_a_failure_nothing_is_allowed_until_the_cool_down_ends():
    breaker = Breaker(5.0)
    breaker.failed(100.0)
    assert not breaker.closed
    assert [breaker.allows(now) for now in (100.0, 102.0, 104.9)] == [False] * 3
    assert breaker.allows(105.0)


def test_past_the_cool_down_one_trial_is_allowed_and_the_others_wait_another():
    breaker = Breaker(5.0)
    breaker.failed(100.0)
    assert [breaker.allows(105.0), breaker.allows(105.0), breaker.allows(109.9)] == [True, False, False]
    assert breaker.allows(110.0)


def test_a_failed_trial_opens_it_again_and_a_good_one_closes_it():
    breaker = Breaker(5.0)
    breaker.failed(100.0)
    assert breaker.allows(105.0)
    breaker.failed(105.25)
    assert not breaker.allows(110.0) and breaker.allows(110.25)
    breaker.succeeded()
    assert breaker.closed and breaker.allows(110.3)
