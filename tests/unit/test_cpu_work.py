"""CPU-heavy work runs in worker threads, at most a bound of them at once: one past it waits its turn, one whose
caller goes away keeps its turn until its thread ends, and its errors reach the caller."""

from __future__ import annotations

import asyncio
import threading

import pytest

from services.common.cpu_work import CpuWork


def _held(entered: threading.Event, go: threading.Event, label: str, ran: list[str]) -> str:
    entered.set()
    go.wait(30)
    ran.append(label)
    return label


async def test_work_past_the_bound_waits_for_a_turn_and_runs_off_the_loop():
    work, ran, go = CpuWork(at_once=1), [], threading.Event()
    first_in, second_in = threading.Event(), threading.Event()
    first = asyncio.create_task(work.run(_held, first_in, go, "first", ran))
    second = asyncio.create_task(work.run(_held, second_in, go, "second", ran))
    await asyncio.to_thread(first_in.wait, 30)  # the loop answered this while the first holds its thread
    await asyncio.sleep(0)
    assert not second_in.is_set()  # waiting its turn
    go.set()
    assert await first == "first" and await second == "second"
    assert ran == ["first", "second"]


async def test_a_caller_gone_away_stops_waiting_and_its_work_keeps_its_turn_until_its_thread_ends():
    work, ran, go = CpuWork(at_once=1), [], threading.Event()
    first_in, second_in = threading.Event(), threading.Event()
    first = asyncio.create_task(work.run(_held, first_in, go, "first", ran))
    await asyncio.to_thread(first_in.wait, 30)
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    second = asyncio.create_task(work.run(_held, second_in, go, "second", ran))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert not second_in.is_set()  # the first's thread still runs: its turn is not given away
    go.set()
    assert await second == "second"
    assert ran == ["first", "second"]


async def test_its_errors_reach_the_caller_and_free_the_turn():
    work = CpuWork(at_once=1)

    def fails() -> None:
        raise ValueError("bad entry")

    with pytest.raises(ValueError, match="bad entry"):
        await work.run(fails)
    assert await work.run(len, b"abc") == 3


def test_a_bound_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        CpuWork(at_once=0)
