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


async def test_a_first_version_reads_the_record_only_of_subscribers_with_reminders(redis_client, key_prefix):
    """A first version plans only a subscriber's own reminders: for one without any, its record (whatever it
    holds) changes nothing, so it is not read; a later version reads it, as it may cancel reminders."""
    from samples import BORDERS, release

    from schemas.classified import ReleaseClassified
    from services.notifier.planning import Plan
    from services.notifier.subscriptions import Subscription

    streams = SimpleNamespace(client=redis_client, key=lambda name: f"{key_prefix}{name}")
    agenda = ReminderAgenda(streams, store=None, remind_at=time(8))
    read: list[list[tuple[str, str]]] = []
    records = agenda._records

    async def recorded(lookups):
        read.append(lookups)
        return await records(lookups)

    agenda._records = recorded
    quiet = Subscription.model_validate({"id": "quiet", "channels": ["console"], "reminders": []})
    first: ReleaseClassified = release(BORDERS)
    second = release(BORDERS, version=2, release_id="other")
    await agenda.schedule([(first, [(quiet, Plan())]), (second, [(quiet, Plan())])], now=first.published_at)
    assert read == [[(agenda.key("quiet"), "other")]]
