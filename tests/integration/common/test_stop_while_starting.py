"""The run's app told to stop while its services start (a SIGTERM in the first second of `pledgewatch run`): the
start goes no further, and what had started is stopped; the run ends without an error."""

from __future__ import annotations

import asyncio

import pytest

from pledgewatch.runner import build_all

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("paused_after", ["ingest", "classifier", "notifier", "ledger"])
@pytest.mark.parametrize("step", ["start", "started"], ids=["its-start", "its-background-work"])
async def test_a_stop_right_after_a_step_of_a_service_stops_the_run_cleanly(settings, paused_after, step):
    """Paused after ``step`` (``start``: before the broker starts; ``started``: after) of service ``paused_after``,
    the stop comes; once that service has stopped, what was left of the start could go on."""
    app = build_all(settings)
    service = next(s for s in app.services if s.name == paused_after)
    reached, go_on, cut_short = asyncio.Event(), asyncio.Event(), asyncio.Event()
    start, stop, starting = getattr(service, step), service.stop, []

    async def start_then_pause() -> None:
        await start()
        starting.append(asyncio.current_task())
        reached.set()
        try:
            await go_on.wait()  # till this service has stopped
        except asyncio.CancelledError:
            cut_short.set()
            raise

    async def stop_then_let_the_start_go_on() -> None:
        await stop()
        go_on.set()
        # whatever of the start is still to come comes now, while the rest stops
        await asyncio.wait([*starting, asyncio.ensure_future(cut_short.wait())],
                           return_when=asyncio.FIRST_COMPLETED)

    setattr(service, step, start_then_pause)
    service.stop = stop_then_let_the_start_go_on
    run = asyncio.create_task(app.run())
    await asyncio.wait_for(reached.wait(), 30)
    app.exit()
    await asyncio.wait_for(run, 60)  # raised "<service>: not started" before

    assert [s.name for s in app.services if s.runtime.opened] == []
    left = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert [t for t in left if not t.cancelling()] == []  # anything left (the readers end with their stop) cancelled
    await asyncio.wait(left or [asyncio.ensure_future(asyncio.sleep(0))], timeout=10)
