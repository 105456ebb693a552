"""`pledgewatch run` stopped by SIGINT or SIGTERM inside its event loop, whenever the signal comes."""

import asyncio
import signal

import pledgewatch.stop_signals as stop_signals
from pledgewatch.stop_signals import STOP_SIGNALS, LoopStop


def test_a_signal_between_the_loop_stop_and_its_handlers_still_stops_the_run():
    """Before: the flag set by the handler outside the loop, after `LoopStop()` had read it and before `install()`
    put the loop's handlers in place, was read by nothing again, and the run started in full."""

    async def start() -> bool:
        stop = LoopStop()
        stop_signals._request(signal.SIGTERM, None)  # the handler outside the loop, as SIGTERM arrives now
        loop = asyncio.get_running_loop()
        try:
            stop.install()
            return stop.requested
        finally:
            for sig in STOP_SIGNALS:
                loop.remove_signal_handler(sig)

    try:
        assert asyncio.run(start()) is True
    finally:
        stop_signals._requested = False
