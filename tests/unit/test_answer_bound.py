"""The bound on an HTTP request's Redis answers: not answered within it, the breaker opens and later commands are
not sent until one per cool-down finds Redis answering again; said once per outage in the log."""

import logging

import pytest
from redis.asyncio.connection import Connection, SSLConnection, UnixDomainSocketConnection
from redis.exceptions import ConnectionError as RedisConnectionError

from redis.exceptions import TimeoutError as RedisTimeoutError

from services.common.answer_bound import (AnswerBound, BoundedPool, RedisConnectionsInUse, RedisNotAnswering,
                                          RedisNotAsked, RedisNotConnected, bounded_connections, not_answering)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_after_no_answer_nothing_is_sent_until_the_cool_down_ends_then_one_trial(caplog):
    clock = Clock()
    bound = AnswerBound(0.5, cool_down=5.0, clock=clock)
    caplog.set_level(logging.INFO, "services.common.answer_bound")
    bound.admit()
    bound.unanswered()
    bound.unanswered()  # a request sent before the breaker opened, unanswered too
    clock.now = 4.9
    with pytest.raises(RedisNotAsked, match=r"none within 0\.5 s lately; asked again every 5 s"):
        bound.admit()
    clock.now = 5.0
    bound.admit()  # the trial
    with pytest.raises(RedisNotAsked):
        bound.admit()  # the others wait for its answer
    bound.answered()
    bound.admit()
    assert [r.getMessage() for r in caplog.records] == [
        "Redis gave no answer within 0.5 s: HTTP requests needing it are answered 503 at once, and it is asked "
        "again every 5 s",
        "Redis answers HTTP requests again"]


def test_the_bounds_errors_say_redis_is_not_answering_and_tell_a_sent_command_from_one_not_sent():
    assert str(RedisNotAnswering(0.25)) == "Redis is not answering (no answer within 0.25 s)"
    assert not_answering(RedisNotAnswering(1)) and not_answering(RedisNotAsked(1, 5))
    assert not not_answering(RedisConnectionError("Connection refused"))


@pytest.mark.parametrize(("exc", "text"), [
    pytest.param(RedisNotConnected(0.25), "Redis is not answering (no connection made within 0.25 s)",
                 id="connection-not-made"),
    pytest.param(RedisConnectionsInUse(0.25), "all connections to Redis are in use (none free within 0.25 s)",
                 id="pool-full"),
])
def test_a_command_the_bound_kept_from_being_sent_is_told_as_not_sent(exc, text):
    """Not a timeout (a command sent and not answered, which may have been carried out): nothing was changed."""
    assert str(exc) == text and not_answering(exc)
    assert isinstance(exc, RedisConnectionError) and not isinstance(exc, RedisTimeoutError)


@pytest.mark.parametrize(("url", "kind"), [("redis://localhost:6379/0", Connection),
                                           ("rediss://localhost:6379/0", SSLConnection),
                                           ("unix:///run/redis.sock", UnixDomainSocketConnection)],
                         ids=["tcp", "tls", "unix"])
def test_a_pool_keeps_the_connection_class_its_url_chose_and_bounds_it(url, kind):
    pool = BoundedPool.from_url(url)
    assert issubclass(pool.connection_class, kind) and pool.connection_class is bounded_connections(kind)
