"""Stopping a service's own tasks without hanging.

A cancelled task does not always end: redis-py, cancelled in the middle of a command, can absorb the
cancellation, and the task goes on to its next await. :func:`cancel_and_wait` cancels again, a second apart
(time for a task's own cleanup to run), until each task has ended, and gives up on one that outlives its
patience (logging it by name) so that a service's stop, and with it a SIGTERM, never waits for ever.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

log = logging.getLogger(__name__)

RECANCEL_SECONDS = 1.0  # how long a cancelled task has to end (its cleanup included) before it is cancelled again
STOP_PATIENCE_SECONDS = 10.0  # the longest a stop waits for its tasks


def patience_left(deadline: float) -> float:
    """The patience left until ``deadline`` (the running loop's time), for stops in a row that share one: at least
    one recancel's interval, so that a task that ends when first cancelled is not reported left behind."""
    return max(RECANCEL_SECONDS, deadline - asyncio.get_running_loop().time())


async def cancel_and_wait(tasks: Iterable[asyncio.Future[object]], *, what: str,
                          patience: float = STOP_PATIENCE_SECONDS) -> None:
    """Cancel ``tasks`` and wait until each has ended (their results and errors are not raised); one still
    running after ``patience`` seconds is left running and logged, ``what`` saying whose tasks they are."""
    pending = {task for task in tasks if not task.done()}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + patience
    while pending:
        for task in pending:
            task.cancel()
        left = deadline - loop.time()
        if left <= 0:
            names = ", ".join(sorted(t.get_name() if isinstance(t, asyncio.Task) else repr(t) for t in pending))
            log.warning("stopping %s: %d task(s) still running after %.1f s, left behind: %s",
                        what, len(pending), patience, names)
            return
        done, pending = await asyncio.wait(pending, timeout=min(RECANCEL_SECONDS, left))
        for task in done:  # retrieved, so that asyncio does not report it as never retrieved
            if not task.cancelled():
                task.exception()


def log_if_stopped(task: asyncio.Task[None]) -> None:
    """A done callback for a service's background task: one ERROR, with its traceback, when an error ended it.
    `/healthz` and `pledgewatch status` say that it stopped; this says where."""
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("background task %s stopped: %s: %s", task.get_name(), type(error).__name__, error,
                  exc_info=error)
