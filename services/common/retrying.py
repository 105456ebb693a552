"""The one retry policy of every service: exponential backoff, on tenacity's wait strategies.

A delay doubles from ``base`` after each failure, up to ``cap``. With ``jitter`` ("equal jitter") it is
drawn from the upper half of that, so retries of many alerts spread out but none comes sooner than half
the nominal delay. Where the retry is a loop in this process (a backfill page), :meth:`RetryPolicy.retrying`
runs it; where it is a schedule kept in Redis (a delivery, a reminder) or a poll skipped until later (a feed),
:meth:`RetryPolicy.delay` gives the delay to store.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from tenacity import (AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt,
                      wait_exponential, wait_random_exponential)
from tenacity.wait import wait_base


@dataclass(frozen=True)
class RetryPolicy:
    base: float
    cap: float
    jitter: bool = False

    def wait(self) -> wait_base:
        """The tenacity wait strategy: ``base * 2**(attempt-1)`` capped at ``cap``, jittered if asked."""
        if not self.jitter:
            return wait_exponential(multiplier=self.base, max=self.cap)
        half, half_cap = self.base / 2, self.cap / 2
        return wait_exponential(multiplier=half, max=half_cap) + wait_random_exponential(multiplier=half, max=half_cap)

    def delay(self, failures: int) -> float:
        """Seconds to wait after ``failures`` failures in a row (the attempt that failed, 1-based); 0 for none."""
        if failures <= 0:
            return 0.0
        state = RetryCallState(retry_object=None, fn=None, args=(), kwargs={})  # type: ignore[arg-type]
        state.attempt_number = failures
        return self.wait()(state)

    def retrying(self, *, attempts: int, on: type[BaseException] | tuple[type[BaseException], ...],
                 before_sleep: Callable[[RetryCallState], None] | None = None,
                 asked: Callable[[BaseException], float | None] | None = None,
                 max_asked: float = math.inf) -> AsyncRetrying:
        """An in-process retry loop: up to ``attempts`` attempts while the error is one of ``on``; the last
        error is raised as it was.

        ``asked``: the seconds an error asks to be left alone (a server's ``Retry-After``), else ``None``; waited
        instead of the policy's delay when longer. An error asking for more than ``max_asked`` is raised at
        once: asking again sooner would only be refused again."""
        policy_wait = self.wait()

        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            wanted = asked(error) if asked is not None and error is not None else None
            return max(policy_wait(state), wanted or 0.0)

        def retried(error: BaseException) -> bool:
            wanted = asked(error) if asked is not None else None
            return isinstance(error, on) and (wanted is None or wanted <= max_asked)

        return AsyncRetrying(stop=stop_after_attempt(attempts), wait=wait, retry=retry_if_exception(retried),
                             before_sleep=before_sleep, reraise=True)
