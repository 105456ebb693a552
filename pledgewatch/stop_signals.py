"""SIGINT and SIGTERM while ``pledgewatch`` starts, and ``pledgewatch run`` stopped by either at any moment.

Loading the command's modules takes a second or more before a command could set a handler: from the first
line of the program both signals are held (blocked, so pending) until the command is known. ``run`` then
takes either as a request to stop: outside its event loop a flag it looks at between the steps of its start
(:func:`run_until_stopped`), inside it :class:`LoopStop`; each step started is undone in a ``finally``. Any
other command gets the default actions back (:func:`release`), and a signal held meanwhile acts as it would
have.
Only stdlib here: this module is imported before everything else.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
PROGRAM = "pledgewatch"  # the installed command's name


def is_the_program(module_name: str) -> bool:
    """Whether the module named ``module_name`` was started as the program (``python -m pledgewatch.cli``, or the
    installed ``pledgewatch``), not imported by another (a test run): only the program's signals are held."""
    return module_name == "__main__" or os.path.basename(sys.argv[0]) == PROGRAM


def hold() -> None:
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)


def release() -> None:
    """The signals held since the start delivered now, to whatever handles them by then."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


_requested = False
_running = False  # inside run_until_stopped


def stop_requested() -> bool:
    """Whether SIGINT or SIGTERM came while :func:`run_until_stopped` runs, outside its event loop."""
    return _requested


def _request(signum: int, frame: FrameType | None) -> None:
    # A flag, never an exception: one raised from a handler can land in a finaliser (and vanish) or between a
    # lock's acquire and release. The run looks at the flag between the steps of its start.
    global _requested
    _requested = True


def run_until_stopped(run: Callable[[], None]) -> None:
    """``run()``, SIGINT or SIGTERM outside its event loop asking it to stop (:func:`stop_requested`) where it
    can: between the steps of its start (a signal held since the start counts); the handlers before, after."""
    global _requested, _running
    _requested, _running = False, True
    previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    for sig in STOP_SIGNALS:
        signal.signal(sig, _request)
    try:
        release()
        run()
    finally:
        _running = False
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def keep_stopping() -> None:
    """After the run's event loop, which leaves the default actions behind: while its Redis is stopped, a
    signal only asks again for the stop under way (the default action would cut it short)."""
    if _running:
        for sig in STOP_SIGNALS:
            signal.signal(sig, _request)


class Stoppable(Protocol):
    def exit(self) -> None: ...


class LoopStop:
    """Inside the run's event loop: SIGINT or SIGTERM sets ``requested`` and stops the app once there is one.
    FastStream's ``app.run()`` puts handlers of its own in place when it starts; :meth:`install` again after
    that, so that ``requested`` still tells."""

    def __init__(self) -> None:
        self.requested = stop_requested()  # before the loop's handlers were in place
        self._app: Stoppable | None = None

    def install(self) -> None:
        import asyncio

        loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, self._request)
        # A signal after __init__ and before the handlers above went to the handler outside the loop: its flag.
        if stop_requested():
            self._request()

    def stops(self, app: Stoppable) -> None:
        """``app`` told to stop on a request from now on (at once, if one came)."""
        self._app = app
        if self.requested:
            app.exit()

    def _request(self) -> None:
        self.requested = True
        if self._app is not None:
            self._app.exit()
