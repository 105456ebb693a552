"""Group commit: items submitted together are written by one call, and each submitter gets its outcome."""

import asyncio

import pytest

from services.common.batch_writer import BatchWriter


async def test_items_submitted_at_the_same_moment_are_written_together_and_later_ones_next():
    writes = []

    async def write(items):
        writes.append(list(items))
        await asyncio.sleep(0.01)

    writer = BatchWriter(write, max_items=3)
    await asyncio.gather(*(writer.submit(i) for i in range(5)))
    await writer.submit(5)
    assert writes == [[0, 1, 2], [3, 4], [5]]


async def test_a_failed_write_raises_in_every_submitter_of_its_batch_and_not_in_the_next():
    async def write(items):
        if 0 in items:
            raise ConnectionError("redis away")

    writer = BatchWriter(write)
    results = await asyncio.gather(writer.submit(0), writer.submit(1), return_exceptions=True)
    assert [type(r) for r in results] == [ConnectionError, ConnectionError]
    await writer.submit(2)


async def test_closing_fails_what_is_still_pending():
    started = asyncio.Event()

    async def write(items):
        started.set()
        await asyncio.Event().wait()

    writer = BatchWriter(write)
    pending = asyncio.ensure_future(writer.submit(1))
    await started.wait()
    await writer.close()
    with pytest.raises(asyncio.CancelledError):
        await pending
