"""How many times the notifier waits for Redis while it handles one read of release.classified.

Each round trip waits for Redis to get a core: on a busy machine they, not the work, set the pace. A read of
distinct releases, whatever their number, costs the same few: the subscriptions, the last versions and the
announcement index read together (the records of the candidates a new commitment may repeat with them); the
subscribers' records with the chains the index holds and the planned reminders; the alerts' script; the reminders' script (and the cancelling one); the reminders' records written
with the entries' XACKs; or, when the read gives no reminder to schedule or settle, the XACKs in the alerts'
script.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime, timedelta, timezone

import pytest
from redis.asyncio.connection import AbstractConnection

from schemas import ReleaseClassifiedEvent
from schemas.streams import ALERTS, CLASSIFIED, EVENT_FIELD, NOTIFIER_GROUP
from services.common.streams import Entry
from services.notifier.service import NotifierService
from services.notifier.subscriptions import Subscription

pytestmark = pytest.mark.integration

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
DUE = date(2026, 6, 1)


class RoundTrips:
    """Counts what the handler's task sends to Redis: one send per command, or per pipeline or transaction (not
    the delivery worker's, which records the sends of the jobs handed to it in its own tasks)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        self.task = asyncio.current_task()
        send = AbstractConnection.send_packed_command

        async def counted(conn, command, check_health=True):  # type: ignore[no-untyped-def]
            if asyncio.current_task() is self.task:
                self.count += 1
            return await send(conn, command, check_health)

        monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)

    async def of(self, work) -> int:  # type: ignore[no-untyped-def]
        before = self.count
        await work
        return self.count - before


async def _unreminded(service: NotifierService) -> None:
    for sub_id in ("desk", "press"):
        await service._store().put(Subscription.model_validate({"id": sub_id, "channels": ["console"],
                                                                "reminders": []}))
    await service._store().delete("console")  # stored at the first start, with the default reminders


async def _batch(service: NotifierService, releases) -> list:  # type: ignore[no-untyped-def]
    streams = service.runtime.streams
    items = []
    for r in releases:
        event = ReleaseClassifiedEvent.wrap(r, id=f"{r.release_id}/v{r.version}", source="/test", time=NOW,
                                            subject=r.release_id)
        entry_id = await streams.client.xadd(streams.key(CLASSIFIED), {EVENT_FIELD: event.to_json()})
        items.append((event, Entry(stream=streams.key(CLASSIFIED), group=NOTIFIER_GROUP,
                                   entry_id=entry_id.decode(), fields={})))
    return items


async def test_a_read_costs_a_few_round_trips_whatever_its_size(settings, monkeypatch):
    from samples import dated, release

    service = NotifierService(settings.model_copy(update={"consumer": "rt"}), clock=lambda: NOW,
                              run_scheduler=False)
    await service.start()
    try:
        for sub_id in ("desk", "press"):
            await service._store().put(Subscription.model_validate(
                {"id": sub_id, "channels": ["console"], "reminders": ["P7D", "P1D"]}))
        def versions(prefix: str) -> tuple[list, list]:  # type: ignore[type-arg]
            first = [release(dated(f"{prefix}-{n}-a", DUE), dated(f"{prefix}-{n}-b", DUE + timedelta(days=30)),
                             release_id=f"{prefix}-{n}", published_at=NOW - timedelta(hours=1)) for n in range(8)]
            later = [release(dated(f"{prefix}-{n}-a", DUE), release_id=f"{prefix}-{n}", version=2,
                             published_at=NOW - timedelta(minutes=30)) for n in range(8)]
            return first, later

        for batch in versions("warm"):  # every script loaded, every connection opened
            await service.on_classified_batch(await _batch(service, batch))
        first, later = versions("r")
        trips, alerts_key = RoundTrips(monkeypatch), service.runtime.streams.key(ALERTS)
        alerted_before = await service.runtime.streams.client.xlen(alerts_key)
        first_trips = await trips.of(service.on_classified_batch(await _batch(service, first)))
        alerted = await service.runtime.streams.client.xlen(alerts_key)
        again_trips = await trips.of(service.on_classified_batch(await _batch(service, first)))
        assert alerted > alerted_before and await service.runtime.streams.client.xlen(alerts_key) == alerted
        later_trips = await trips.of(service.on_classified_batch(await _batch(service, later)))
        # the first read, the records, the alerts' script, the reminders' script, their records and the XACKs;
        # once the index holds them, the commitments' chains too, read with the records (the reminders a later
        # version cancels are cancelled by the script that records it); the same entries again plan nothing
        # new: the alerts' script acknowledges them
        assert (first_trips, again_trips, later_trips) == (5, 3, 5)
    finally:
        await service.stop()


@pytest.mark.parametrize("reminders,due", [([], DUE), (["P7D", "P1D"], None)],
                         ids=["subscribers-without-reminders", "commitments-without-a-date"])
async def test_a_read_with_no_reminders_to_plan_is_acknowledged_by_the_alerts_script(settings, monkeypatch,
                                                                                      reminders, due):
    """Every release is a first version and gives no reminder (its subscribers have none, or its commitments no
    date): nothing is left to schedule or settle once the alerts are written, so the alerts' script acknowledges
    the entries too (three round trips: the first read, the records, the alerts' script)."""
    from samples import dated, release

    service = NotifierService(settings.model_copy(update={"consumer": "rt"}), clock=lambda: NOW,
                              run_scheduler=False)
    await service.start()
    try:
        for sub_id in ("desk", "press"):
            await service._store().put(Subscription.model_validate({"id": sub_id, "channels": ["console"],
                                                                    "reminders": reminders}))
        await service._store().delete("console")  # stored at the first start, with the default reminders
        streams = service.runtime.streams
        await streams.ensure_group(streams.key(CLASSIFIED), NOTIFIER_GROUP, "rt")

        async def read(prefix: str) -> list:  # type: ignore[type-arg]
            said = [dated(f"{prefix}-{n}-a", due or DUE) for n in range(4)]
            if due is None:
                said = [c.model_copy(update={"deadlines": [], "text": f"The UK will deliver {c.id}."}) for c in said]
            items = await _batch(service, [release(c, release_id=f"{prefix}-{n}", published_at=NOW - timedelta(hours=1))
                                           for n, c in enumerate(said)])
            await streams.client.xreadgroup(NOTIFIER_GROUP, "rt", {streams.key(CLASSIFIED): ">"})
            return items

        await service.on_classified_batch(await read("warm"))  # every script loaded, every connection opened
        trips, alerts_key = RoundTrips(monkeypatch), streams.key(ALERTS)
        alerted_before = await streams.client.xlen(alerts_key)
        items = await read("r")
        assert (await streams.client.xpending(streams.key(CLASSIFIED), NOTIFIER_GROUP))["pending"] == 4
        assert await trips.of(service.on_classified_batch(items)) == 3
        assert await streams.client.xlen(alerts_key) == alerted_before + 8
        assert (await streams.client.xpending(streams.key(CLASSIFIED), NOTIFIER_GROUP))["pending"] == 0
    finally:
        await service.stop()


async def test_a_read_of_re_announcements_reads_the_chains_with_the_records(settings, monkeypatch):
    """Releases announce again what earlier ones did (the same words, under other ids): the candidates' records
    are read by the index's neighbours' script, and the chains with the subscribers' records, in one script
    (three round trips: the first read, the records and chains, the alerts' script)."""
    from samples import BORDERS, CONTENT, FUNDING, TRAINING, release

    service = NotifierService(settings.model_copy(update={"consumer": "rt"}), clock=lambda: NOW,
                              run_scheduler=False)
    await service.start()
    try:
        await _unreminded(service)
        streams = service.runtime.streams
        await streams.ensure_group(streams.key(CLASSIFIED), NOTIFIER_GROUP, "rt")

        async def read(prefix: str, hours: int) -> list:  # type: ignore[type-arg]
            said = [c.model_copy(update={"id": f"{prefix}-{n}-a", "deadlines": []})
                    for n, c in enumerate((FUNDING, BORDERS, CONTENT, TRAINING))]
            items = await _batch(service, [release(c, release_id=f"{prefix}-{n}",
                                                   published_at=NOW - timedelta(hours=hours))
                                           for n, c in enumerate(said)])
            await streams.client.xreadgroup(NOTIFIER_GROUP, "rt", {streams.key(CLASSIFIED): ">"})
            return items

        await service.on_classified_batch(await read("first", 3))
        await service.on_classified_batch(await read("second", 2))  # every chain has its key
        trips, alerts_key = RoundTrips(monkeypatch), streams.key(ALERTS)
        alerted_before = await streams.client.xlen(alerts_key)
        assert await trips.of(service.on_classified_batch(await read("third", 1))) == 3
        alerts = [json.loads(fields[EVENT_FIELD.encode()])["data"]
                  for _, fields in await streams.client.xrange(alerts_key)][alerted_before:]
        assert len(alerts) == 8 and all(len(a["reannounced"]) == 1 and len(a["reannounced"][0]["announcements"]) == 3
                                        for a in alerts)
        assert (await streams.client.xpending(streams.key(CLASSIFIED), NOTIFIER_GROUP))["pending"] == 0
    finally:
        await service.stop()
