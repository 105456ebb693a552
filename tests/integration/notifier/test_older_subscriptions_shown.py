"""A subscription stored by an earlier version, before a check the API now makes of what is given, is shown as
its documented schema admits it: a client validating the answers reads it, and is told what is wrong with it."""

import asyncio
import json
import logging
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest
import redis.asyncio as aioredis

from samples import BORDERS, dated, release
from schemas import decode_event
from schemas.streams import EVENT_FIELD, REMINDERS

from notifier_harness import api_call, fast_config, handled, offset_firing_in, scheduled, wait_for
from test_api_answers_as_documented import _problems

pytestmark = pytest.mark.integration

OLDER = [
    pytest.param({"filter": {"keywords": ["-"]}}, "filter.keywords", id="keyword-of-a-dash"),
    pytest.param({"filter": {"actors": ["home office", "\u2014"]}}, "filter.actors", id="actor-of-a-dash"),
    pytest.param({"channels": [{"type": "webhook", "url": "http://127.1/in"}]}, "channels.0.url",
                 id="webhook-numeric-host"),
    pytest.param({"channels": [{"type": "webhook", "url": "http://hooks.example.org:0/in"}]}, "channels.0.url",
                 id="webhook-port-0"),
]


@pytest.mark.parametrize(("older", "field"), OLDER)
async def test_an_older_subscription_is_shown_as_its_schema_admits_and_says_what_is_wrong(notifier, older, field):
    """Before: shown with the value as stored, which the documented schema refuses (a keyword of only dashes
    selects nothing, and was refused once it was matched folded), so a client validating the answer failed."""
    n = await notifier(http=True)
    stored = {"id": "older", "channels": [{"type": "console"}], **older}
    await n.service.store.client.hset(n.service.store.key, "older", json.dumps(stored))
    status, document = await api_call(n, "GET", "/openapi.json")
    answers = [("get", "/subscriptions", *await api_call(n, "GET", "/subscriptions")),
               ("get", "/subscriptions/{id}", *await api_call(n, "GET", "/subscriptions/older"))]
    assert [status for _, _, status, _ in answers] == [200, 200]
    assert [p for answer in answers for p in _problems(document, *answer)] == []
    [listed] = [s for s in answers[0][3]["subscriptions"] if s["id"] == "older"]
    for shown in (listed, answers[1][3]):
        assert [problem["field"] for problem in shown["problems"]] == [field], shown


async def test_the_stored_subscription_a_file_overrides_is_shown_with_its_problems(notifier, write_yaml):
    n = await notifier(http=True, subscriptions=write_yaml("subscriptions: [{id: older, channels: [console]}]"))
    stored = {"id": "older", "channels": [{"type": "console"}], "filter": {"keywords": ["\u2013"]}}
    await n.service.store.client.hset(n.service.store.key, "older", json.dumps(stored))
    _, document = await api_call(n, "GET", "/openapi.json")
    status, answer = await api_call(n, "GET", "/subscriptions")
    assert _problems(document, "get", "/subscriptions", status, answer) == []
    [shown] = answer["subscriptions"]
    assert "problems" not in shown and shown["overrides"]["filter"] == {"keywords": ["\u2013"]}
    assert [problem["field"] for problem in shown["overrides"]["problems"]] == ["filter.keywords"]


async def test_an_older_subscription_is_paused_and_resumed_and_its_problem_cleared_by_a_change(notifier):
    n = await notifier(http=True)
    stored = {"id": "older", "channels": [{"type": "console"}], "filter": {"keywords": ["-", "bomb"]}}
    await n.service.store.client.hset(n.service.store.key, "older", json.dumps(stored))
    status, body = await api_call(n, "POST", "/subscriptions/older/pause", {"until": "2030-01-01T00:00:00Z"})
    assert (status, body.get("paused_until"), len(body.get("problems", []))) == (200, "2030-01-01T00:00:00Z", 1), body
    status, body = await api_call(n, "POST", "/subscriptions/older/resume")
    assert (status, body.get("paused_until")) == (200, None), body
    status, body = await api_call(n, "PATCH", "/subscriptions/older", {"filter": {"keywords": ["bomb"]}})
    assert (status, body["filter"], "problems" in body) == (200, {"keywords": ["bomb"]}, False), body


UNREADABLE = {"id": "older", "channels": [{"type": "console"}], "reminders": [f"P{day}D" for day in range(1, 25)]}


async def test_a_subscription_this_version_cannot_read_is_listed_with_its_problems_and_named_when_asked_for(notifier):
    """Before: stored by an earlier version before reminders were bounded (at most 20), it was left out of
    `GET /subscriptions` without a word, and `GET /subscriptions/older` answered 500."""
    n = await notifier(http=True)
    await n.service.store.client.hset(n.service.store.key, "older", json.dumps(UNREADABLE))
    _, document = await api_call(n, "GET", "/openapi.json")
    listed = ("get", "/subscriptions", *await api_call(n, "GET", "/subscriptions"))
    one = ("get", "/subscriptions/{id}", *await api_call(n, "GET", "/subscriptions/older"))
    assert (listed[2], one[2]) == (200, 409), one
    assert [p for answer in (listed, one) for p in _problems(document, *answer)] == []
    [unreadable] = listed[3]["unreadable"]
    assert (unreadable["id"], [p["field"] for p in unreadable["problems"]]) == ("older", ["reminders"])
    [error] = one[3]["errors"]
    assert error["field"] == "id" and "reminders: " in error["message"] and "PUT" in error["message"], error


async def test_a_subscription_this_version_cannot_read_under_an_id_the_file_defines_is_not_listed(notifier,
                                                                                                 write_yaml):
    """Before: listed under `unreadable`, to be replaced or deleted, which `PUT` and `DELETE` refuse (`409`) for an
    id the file defines; it is overridden by the file's, as the dashboard leaves it out."""
    n = await notifier(http=True, subscriptions=write_yaml("subscriptions: [{id: older, channels: [console]}]"))
    await n.service.store.client.hset(n.service.store.key, "older", json.dumps(UNREADABLE))
    status, listed = await api_call(n, "GET", "/subscriptions")
    assert (status, "unreadable" in listed, [s["id"] for s in listed["subscriptions"]]) == (200, False, ["older"])


@pytest.mark.parametrize(("method", "body", "status"), [("PUT", {"channels": ["console"]}, 200), ("DELETE", None, 204)])
async def test_a_subscription_this_version_cannot_read_is_replaced_or_deleted(notifier, method, body, status):
    n = await notifier(http=True)
    await n.service.store.client.hset(n.service.store.key, "older", json.dumps(UNREADABLE))
    got, answer = await api_call(n, method, "/subscriptions/older", body)
    assert got == status, answer
    _, listed = await api_call(n, "GET", "/subscriptions")
    assert "unreadable" not in listed


ROUTES_OF_ONE = [
    pytest.param("GET", "/subscriptions/{id}/alerts.atom", None, id="feed"),
    pytest.param("GET", "/subscriptions/{id}/unsubscribed", None, id="unsubscribed"),
    pytest.param("DELETE", "/subscriptions/{id}/unsubscribed/{address}", None, id="resubscribe"),
    pytest.param("POST", "/subscriptions", {"id": "older", "channels": ["console"]}, id="create-its-id"),
]


@pytest.mark.parametrize(("method", "route", "body"), ROUTES_OF_ONE)
async def test_each_route_of_a_subscription_this_version_cannot_read_names_its_problems(notifier, method, route,
                                                                                          body):
    """Before: its feed and who unsubscribed from it answered 500, an undo of an unsubscribe 422 blaming the
    address, and a new subscription of its id 500: each answers the 409 `GET /subscriptions/{id}` answers."""
    n = await notifier(http=True)
    await n.service.store.client.hset(n.service.store.key, "older", json.dumps(UNREADABLE))
    _, document = await api_call(n, "GET", "/openapi.json")
    _, shown = await api_call(n, "GET", "/subscriptions/older")
    path = route.replace("{id}", "older").replace("{address}", "jane@example.org")
    status, answer = await api_call(n, method, path, body)
    assert (status, answer) == (409, shown)
    assert _problems(document, method.lower(), route, status, answer) == []


async def test_a_recipient_unsubscribes_from_a_subscription_this_version_cannot_read(notifier):
    """Its emails' links still unsubscribe (it exists, and sends again once replaced), where the page answered
    500."""
    n = await notifier(http=True)
    mailing = {**UNREADABLE, "channels": [{"type": "email", "to": ["jane@example.org"]}]}
    await n.service.store.client.hset(n.service.store.key, "older", json.dumps(mailing))
    link = f"{n.url}/unsubscribe/{n.service.unsubscribe_links.token('older', 'jane@example.org')}"
    async with aiohttp.ClientSession() as session:  # no API token: a recipient has none
        for method in ("GET", "POST"):
            async with session.request(method, link, data={"List-Unsubscribe": "One-Click"}) as answer:
                assert (method, answer.status) == (method, 200), await answer.text()
    status, _ = await api_call(n, "PUT", "/subscriptions/older", {"channels": mailing["channels"]})
    assert status == 200
    assert (await api_call(n, "GET", "/subscriptions/older/unsubscribed"))[1] == {"unsubscribed": ["jane@example.org"]}


OLDER_UNREADABLE_WARNING = (
    "WARNING", "stored subscription 'older' cannot be read by this version (reminders: List should have at most 20 "
               "items after validation, not 24): it receives nothing; replace it (`pledgewatch subscriptions add FILE "
               "--replace`) or delete it (`pledgewatch subscriptions delete older`)")


async def said_of_older_over_two_releases(  # type: ignore[no-untyped-def]
        n, publish_classified, caplog) -> list[tuple[str, str]]:
    """The level and words of each line at INFO or above naming subscription ``older`` once ``n`` has handled two
    releases."""
    for release_id in ("r1", "r2"):
        entry = await publish_classified(n.service, release(BORDERS, release_id=release_id))
        await wait_for(lambda: handled(n.service, entry), what=f"{release_id} handled")
    told = [r for r in caplog.records if "'older'" in r.getMessage() or " older " in r.getMessage()]
    return [(r.levelname, r.getMessage()) for r in told if r.levelno >= logging.INFO]


async def test_the_start_warns_once_of_each_subscription_this_version_cannot_read(notifier, settings,
                                                                                   publish_classified, caplog):
    """Before: nothing at the start, then an ERROR at every release handled, saying neither that it receives
    nothing nor how to fix it."""
    client = aioredis.Redis.from_url(settings.redis_url)
    try:
        await client.hset(settings.key("notifier:subscriptions"), "older", json.dumps(UNREADABLE))
    finally:
        await client.aclose()
    caplog.set_level(logging.DEBUG, logger="services.notifier")
    n = await notifier()
    assert await said_of_older_over_two_releases(n, publish_classified, caplog) == [OLDER_UNREADABLE_WARNING]


async def test_a_subscription_that_becomes_unreadable_after_the_start_is_warned_of_once(notifier, publish_classified,
                                                                                      caplog):
    """Before: one an older notifier stored after this one started (in a rolling upgrade) was logged at DEBUG
    only: it received nothing without a word."""
    caplog.set_level(logging.DEBUG, logger="services.notifier")
    n = await notifier()
    entry = await publish_classified(n.service, release(BORDERS, release_id="r0"))
    await wait_for(lambda: handled(n.service, entry), what="r0 handled")
    await n.service.store.client.hset(n.service.store.key, "older", json.dumps(UNREADABLE))
    assert await said_of_older_over_two_releases(n, publish_classified, caplog) == [OLDER_UNREADABLE_WARNING]


async def test_reminders_of_others_fire_beside_those_of_a_subscription_this_version_cannot_read(
        notifier, publish_classified):
    """Before: firing read each claimed reminder's subscription before judging any reminder alone, so that one
    this version cannot read failed every reminder claimed with it, again at each retry."""
    due = datetime.now(timezone.utc).date() + timedelta(days=2)
    offset, _ = offset_firing_in(1.0, due)
    n = await notifier(http=True, config=fast_config(reminder_time="00:00"), run_scheduler=False)
    for sub_id in ("desk", "older"):
        made = {"id": sub_id, "channels": ["console"], "reminders": [offset]}
        assert (await api_call(n, "POST", "/subscriptions", made))[0] == 201
    await publish_classified(n.service, release(dated("c-dated", due)))
    await wait_for(lambda: len_at_least(scheduled(n.service), 2), what="both reminders planned")
    stored = json.loads(await n.service.store.client.hget(n.service.store.key, "older"))
    await n.service.store.client.hset(n.service.store.key, "older", json.dumps({**stored, **UNREADABLE}))
    soon = min((await scheduled(n.service)).values())  # the two of the offset given (each is reminded on the day too)
    await asyncio.sleep(max(0.0, (soon - datetime.now(timezone.utc)).total_seconds()) + 0.2)
    claimed = await n.service.reminders.claim(until=soon.timestamp(), lease_seconds=60, limit=250)
    assert len(claimed) == 2
    assert await n.service.firing.fire(claimed) == 1
    streams = n.service.runtime.streams
    fired = [decode_event(f[EVENT_FIELD.encode()]).data for _, f in await streams.client.xrange(streams.key(REMINDERS))]
    assert [e.subscription_id for e in fired] == ["desk"]


async def len_at_least(found, count: int) -> bool:
    return len(await found) >= count
