"""A wait bounded in time: the answer within the bound, NoAnswer past it, even from something that ignores its
cancellation (a Redis client stuck on a frozen server)."""

import asyncio
import time

import pytest

from services.common.bounded_wait import NoAnswer, within


async def test_an_answer_within_the_bound_is_returned_and_a_failure_raised():
    async def answers() -> int:
        return 7

    async def fails() -> None:
        raise ValueError("refused")

    assert await within(answers(), 1.0) == 7
    with pytest.raises(ValueError, match="refused"):
        await within(fails(), 1.0)


async def test_past_the_bound_no_answer_even_from_what_ignores_its_cancellation():
    released = asyncio.Event()

    async def stubborn() -> None:
        while not released.is_set():
            try:
                await released.wait()
            except asyncio.CancelledError:
                continue  # absorbed, as a client retrying on its own would

    started = time.monotonic()
    with pytest.raises(NoAnswer, match=r"no answer within 0\.1 s"):
        await within(stubborn(), 0.1)
    assert time.monotonic() - started < 5  # a wait for the absorbed cancellation would never end
    released.set()
    await asyncio.sleep(0.01)  # the abandoned task ends before the test does


async def test_while_the_server_answers_others_the_wait_goes_on_past_the_bound():
    """A busy server, not a frozen one: waited on for as long as it keeps answering."""
    async def slow() -> str:
        await asyncio.sleep(0.25)
        return "answered"

    assert await within(slow(), 0.1, alive=lambda: True) == "answered"
    with pytest.raises(NoAnswer):
        await within(slow(), 0.1, alive=lambda: False)
