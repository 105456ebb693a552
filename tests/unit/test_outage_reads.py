"""A consumer's read that fails because the run is stopping is the stop itself, not an outage.

Before: a clean stop (Ctrl+C, SIGTERM) now and then logged ``ledger reading pledgewatch:classified: Redis
unavailable (ConnectionError: Connection closed by server.); retrying``: the broker closes its connections
under a read still waiting, after the subscriber was told to stop."""

import logging

import pytest
from redis.exceptions import (BusyLoadingError, ConnectionError, DataError, InvalidResponse, LockError, RedisError,
                              TimeoutError, WatchError)

from services.common.outages import OutageNotices, keep_reading, redis_outage
from services.common.redis_refusals import redis_unavailable


class _Subscriber:
    def __init__(self, *, running: bool) -> None:
        self.running, self.reads = running, 0

    async def _get_msgs(self, *_args: object) -> None:
        self.reads += 1
        raise ConnectionError("Connection closed by server.")


async def test_a_read_cut_by_the_stop_is_not_told_as_an_outage(caplog):
    subscriber = _Subscriber(running=False)
    keep_reading(subscriber, notices=OutageNotices("ledger reading classified"), recreate_group=_nothing)
    with caplog.at_level(logging.DEBUG, logger="services.common.outages"):
        await subscriber._get_msgs()
    assert subscriber.reads == 1 and caplog.records == []


async def test_a_read_failing_while_running_is_an_outage(caplog, monkeypatch):
    monkeypatch.setattr("services.common.outages.RETRY_SECONDS", 0)
    subscriber = _Subscriber(running=True)
    keep_reading(subscriber, notices=OutageNotices("ledger reading classified"), recreate_group=_nothing)
    with caplog.at_level(logging.WARNING, logger="services.common.outages"):
        await subscriber._get_msgs()
    assert caplog.messages == ["ledger reading classified: Redis unavailable (ConnectionError: Connection closed "
                               "by server.); retrying"]


async def _nothing() -> None:
    pytest.fail("no group to recreate")


def test_redis_refusing_the_work_at_its_maxmemory_is_told_as_an_outage_not_an_error_a_round(caplog):
    """Before: an OutOfMemoryError (Redis answering, but full) was logged at ERROR with its traceback at every round
    (ingest: once a second for each file waiting), tens of thousands of lines a minute."""
    from redis.exceptions import OutOfMemoryError, ResponseError

    log = logging.getLogger("test.outages")
    notices = OutageNotices("ingest of the watched folders")
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            notices.report(OutOfMemoryError("command not allowed when used memory > 'maxmemory'."), log, "failed")
        notices.recovered()
        notices.report(ResponseError("ERR unknown command"), log, "failed")  # a command at fault: an error
    assert [(r.levelname, r.exc_info is not None) for r in caplog.records] == [
        ("WARNING", False), ("INFO", False), ("ERROR", True)]
    assert "Redis unavailable (OutOfMemoryError: command not allowed" in caplog.records[0].getMessage()


def test_a_disk_full_refusal_from_inside_a_script_is_told_as_an_outage(caplog):
    """Before: Redis 6.2 wraps a refusal met inside a script ("Error running script …: -MISCONF Errors writing to the
    AOF file: No space left on device"), so with the data folder's disk full the notifier's outbox poll logged an
    ERROR with its traceback several times a second."""
    from redis.exceptions import ResponseError

    log = logging.getLogger("test.outages")
    notices = OutageNotices("notifier polling its outbox")
    refusal = ResponseError("Error running script (call to f_a89d935024d471500f02b948b4bfc8388e595f07): "
                            "@user_script:37: @user_script: 37: -MISCONF Errors writing to the AOF file: No space "
                            "left on device")
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            notices.report(refusal, log, "delivery poll failed; retrying")
        notices.report(ResponseError("Error running script (call to f_0): @user_script:1: user_script:1: "
                                     "Script attempted to access nonexistent global variable 'x'"), log, "failed")
    assert [(r.levelname, r.exc_info is not None) for r in caplog.records] == [("WARNING", False), ("ERROR", True)]


@pytest.mark.parametrize("fault", [
    DataError("Invalid input of type: 'NoneType'. Convert to a bytes, string, int or float first."),
    LockError("Cannot release an unlocked lock"),
    InvalidResponse("Protocol Error: b'?'"),
    WatchError("Watched variable changed."),
])
def test_a_command_at_fault_is_an_error_with_its_traceback_not_an_outage(caplog, fault):
    """Before: any RedisError but a ResponseError was an outage, so a bug (None written to a hash: DataError) was
    logged as "Redis unavailable" at WARNING with no traceback, and retried for ever."""
    log = logging.getLogger("test.outages")
    with caplog.at_level(logging.INFO):
        OutageNotices("scheduler's leader tick").report(fault, log, "leader tick failed")
    assert [(r.levelname, r.exc_info is not None) for r in caplog.records] == [("ERROR", True)]
    assert not redis_outage(fault) and not redis_unavailable(fault)


@pytest.mark.parametrize("outage", [
    ConnectionError("Connection refused"), TimeoutError("Timeout reading from socket"),
    BusyLoadingError("Redis is loading the dataset in memory"), OSError("Network is unreachable"),
])
def test_redis_away_frozen_or_loading_is_an_outage(outage):
    assert redis_outage(outage)
    assert not isinstance(outage, RedisError) or redis_unavailable(outage)
