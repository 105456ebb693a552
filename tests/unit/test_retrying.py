"""The one retry policy: doubling delays up to a cap, equal jitter, and the in-process loop."""

from __future__ import annotations

import pytest

from services.common.retrying import RetryPolicy
from services.notifier.config import NotifierConfig


@pytest.mark.parametrize(("attempt", "nominal"), [(1, 2.0), (2, 4.0), (3, 8.0), (5, 32.0), (6, 60.0), (40, 60.0)])
def test_jittered_delay_stays_in_the_upper_half_of_the_doubled_capped_delay(attempt, nominal):
    policy = RetryPolicy(base=2.0, cap=60.0, jitter=True)
    delays = [policy.delay(attempt) for _ in range(400)]
    assert nominal / 2 <= min(delays) and max(delays) <= nominal
    assert max(delays) - min(delays) > nominal / 4  # spread out, not one fixed delay


def test_delay_without_jitter_is_exact_and_none_before_a_failure():
    policy = RetryPolicy(base=30, cap=3600)
    assert [policy.delay(n) for n in range(9)] == [0, 30, 60, 120, 240, 480, 960, 1920, 3600]


def test_notifier_retries_follow_their_settings():
    config = NotifierConfig(retry_base_seconds=2, retry_max_seconds=10, reminder_retry_base_seconds=30,
                            reminder_retry_max_seconds=3600)
    assert all(5 <= config.delivery_retry.delay(9) <= 10 for _ in range(50))
    assert all(15 <= config.reminder_retry.delay(1) <= 30 for _ in range(50))


async def test_retry_loop_retries_only_the_named_error_and_raises_the_last():
    calls, sleeps = [], []
    with pytest.raises(ConnectionError, match="3"):
        async for attempt in RetryPolicy(base=0.001, cap=0.004).retrying(
                attempts=3, on=ConnectionError, before_sleep=lambda s: sleeps.append(s.next_action.sleep)):
            with attempt:
                calls.append(1)
                raise ConnectionError(str(len(calls)))
    assert len(calls) == 3 and sleeps == [0.001, 0.002]
    with pytest.raises(KeyError):
        async for attempt in RetryPolicy(base=0.001, cap=0.004).retrying(attempts=3, on=ConnectionError):
            with attempt:
                calls.append(1)
                raise KeyError("not retried")
    assert len(calls) == 4


class _Asking(ConnectionError):
    def __init__(self, wait: float | None) -> None:
        super().__init__(f"asks for {wait}")
        self.wait = wait


async def test_retry_loop_waits_as_long_as_an_error_asks_and_raises_one_asking_too_long():
    sleeps = []
    errors = iter([_Asking(0.003), _Asking(None), _Asking(0.0005), _Asking(5.0)])
    with pytest.raises(_Asking, match="asks for 5.0"):
        async for attempt in RetryPolicy(base=0.001, cap=0.004).retrying(
                attempts=9, on=ConnectionError, before_sleep=lambda s: sleeps.append(s.next_action.sleep),
                asked=lambda e: getattr(e, "wait", None), max_asked=1.0):
            with attempt:
                raise next(errors)
    assert sleeps == [0.003, 0.002, 0.004]  # asked for longer than the policy's 0.001; then the policy's own
