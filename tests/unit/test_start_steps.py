"""StartSteps: a stop during an app's start cancels the step under way, waits for a broker's start under way, and
the start goes no further."""

from __future__ import annotations

import asyncio

import pytest

from services.common.start_steps import StartSteps


async def test_a_stop_cancels_the_step_under_way_and_no_later_step_runs():
    steps, ran = StartSteps(), []
    in_step = asyncio.Event()

    async def connecting() -> None:
        in_step.set()
        await asyncio.Event().wait()

    async def background() -> None:
        ran.append("background")

    async def start() -> None:
        await steps.before_broker(connecting)
        await steps.after_broker(background)

    starting = asyncio.create_task(start())
    await in_step.wait()
    await steps.stop()
    await asyncio.sleep(0)
    assert not starting.done()  # held where it was, till cancelled with the rest
    starting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await starting
    assert ran == []


async def test_a_stop_while_the_broker_starts_waits_for_it():
    steps, broker_starting, broker_started = StartSteps(), asyncio.Event(), asyncio.Event()

    async def nothing() -> None:
        pass

    async def start() -> None:
        await steps.before_broker(nothing)
        broker_starting.set()
        await broker_started.wait()  # the broker starting, between the two hooks
        await steps.after_broker(nothing)

    starting = asyncio.create_task(start())
    await broker_starting.wait()
    stopping = asyncio.create_task(steps.stop())
    await asyncio.sleep(0)
    assert not stopping.done()
    broker_started.set()
    await asyncio.wait_for(stopping, 5)
    starting.cancel()


async def test_a_stop_after_a_start_that_failed_in_the_same_task_does_not_wait():
    steps = StartSteps()

    async def refused() -> None:
        raise RuntimeError("refused")

    async def nothing() -> None:
        pass

    await steps.before_broker(nothing)
    with pytest.raises(RuntimeError):
        await refused()  # the broker's start failing
    await steps.stop()  # in the task of the start: nothing of it left to wait for
