"""The cards in memory follow every write, across a trimmed changes stream and a dropped ledger."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import redis.asyncio as aioredis

from services.ledger.index import LedgerIndex
from services.ledger.rebuild import drop_ledger
from services.ledger.store import LedgerStore
from tests.unit.notifier.samples import BORDERS, CONTENT, FUNDING, TRAINING, release

pytestmark = pytest.mark.integration

NOW = datetime(2018, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
async def ledger(redis_url, key_prefix):
    client = aioredis.Redis.from_url(redis_url)
    key = lambda name: f"{key_prefix}{name}"  # noqa: E731
    yield LedgerStore(client, key), LedgerIndex(client, key), LedgerIndex(client, key)
    await client.aclose()


async def states(index):
    return {c.key: c.state for c in await index.cards()}


async def test_a_reader_sees_what_any_writer_wrote_since_it_last_looked(ledger):
    store, index, _ = ledger
    assert await states(index) == {}
    await store.apply(release(FUNDING, BORDERS), now=NOW)
    assert await states(index) == {"c-funding": "active", "c-borders": "active"}
    await store.apply(release(FUNDING, version=2), now=NOW)
    assert await states(index) == {"c-funding": "active", "c-borders": "removed"}


async def test_a_reader_behind_a_trimmed_changes_stream_reads_everything_again(ledger, key_prefix):
    store, index, other = ledger
    await store.apply(release(FUNDING), now=NOW)
    await index.cards()
    await store.apply(release(BORDERS, release_id="r2"), now=NOW)
    await store.apply(release(CONTENT, release_id="r3"), now=NOW)
    await store.client.xtrim(f"{key_prefix}ledger:changes", maxlen=1)  # r2's change is gone
    assert set(await states(index)) == {"c-funding", "c-borders", "c-content"}
    assert set(await states(other)) == {"c-funding", "c-borders", "c-content"}


async def test_a_dropped_and_rebuilt_ledger_is_read_again(ledger, key_prefix):
    store, index, _ = ledger
    await store.apply(release(FUNDING), now=NOW)
    await index.cards()
    await drop_ledger(store.client, lambda name: f"{key_prefix}{name}")
    await store.apply(release(TRAINING, release_id="r9"), now=NOW)
    assert await states(index) == {"c-training": "active"}


async def test_a_release_version_with_no_commitments_does_not_stop_readers(ledger):
    store, index, _ = ledger
    await store.apply(release(FUNDING), now=NOW)
    assert await states(index) == {"c-funding": "active"}
    await store.apply(release(release_id="gov-uk/nothing").model_copy(update={"commitments": []}), now=NOW)
    assert await states(index) == {"c-funding": "active"}
    await store.apply(release(BORDERS, release_id="r2"), now=NOW)
    assert await states(index) == {"c-funding": "active", "c-borders": "active"}
    await store.apply(release(TRAINING, release_id="r3"), now=NOW)
    assert await states(index) == {"c-funding": "active", "c-borders": "active", "c-training": "active"}
