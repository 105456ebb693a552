"""Stopping a service's tasks: a task that absorbed a cancellation (as redis-py does when one arrives mid-command)
is cancelled again, and one that never ends is given up on, so that a stop never hangs."""

import asyncio
import logging

from services.common.tasks import cancel_and_wait, log_if_stopped


async def _absorbs_one_cancellation(entered: asyncio.Event) -> None:
    try:
        entered.set()
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        pass  # swallowed, and the task goes on to wait
    await asyncio.Event().wait()


async def test_a_task_that_absorbed_its_cancellation_is_cancelled_again():
    entered = asyncio.Event()
    task = asyncio.create_task(_absorbs_one_cancellation(entered))
    await entered.wait()
    await asyncio.wait_for(cancel_and_wait([task], what="test"), timeout=5)
    assert task.cancelled()


async def test_a_task_that_never_ends_is_given_up_on_and_named(caplog):
    async def immortal() -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                pass

    task = asyncio.create_task(immortal(), name="the-immortal-one")
    await asyncio.sleep(0)
    with caplog.at_level(logging.WARNING):
        await asyncio.wait_for(cancel_and_wait([task], what="the test's tasks", patience=0.3), timeout=5)
    assert not task.done()
    assert "the-immortal-one" in caplog.text and "the test's tasks" in caplog.text
    task.get_coro().close()  # let the test end


async def test_tasks_that_end_when_cancelled_are_waited_for_and_their_errors_kept_quiet():
    async def fails() -> None:
        raise RuntimeError("already failed")

    done_before = asyncio.create_task(fails())
    await asyncio.sleep(0)
    sleeping = asyncio.create_task(asyncio.sleep(3600))
    await cancel_and_wait([done_before, sleeping], what="test")
    assert sleeping.cancelled() and isinstance(done_before.exception(), RuntimeError)


async def test_nothing_to_stop():
    await cancel_and_wait([], what="test")


async def test_a_task_ended_by_an_error_is_logged_once_and_one_cancelled_or_finished_not(caplog):
    async def fails() -> None:
        raise ValueError("day is out of range for month")

    async def waits() -> None:
        await asyncio.sleep(60)

    failed, cancelled, finished = (asyncio.create_task(fails(), name="failing"),
                                   asyncio.create_task(waits(), name="waiting"),
                                   asyncio.create_task(asyncio.sleep(0), name="finishing"))
    for task in (failed, cancelled, finished):
        task.add_done_callback(log_if_stopped)
    cancelled.cancel()
    await asyncio.gather(failed, cancelled, finished, return_exceptions=True)
    await asyncio.sleep(0)  # the done callbacks run
    [record] = caplog.records
    assert record.getMessage() == "background task failing stopped: ValueError: day is out of range for month"
    assert record.levelno == logging.ERROR and record.exc_info is not None
