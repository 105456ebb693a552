"""The planned-reminder records of a run, read per subscriber: each (subscriber, release) gets its own."""

from datetime import time
from types import SimpleNamespace

import pytest

from services.notifier.agenda import ReminderAgenda

pytestmark = pytest.mark.integration


async def test_each_lookup_gets_its_own_record_in_order(redis_client, key_prefix):
    p = key_prefix
    await redis_client.hset(f"{p}planned:a", mapping={"r1": "a1", "r2": "a2"})
    await redis_client.hset(f"{p}planned:b", mapping={"r2": "b2"})
    agenda = ReminderAgenda(SimpleNamespace(client=redis_client), store=None, remind_at=time(8))
    lookups = [(f"{p}planned:b", "r1"), (f"{p}planned:a", "r2"), (f"{p}planned:b", "r2"), (f"{p}planned:a", "r1"),
               (f"{p}planned:a", "r2")]
    assert await agenda._records(lookups) == [None, b"a2", b"b2", b"a1", b"a2"]
    assert await agenda._records([]) == []
