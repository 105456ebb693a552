"""Subscriptions that are gone: deleted through the API (their planned reminders go with them), or read from a
subscriptions file in an earlier run and not loaded now (told at start, their data kept); a reminder falling due
for a subscription that is not there is dropped, not sent nor retried."""

import asyncio
import json
import logging
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest

from samples import dated, release
from services.common.auth import ApiAuth
from services.common.http import HttpServer
from services.ledger.service import LedgerService

from notifier_harness import api_call, desk_reminded_soon, fast_config, handled, scheduled, wait_for

pytestmark = pytest.mark.integration


async def _agenda(service, sub_id: str) -> int:
    streams = service.runtime.streams
    return await streams.client.hlen(streams.key(f"notifier:reminders:planned:{sub_id}"))


async def test_deleting_a_subscription_deletes_its_planned_reminders(notifier, publish_classified):
    n = await notifier(http=True, run_scheduler=False)
    assert (await api_call(n, "DELETE", "/subscriptions/console"))[0] == 204  # the one a first start stores
    for sub_id in ("dash1", "other"):
        status, _ = await api_call(n, "POST", "/subscriptions", {"id": sub_id, "channels": ["console"]})
        assert status == 201
    due = datetime.now(timezone.utc).date() + timedelta(days=60)
    await publish_classified(n.service, release(dated("c1", due)))
    await wait_for(lambda: _count(n.service, 8), what="four reminders for each subscription")
    await wait_for(lambda: _agenda(n.service, "dash1"), what="dash1's record of them")

    status, _ = await api_call(n, "DELETE", "/subscriptions/dash1")

    assert status == 204
    left = await scheduled(n.service)
    records = (await n.service.reminders.planned()).values()
    assert len(left) == 4 and all(json.loads(raw)["u"] == "other" for raw in records)
    assert await _agenda(n.service, "dash1") == 0
    store = n.service.reminders
    assert await store.client.hlen(store.subjects_key) == 1  # still the other subscription's


async def _count(service, count):
    return len(await scheduled(service)) == count


async def test_a_reminder_of_a_subscription_not_loaded_is_dropped_with_a_line_not_sent(
        notifier, receiver, write_yaml, publish_classified, caplog):
    path, due, _, fire_at = desk_reminded_soon(write_yaml, receiver.url("hook"), seconds=2.0)
    config = fast_config(reminder_time="00:00")
    first = await notifier(config=config, subscriptions=path, run_scheduler=False)
    await publish_classified(first.service, release(dated("c-dated", due)))
    await wait_for(lambda: receiver.hits("hook"), what="the new alert")
    await wait_for(lambda: _count(first.service, 1), what="the reminder planned")
    await first.stop()

    with caplog.at_level(logging.INFO, logger="services.notifier"):
        second = await notifier(config=config)  # the file not given
        await asyncio.sleep(max(0.0, (fire_at - datetime.now(timezone.utc)).total_seconds()))
        await wait_for(lambda: _count(second.service, 0), what="the reminder dropped")
        await asyncio.sleep(0.5)
    assert len(receiver.hits("hook")) == 1  # the new alert only
    assert await scheduled(second.service) == {}  # not retried
    assert any("dropped" in r.getMessage() and "'desk'" in r.getMessage() for r in caplog.records)


async def test_file_subscriptions_not_loaded_at_start_are_named_in_a_warning_and_kept(
        notifier, write_yaml, publish_classified, caplog):
    path = write_yaml("subscriptions: [{id: desk, channels: [console]}, {id: desk2, channels: [console]}]")
    first = await notifier(subscriptions=path, run_scheduler=False)
    due = datetime.now(timezone.utc).date() + timedelta(days=60)
    await publish_classified(first.service, release(dated("c1", due)))
    await wait_for(lambda: _count(first.service, 8), what="the reminders planned")
    await wait_for(lambda: _agenda(first.service, "desk2"), what="their records")
    await first.stop()

    with caplog.at_level(logging.WARNING, logger="services.notifier"):
        second = await notifier(run_scheduler=False)
    [line] = [r.getMessage() for r in caplog.records if "desk" in r.getMessage()]
    assert "desk, desk2" in line and "PLEDGEWATCH_SUBSCRIPTIONS" in line and "--subscriptions" in line
    assert await _agenda(second.service, "desk") == 1 and len(await scheduled(second.service)) == 8  # kept
    assert await second.service.store.stored() == []  # nor the console subscription of a first start made
    await second.stop()

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="services.notifier"):
        await notifier(run_scheduler=False)  # still not given: told again
        again = await notifier(subscriptions=path, run_scheduler=False)  # given again: nothing to tell
    assert len([r for r in caplog.records if "desk" in r.getMessage()]) == 1
    await again.stop()

    caplog.clear()
    edited = write_yaml("subscriptions: [{id: desk, channels: [console]}]", name="edited.yaml")
    with caplog.at_level(logging.WARNING, logger="services.notifier"):
        await notifier(subscriptions=edited, run_scheduler=False)  # desk2 left out of the file given
        await notifier(subscriptions=edited, run_scheduler=False)  # told once: the file given is the one meant
    [line] = [r.getMessage() for r in caplog.records if "desk2" in r.getMessage()]
    assert "edited.yaml" in line


async def test_the_workers_beside_a_run_leave_telling_of_file_subscriptions_not_loaded_to_the_run(
        notifier, write_yaml, caplog):
    """Before: each worker of `pledgewatch run --workers N` told it again, N warnings at a start, and one more at
    each worker's restart."""
    first = await notifier(subscriptions=write_yaml("subscriptions: [{id: desk, channels: [console]}]"),
                           run_scheduler=False)
    await first.stop()
    with caplog.at_level(logging.WARNING, logger="services.notifier"):
        await notifier(run_scheduler=False)  # the run's own process
        await notifier(run_scheduler=False, replica=True)  # a worker beside it
    assert len([r for r in caplog.records if "desk" in r.getMessage()]) == 1


async def test_deleting_a_subscription_deletes_its_records_what_it_was_told_and_its_digest(
        notifier, publish_classified):
    """Each record of a subscription is named by its id; a deleted one's would be kept for ever, never read again
    (one made again under its id starts anew, as its feed does)."""
    n = await notifier(http=True, run_scheduler=False)
    for sub_id in ("desk", "other"):
        status, _ = await api_call(n, "POST", "/subscriptions", {"id": sub_id, "channels": ["console"],
                                                                   "mode": "digest", "digest_at": "08:00"})
        assert status == 201
    past = datetime.now(timezone.utc).date() - timedelta(days=30)
    entry = await publish_classified(n.service, release(dated("c-passed", past)))
    await wait_for(lambda: handled(n.service, entry), what="the release handled")
    await n.service.send_digests()  # the first look notes the time of each digest
    streams = n.service.runtime.streams
    records = ("notifier:sent:{}", "notifier:elapsed:{}", "notifier:digest:{}", "notifier:digest-last:{}",
               "notifier:quarantined:{}")
    await streams.client.hset(streams.key("notifier:quarantined:desk"), "gov-uk/iraq-2017/v1", "planning failed")
    assert all([await streams.client.exists(streams.key(r.format("desk"))) for r in records])

    assert (await api_call(n, "DELETE", "/subscriptions/desk"))[0] == 204

    assert [r for r in records if await streams.client.exists(streams.key(r.format("desk")))] == []
    assert all([await streams.client.exists(streams.key(r.format("other"))) for r in records[:4]])


async def test_a_deleted_subscription_leaves_no_key_named_by_its_id(notifier):
    """Its calendar's record of when its answer was first served (``ledger:calendar-served:<id>``, written by the
    ledger) was kept for 30 days after it, and taken up by one made again under its id."""
    n = await notifier(http=True, run_scheduler=False)
    assert (await api_call(n, "POST", "/subscriptions", {"id": "desk", "channels": ["console"]}))[0] == 201
    ledger = LedgerService(n.service.settings)
    await ledger.start()
    http = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(n.service.settings))
    http.add_routes(ledger.routes())
    await http.start()
    try:
        async with aiohttp.ClientSession() as session:
            for url in (f"http://127.0.0.1:{http.port}/subscriptions/desk/deadlines.ics",
                        f"{n.url}/subscriptions/desk/alerts.atom"):
                async with session.get(url) as resp:
                    assert resp.status == 200 and "Last-Modified" in resp.headers, url
    finally:
        await http.stop()
        await ledger.stop()
    streams = n.service.runtime.streams

    async def named() -> list[bytes]:
        return sorted([key async for key in streams.client.scan_iter(match=streams.key("*:desk"))])

    assert await named()  # the feeds' records, among others
    assert (await api_call(n, "DELETE", "/subscriptions/desk"))[0] == 204
    assert await named() == []


async def test_a_subscription_stored_under_the_id_of_one_a_file_gave_leaves_the_file_ones_records(
        notifier, write_yaml, publish_classified):
    """A run not given the file lets one of that id be made and deleted (nothing owns the id then); the records are
    the file's subscription's too, by its id: deleted, the run given the file again would tell it anew what it was
    told and lose its digest's buffer."""
    path = write_yaml("subscriptions: [{id: desk, channels: [console], mode: digest, digest_at: '08:00'}]")
    first = await notifier(subscriptions=path, run_scheduler=False)
    entry = await publish_classified(first.service, release(
        dated("c-passed", datetime.now(timezone.utc).date() - timedelta(days=30)),
        dated("c-ahead", datetime.now(timezone.utc).date() + timedelta(days=60))))
    await wait_for(lambda: handled(first.service, entry), what="the release handled")
    await wait_for(lambda: _agenda(first.service, "desk"), what="its reminders planned")
    await first.service.send_digests()
    streams = first.service.runtime.streams
    records = [streams.key(f"notifier:{r}:desk") for r in ("sent", "elapsed", "digest", "digest-last")]
    assert all([await streams.client.exists(r) for r in records])
    await first.stop()

    second = await notifier(http=True, run_scheduler=False)  # the file not given
    assert (await api_call(second, "POST", "/subscriptions", {"id": "desk", "channels": ["console"]}))[0] == 201
    assert (await api_call(second, "DELETE", "/subscriptions/desk"))[0] == 204
    client = second.service.runtime.streams.client
    assert [r for r in records if not await client.exists(r)] == []
    assert await _agenda(second.service, "desk") == 1
