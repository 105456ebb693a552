"""The reminders planned for a subscription can be seen: listed by the API (``GET /subscriptions/{id}/reminders``)
and by ``pledgewatch subscriptions reminders ID``, soonest first, in the subscription's zone, a few at a time with
the rest counted; counted by ``pledgewatch status`` beside the stream of those fired. Planned by the notifier itself
from a classified release, as a user's are."""

import asyncio
import json
from contextlib import asynccontextmanager
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from samples import dated, release

from notifier_harness import api_call, desk_reminded_soon, fast_config, scheduled, subscriptions_cli, wait_for

pytestmark = pytest.mark.integration

SYDNEY = "Australia/Sydney"


def _local(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=ZoneInfo(SYDNEY)).astimezone(timezone.utc)


async def _four_planned(notifier, write_yaml, publish_classified, **kw):
    """A running notifier whose subscription "desk" (in Sydney, reminded 7 days and 1 day before) has four reminders
    planned, for two commitments; and the two due dates."""
    soon, later = (datetime.now(timezone.utc).date() + timedelta(days=d) for d in (60, 90))
    path = write_yaml(f"subscriptions: [{{id: desk, timezone: {SYDNEY}, reminders: [P7D, P1D], channels: [console]}}]")
    n = await notifier(config=fast_config(reminder_time="09:00"), subscriptions=path, http=True, **kw)
    await wait_for(lambda: n.service.leader.is_leader, what="the leader")
    await publish_classified(n.service, release(dated("c-later", later), dated("c-soon", soon)))

    async def four():
        return len(await scheduled(n.service)) == 4 and await _listed(n, "desk")
    await wait_for(four, what="four reminders planned and recorded")
    return n, soon, later


async def _listed(n, sub_id: str, query: str = "") -> dict | None:
    status, body = await api_call(n, "GET", f"/subscriptions/{sub_id}/reminders{query}")
    assert status == 200, body
    return body if body["planned"] else None


async def test_the_api_lists_the_reminders_planned_soonest_first_in_the_subscriptions_zone(
        notifier, write_yaml, publish_classified):
    n, soon, later = await _four_planned(notifier, write_yaml, publish_classified)
    body = await _listed(n, "desk")
    assert (body["subscription"], body["timezone"], body["planned"], body["more"]) == ("desk", SYDNEY, 4, 0)
    expected = [(_local(soon - timedelta(days=7)), "P7D", "c-soon", soon), (_local(soon - timedelta(days=1)), "P1D",
                "c-soon", soon), (_local(later - timedelta(days=7)), "P7D", "c-later", later),
                (_local(later - timedelta(days=1)), "P1D", "c-later", later)]
    assert [(datetime.fromisoformat(r["fires_at"]), r["offset"], r["commitment"]["id"], date.fromisoformat(r["due"]))
            for r in body["reminders"]] == expected
    planned = await scheduled(n.service)
    assert {r["reminder_id"]: datetime.fromisoformat(r["fires_at"]) for r in body["reminders"]} == planned
    first = body["reminders"][0]
    assert first["fires_at_local"].startswith(f"{soon - timedelta(days=7)}T09:00:00+1")  # 09:00 in Sydney
    assert (first["release"]["release_id"], first["release"]["version"]) == ("gov-uk/iraq-2017", 1)

    page = await _listed(n, "desk", "?limit=1")
    assert (page["planned"], page["more"], [r["offset"] for r in page["reminders"]]) == (4, 3, ["P7D"])


async def test_the_api_refuses_an_unknown_subscription_and_a_bad_limit_and_needs_the_token_as_reads_do(
        notifier, write_yaml, publish_classified):
    n, _, _ = await _four_planned(notifier, write_yaml, publish_classified, open_reads=False)
    assert await api_call(n, "GET", "/subscriptions/nobody/reminders") == \
        (404, {"errors": [{"field": "id", "message": "no subscription 'nobody'"}]})
    status, body = await api_call(n, "GET", "/subscriptions/desk/reminders?limit=0")
    assert status == 422 and body["errors"][0]["field"] == "limit"
    async with aiohttp.ClientSession() as session:  # no token
        async with session.get(f"{n.url}/subscriptions/desk/reminders") as resp:
            assert resp.status == 401


async def test_a_reminder_sent_is_no_longer_listed(notifier, receiver, write_yaml, publish_classified):
    soon = desk_reminded_soon(write_yaml, receiver.url("hook"), seconds=2.0)
    n = await notifier(config=fast_config(reminder_time="00:00"), subscriptions=soon.path, http=True)
    await wait_for(lambda: n.service.leader.is_leader, what="the leader")
    await publish_classified(n.service, release(dated("c-soon", soon.due)))
    body = await wait_for(lambda: _listed(n, "desk"), what="the reminder listed")
    assert (body["planned"], body["reminders"][0]["offset"]) == (1, soon.offset)

    def sent():
        return [h for h in receiver.hits("hook") if json.loads(h[2])["data"]["kind"] == "reminder"]
    await wait_for(sent, what="the reminder sent", timeout=8)
    await wait_for(lambda: _gone(n), what="the reminder no longer listed")
    agenda = n.service.runtime.streams.key("notifier:reminders:planned:desk")
    assert await n.service.runtime.streams.client.hlen(agenda) == 1  # its release's record still names it


async def _gone(n) -> bool:
    status, body = await api_call(n, "GET", "/subscriptions/desk/reminders")
    return status == 200 and body["planned"] == 0 and body["reminders"] == []


async def test_the_cli_lists_them_as_text_and_json_and_refuses_an_unknown_id(
        notifier, write_yaml, publish_classified, capsys, monkeypatch, settings):
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n, soon, later = await _four_planned(notifier, write_yaml, publish_classified)
    run = lambda *argv: asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, *argv])  # noqa: E731
    capsys.readouterr()
    assert await run("reminders", "desk", "--limit", "2") == 0
    lines = capsys.readouterr().out.splitlines()
    week_before = _local(soon - timedelta(days=7))
    assert lines[0] == f"desk: 4 reminders planned, times in {SYDNEY}"
    assert lines[1].startswith(f"  {week_before.astimezone(ZoneInfo(SYDNEY)):%Y-%m-%d} 09:00 AE")
    assert f"({week_before:%Y-%m-%d %H:%M} UTC)  P7D before {soon:%-d %b %Y}  c-soon \"The UK" in lines[1]
    assert lines[1].endswith("(gov-uk/iraq-2017 v1)")
    assert lines[3] == "  … and 2 more (--limit 4 lists them)"

    assert await run("reminders", "desk", "--json") == 0
    body = json.loads(capsys.readouterr().out)
    assert (body["planned"], len(body["reminders"]), body["more"]) == (4, 4, 0)

    assert await run("reminders", "nobody") == 1
    assert capsys.readouterr().err.strip() == ("error: id: no subscription 'nobody' "
                                               "(`pledgewatch subscriptions list` names every subscription)")
    assert await run("reminders", "no/such") == 2


async def test_status_counts_the_reminders_planned_and_when_the_next_goes_out(
        notifier, write_yaml, publish_classified, capsys, monkeypatch, settings, tmp_path):
    n, soon, _ = await _four_planned(notifier, write_yaml, publish_classified)
    for name, value in {"REDIS_URL": settings.redis_url, "PLEDGEWATCH_PREFIX": settings.prefix,
                        "PLEDGEWATCH_HOME": str(tmp_path / "home")}.items():
        monkeypatch.setenv(name, value)
    capsys.readouterr()
    assert await asyncio.to_thread(subscriptions_cli, ["status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    first = _local(soon - timedelta(days=7))
    assert status["reminders"] == {"planned": 4, "next_at": first.isoformat()}
    assert [s["length"] for s in status["streams"] if s["name"] == "reminders"] == [0]  # none fired yet
    assert await asyncio.to_thread(subscriptions_cli, ["status"]) == 0
    assert f"reminders     4 planned, the next {first:%Y-%m-%d %H:%M} UTC (in " in capsys.readouterr().out


async def test_a_stored_subscription_paused_over_a_reminder_lists_it_as_dropped_at_its_time(
        notifier, publish_classified):
    n = await notifier(config=fast_config(reminder_time="09:00"), http=True)
    await wait_for(lambda: n.service.leader.is_leader, what="the leader")
    desk = {"id": "desk", "channels": ["console"], "reminders": ["P7D", "P1D"]}
    assert (await api_call(n, "POST", "/subscriptions", desk))[0] == 201
    due = datetime.now(timezone.utc).date() + timedelta(days=30)
    await publish_classified(n.service, release(dated("c-soon", due)))
    body = await wait_for(lambda: _listed(n, "desk"), what="two reminders listed")
    assert ([r["dropped"] for r in body["reminders"]], body["timezone"]) == ([None, None], "UTC")

    until = datetime.combine(due - timedelta(days=3), time(0, 0), tzinfo=timezone.utc)  # over the first only
    assert (await api_call(n, "POST", "/subscriptions/desk/pause", {"until": until.isoformat()}))[0] == 200
    body = await _listed(n, "desk")
    assert [r["dropped"] for r in body["reminders"]] == [f"desk paused until {until.isoformat()}", None]
    first = body["reminders"][0]
    assert datetime.fromisoformat(first["fires_at_local"]) == datetime.fromisoformat(first["fires_at"])  # UTC


async def test_the_answer_is_as_the_openapi_document_describes_it(notifier, write_yaml, publish_classified):
    from jsonschema import Draft202012Validator
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    n, _, _ = await _four_planned(notifier, write_yaml, publish_classified)
    status, document = await api_call(n, "GET", "/openapi.json")
    assert status == 200
    operation = document["paths"]["/subscriptions/{id}/reminders"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    registry = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(document))
    validator = Draft202012Validator({"$ref": "urn:openapi" + schema["$ref"]}, registry=registry,
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    body = await _listed(n, "desk")
    assert [e.message for e in validator.iter_errors(body)] == []
    listed = document["components"]["schemas"]["ListedReminder"]
    assert set(listed["required"]) == set(body["reminders"][0])  # every field it answers is documented, and given
    schemas = document["components"]["schemas"]
    for field in ("commitment", "release"):  # their fields are named, as the other answers' are
        [ref] = [s["$ref"] for s in listed["properties"][field]["anyOf"] if "$ref" in s]
        described = schemas[ref.rsplit("/", 1)[1]]
        assert set(described["required"]) == set(body["reminders"][0][field])
        assert described.get("additionalProperties") is False


async def test_the_cli_lists_them_on_a_terminal_that_is_not_utf8(
        notifier, write_yaml, publish_classified, monkeypatch, settings):
    import io
    import sys

    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n, _, _ = await _four_planned(notifier, write_yaml, publish_classified)
    for argv in (["--limit", "1"], ["--json"]):
        out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
        monkeypatch.setattr(sys, "stdout", out)
        code = await asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, "reminders", "desk", *argv])
        out.flush()
        text = out.buffer.getvalue().decode("ascii")
        monkeypatch.undo()
        assert code == 0, text
        if argv == ["--json"]:
            assert json.loads(text)["planned"] == 4
        else:
            assert text.splitlines()[-1] == "  ... and 3 more (--limit 4 lists them)"


def _desk_jobs(names: list[str], first_due: date):
    """Reminders of subscription "desk", a day before the deadline of commitment ``c-<name>`` for each name, the
    deadlines a day apart from ``first_due`` in a cycle of 97 days (many reminders share a time)."""
    from services.notifier.planning import release_ref
    from services.notifier.reminders import reminder_jobs

    commitments = [dated(f"c-{name}", first_due + timedelta(days=i % 97)) for i, name in enumerate(names)]
    return reminder_jobs("desk", ["P1D"], release_ref(release(*commitments)), commitments,
                         now=datetime.now(timezone.utc))


@asynccontextmanager
async def _long_agenda(redis_url, key_prefix, count: int):
    """A Redis client, a reminder store and the agenda key of subscription "desk", with ``count`` reminders planned
    for it (one release's, a day before deadlines from 60 days on); no scheduler fires them."""
    import redis.asyncio as aioredis

    from services.notifier.reminder_store import ReminderStore
    from services.notifier.reminders import PlannedReminders
    from services.notifier.scheduler import ReminderScheduler

    jobs = _desk_jobs([f"{i:05d}" for i in range(count)], datetime.now(timezone.utc).date() + timedelta(days=60))
    scheduler = ReminderScheduler(redis_url, key_prefix)
    scheduler.start(None)  # paused: it keeps the jobs, fires none
    client = aioredis.Redis.from_url(redis_url)
    try:
        store = ReminderStore(client, lambda name: key_prefix + name, scheduler,
                              generations=f"{key_prefix}notifier:subscriptions:generations")
        await store.apply(jobs)
        agenda = f"{key_prefix}notifier:reminders:planned:desk"
        await client.hset(agenda, "gov-uk/iraq-2017", PlannedReminders.of(1, jobs).to_json())
        yield client, store, agenda
    finally:
        await client.aclose()
        scheduler.shutdown()


def _desk():
    from services.notifier.subscriptions import Subscription

    return Subscription(id="desk", channels=["console"], reminders=["P1D"])


async def test_a_page_is_read_in_a_few_commands_however_many_are_planned(redis_url, key_prefix):
    from services.common.cpu_work import CpuWork
    from services.notifier.reminder_listing import planned_reminders

    count = 2500
    async with _long_agenda(redis_url, key_prefix, count) as (client, store, agenda):
        await planned_reminders(client, store, _desk(), CpuWork(), limit=5)  # the first indexes what was planned
        before = await client.info("commandstats")
        body = await planned_reminders(client, store, _desk(), CpuWork(), limit=5)
        after = await client.info("commandstats")
    assert (body["planned"], body["more"], len(body["reminders"])) == (count, count - 5, 5)
    calls = {name: after[name]["calls"] - before.get(name, {"calls": 0})["calls"] for name in after}
    assert calls.get("cmdstat_hscan", 0) == 0 and calls.get("cmdstat_zscore", 0) == 0
    assert sum(calls.values()) <= 12, calls  # the mark, the generation, the page's script, records and subjects


async def test_a_long_agenda_is_parsed_off_the_event_loop_which_answers_meanwhile(
        redis_url, key_prefix, monkeypatch):
    from services.common.cpu_work import CpuWork
    from services.notifier import reminder_listing
    from tests.integration.held_work import Held

    held = Held(reminder_listing.still_planned)
    monkeypatch.setattr(reminder_listing, "still_planned", held)
    async with _long_agenda(redis_url, key_prefix, 50) as (client, store, agenda):
        listed = asyncio.create_task(reminder_listing.planned_reminders(client, store, _desk(), CpuWork(),
                                                                        limit=5))
        await held.started()
        assert await client.ping()  # the loop goes on: another read answered while the page is parsed
        held.let_go()
        body = await listed
    assert held.let_go_in_time == [True] and body["planned"] == 50


async def test_with_reads_open_it_is_read_without_the_token_exactly_as_the_subscription_itself(
        notifier, write_yaml, publish_classified):
    n, _, _ = await _four_planned(notifier, write_yaml, publish_classified)  # reads open
    async with aiohttp.ClientSession() as session:  # no token
        for host, expected in (("127.0.0.1", 200), ("rebound.example", 421)):
            statuses = []
            for path in ("/subscriptions/desk", "/subscriptions/desk/reminders"):
                async with session.get(n.url + path, headers={"Host": host}) as resp:
                    statuses.append(resp.status)
            assert statuses == [expected, expected], host


async def _pages(client, store, agenda, *, limit: int, between=None) -> list[dict]:
    """Every page of desk's reminders, following ``next_cursor`` from the first; ``between(n)`` runs after page n."""
    from services.common.cpu_work import CpuWork
    from services.notifier.reminder_listing import planned_reminders

    pages, cursor, cpu = [], None, CpuWork()
    while True:
        pages.append(await planned_reminders(client, store, _desk(), cpu, limit=limit, cursor=cursor))
        cursor = pages[-1]["next_cursor"]
        if cursor is None:
            return pages
        if between is not None:
            await between(len(pages))


def _places(pages: list[dict]) -> list[tuple[datetime, str]]:
    return [(datetime.fromisoformat(r["fires_at"]), r["reminder_id"]) for page in pages for r in page["reminders"]]


async def test_following_next_cursor_lists_each_of_2500_planned_reminders_once_soonest_first(redis_url, key_prefix):
    async with _long_agenda(redis_url, key_prefix, 2500) as (client, store, agenda):
        planned = sorted((at, rid) for rid, at in await store.scheduled())
        pages = await _pages(client, store, agenda, limit=1000)
    assert _places(pages) == planned and len(planned) == 2500
    assert [(p["planned"], p["more"], len(p["reminders"])) for p in pages] == \
        [(2500, 1500, 1000), (2500, 500, 1000), (2500, 0, 500)]
    assert [p["next_cursor"] is None for p in pages] == [False, False, True]


async def test_between_pages_one_sent_is_not_listed_one_planned_after_the_cursor_is_and_none_is_listed_twice(
        redis_url, key_prefix):
    from services.notifier.reminder_store import by_time
    from services.notifier.reminders import PlannedReminders

    async with _long_agenda(redis_url, key_prefix, 2500) as (client, store, agenda):
        planned = sorted((at, rid) for rid, at in await store.scheduled())
        first_due = planned[0][0].date() + timedelta(days=1)
        sent = [planned[10][1], planned[1500][1]]  # one shown on the first page, one not yet shown
        added = {}

        async def meanwhile(page: int) -> None:
            if page != 1:
                return
            await client.zrem(store.due_key, *sent)  # as a firing finishes them
            await client.zrem(by_time(store.due_key, "desk"), *sent)
            await client.hdel(store.planned_key, *sent)
            before, after = (_desk_jobs([name], day) for name, day in (
                ("before", first_due), ("after", first_due + timedelta(days=500))))
            await store.apply(before + after)
            await client.hset(agenda, "another", PlannedReminders.of(1, before + after).to_json())
            added.update({"before": (before[0].fire_at, before[0].reminder_id),
                          "after": (after[0].fire_at, after[0].reminder_id)})

        pages = await _pages(client, store, agenda, limit=1000, between=meanwhile)
    listed = _places(pages)
    expected = [p for p in planned if p[1] != sent[1]] + [added["after"]]  # the first page as it was, then the rest
    assert listed == expected and len(set(listed)) == len(listed)
    assert added["before"] not in listed  # planned before the place reached: on the next first page
    assert [(p["planned"], p["more"]) for p in pages] == [(2500, 1500), (2500, 500), (2500, 0)]


@pytest.mark.parametrize("cursor", ["nonsense", "W10", "WzEsMl0", "WyJ4IiwicmVtIl0", "WzFlKzMwMCwicmVtIl0",
                                    "WyJyZWxlYXNlcyIsMTc2NzI1ODAwMC4wLCJyZW0iXQ", "WyJkZWFkbGluZXMiLDczOTU4NywicmVtIl0",
                                    "WzE3NjcyNTgwMDAuMCwicmVtIl0"],
                         ids=["not-base64-json", "empty-list", "two-numbers", "time-not-a-number", "time-out-of-range",
                              "a-ledger-releases-cursor", "a-ledger-deadlines-cursor", "untagged-from-before"])
async def test_a_cursor_this_server_did_not_give_is_refused_as_the_ledgers_lists_refuse_one(
        redis_url, key_prefix, cursor):
    from services.common.cpu_work import CpuWork
    from services.ledger.core.queries import QueryError
    from services.notifier.reminder_listing import planned_reminders

    async with _long_agenda(redis_url, key_prefix, 3) as (client, store, agenda):
        with pytest.raises(QueryError, match="^cursor: not one this server gave"):
            await planned_reminders(client, store, _desk(), CpuWork(), limit=5, cursor=cursor)


async def test_the_api_gives_next_cursor_and_refuses_a_bad_cursor_naming_it(notifier, write_yaml, publish_classified):
    n, _, _ = await _four_planned(notifier, write_yaml, publish_classified)
    whole = await _listed(n, "desk")
    assert whole["next_cursor"] is None
    seen, query = [], "?limit=3"
    while True:
        page = await _listed(n, "desk", query)
        seen += page["reminders"]
        if page["next_cursor"] is None:
            break
        query = f"?limit=3&cursor={page['next_cursor']}"
    assert seen == whole["reminders"] and query != "?limit=3"
    assert await api_call(n, "GET", "/subscriptions/desk/reminders?cursor=nonsense") == \
        (422, {"errors": [{"field": "cursor", "message": "not one this server gave (ask again without it)"}]})
    status, body = await api_call(n, "GET", "/subscriptions/desk/reminders?cursor=" + "x" * 501)
    assert status == 422 and body["errors"][0]["field"] == "cursor"


async def _sent(client) -> int:
    return int((await client.info("stats"))["total_net_output_bytes"])


async def test_a_page_reads_no_more_of_redis_with_5000_planned_than_with_50_and_its_totals_are_true(redis_server,
                                                                                                   key_prefix):
    """Before: every page read every planned reminder of the subscription (150 bytes each: 15 MB at 100,000), to count
    them and find those after the cursor. On a Redis of the test's own, so that what it sends is this listing's."""
    from services.common.cpu_work import CpuWork
    from services.ledger.core.cursors import encode_cursor
    from services.notifier.reminder_listing import planned_reminders

    _, url = redis_server
    read = {}
    for count in (50, 5000):
        async with _long_agenda(url, f"{key_prefix}{count}:", count) as (client, store, agenda):
            await planned_reminders(client, store, _desk(), CpuWork(), limit=20)  # any first listing's work
            planned = sorted((at, rid) for rid, at in await store.scheduled())
            at, rid = planned[count // 2]
            before = await _sent(client)
            first = await planned_reminders(client, store, _desk(), CpuWork(), limit=20)
            middle = await planned_reminders(client, store, _desk(), CpuWork(), limit=20,
                                             cursor=encode_cursor("reminders", at.timestamp(), rid))
            read[count] = await _sent(client) - before
        assert (first["planned"], first["more"]) == (count, count - 20)
        assert (middle["planned"], middle["more"]) == (count, count - count // 2 - 1 - 20)
        assert _places([first, middle]) == planned[:20] + planned[count // 2 + 1:count // 2 + 21]
    assert read[5000] < 2 * read[50], read


async def _index_matches_the_due_index(client, store) -> dict:
    from services.notifier.reminder_store import by_time

    index = {rid.decode(): at for rid, at in await client.zrange(by_time(store.due_key, "desk"), 0, -1,
                                                                   withscores=True)}
    assert index == {rid.decode(): at for rid, at in await client.zrange(store.due_key, 0, -1, withscores=True)}
    return index


async def test_the_subscriptions_time_index_follows_each_reminder_retried_moved_finished_or_dead_lettered(
        redis_url, key_prefix):
    from services.notifier.outbox import Outbox

    async with _long_agenda(redis_url, key_prefix, 6) as (client, store, agenda):
        assert len(await _index_matches_the_due_index(client, store)) == 6
        claimed = await store.claim(until=datetime.now(timezone.utc).timestamp() + 400 * 86400, lease_seconds=60,
                                    limit=6)
        retry_at = datetime.now(timezone.utc) + timedelta(days=900, microseconds=123457)
        assert await store.fail([(claimed[0], retry_at, b""), (claimed[1], None, b"{}")],
                                dead_letters=f"{key_prefix}dead-letters", ttl_seconds=60) == [True, True]
        index = await _index_matches_the_due_index(client, store)
        assert claimed[1].reminder_id not in index and index[claimed[0].reminder_id] == retry_at.timestamp()
        assert await store.fire([], claimed[2:4], outbox=Outbox(client, lambda name: key_prefix + name),
                                streams=(f"{key_prefix}reminders", f"{key_prefix}alerts"), at=retry_at,
                                ttl_seconds=60) == []
        assert len(await _index_matches_the_due_index(client, store)) == 3
        moved = datetime.now(timezone.utc) + timedelta(days=1000)
        raw = await client.hget(store.planned_key, claimed[4].reminder_id)
        assert await store.retime([(claimed[4].reminder_id, raw, moved, agenda, "gov-uk/iraq-2017")]) == 0  # claimed
        await store.fail([(claimed[4], moved, b"")], dead_letters=f"{key_prefix}dead-letters",
                         ttl_seconds=60)  # retried: no longer claimed, so moved below
        raw = await client.hget(store.planned_key, claimed[4].reminder_id)
        later = moved + timedelta(days=1)
        assert await store.retime([(claimed[4].reminder_id, raw, later, agenda, "gov-uk/iraq-2017")]) == 1
        assert (await _index_matches_the_due_index(client, store))[claimed[4].reminder_id] == later.timestamp()


async def test_reminders_planned_before_the_time_index_was_kept_are_indexed_once_and_listed(redis_url, key_prefix):
    """As an earlier version left them: in the due index alone. The first listing (or leader) indexes them."""
    from services.notifier.reminder_index import index_planned
    from services.notifier.reminder_store import by_time

    async with _long_agenda(redis_url, key_prefix, 1500) as (client, store, agenda):
        planned = sorted((at, rid) for rid, at in await store.scheduled())
        await client.delete(by_time(store.due_key, "desk"), store.indexed_key)
        pages = await _pages(client, store, agenda, limit=1000)
        assert _places(pages) == planned and [p["planned"] for p in pages] == [1500, 1500]
        assert await index_planned(store) == 0  # done once: later ones read the mark alone
