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


async def test_a_submitter_cancelled_while_waiting_leaves_its_item_to_be_written_and_the_others_their_outcome():
    writes, release = [], asyncio.Event()

    async def write(items):
        await release.wait()
        writes.append(list(items))

    writer = BatchWriter(write)
    cancelled = asyncio.ensure_future(writer.submit(0))
    waiting = asyncio.ensure_future(writer.submit(1))
    await asyncio.sleep(0.01)  # both in the batch the writer has started
    cancelled.cancel()
    release.set()
    await waiting
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert writes == [[0, 1]]
    await writer.submit(2)  # the writer goes on
    assert writes == [[0, 1], [2]]


async def test_a_submitter_cancelled_before_its_batch_is_written_leaves_its_item_in_it():
    writes = []

    async def write(items):
        writes.append(list(items))

    writer = BatchWriter(write)
    cancelled = asyncio.ensure_future(writer.submit(0))
    await asyncio.sleep(0)  # queued, the write not yet under way
    cancelled.cancel()
    await writer.submit(1)
    assert [item for batch in writes for item in batch] == [0, 1]
