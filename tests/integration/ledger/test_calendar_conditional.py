"""A subscription's calendar feed polled as calendar apps poll it, on the real server and a real Redis: a strong
ETag and Last-Modified on every answer, 304 with no body while the calendar is the same (If-None-Match, weak
comparison, ``*``; If-Modified-Since without it), 412 for an If-Match that does not hold, 200 with a new ETag
once a version changes an event, and the same ETag after a version that changes none."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime

import aiohttp
import pytest
from multidict import CIMultiDict

from schemas.classified import DateDeadline
from services.common.auth import ApiAuth
from services.common.http import HttpServer
from services.ledger.service import LedgerService
from services.notifier.subscriptions import parse_subscription
from tests.unit.notifier.samples import dated, release

pytestmark = pytest.mark.integration

NOW = datetime(2018, 1, 1, tzinfo=timezone.utc)
SOON = dated("c-soon", date(2018, 2, 1))
MOVED = SOON.model_copy(update={"deadlines": [DateDeadline(due=date(2018, 3, 1), text="by 1 March 2018",
                                                           span=(20, 40))]})


@asynccontextmanager
async def _served(settings, now: list[datetime]) -> AsyncIterator[tuple[LedgerService, str]]:
    """A ledger service over HTTP holding SOON, and the calendar URL of its subscription "desk"."""
    service = LedgerService(settings, clock=lambda: now[0])
    await service.start()
    http = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    http.add_routes(service.routes())
    await http.start()
    await service.store.apply(release(SOON), now=NOW)
    await service.subscriptions.put(parse_subscription({"id": "desk", "channels": [{"console": {}}]}))
    try:
        yield service, f"http://127.0.0.1:{http.port}/subscriptions/desk/deadlines.ics"
    finally:
        await http.stop()
        await service.stop()


@pytest.fixture
async def calendar(settings):
    now = [NOW]
    async with _served(settings, now) as (service, url):
        yield service, url, now


async def _ask(url: str, method: str = "GET", **headers: str) -> tuple[int, bytes, CIMultiDict[str]]:
    async with aiohttp.ClientSession() as session:
        async with session.request(method, url, headers={k.replace("_", "-"): v for k, v in headers.items()}) as r:
            return r.status, await r.read(), r.headers.copy()


def _time(header: str) -> datetime:
    return parsedate_to_datetime(header)


async def test_a_calendar_polled_again_is_304_with_no_body_until_a_version_changes_an_event(calendar):
    service, url, now = calendar
    asked = datetime.now(timezone.utc).replace(microsecond=0)
    status, body, headers = await _ask(url)
    assert status == 200 and b"BEGIN:VEVENT" in body
    tag = headers["ETag"]
    assert tag.startswith('"') and not tag.startswith("W/")  # strong
    assert headers["Cache-Control"] == "private, no-cache"  # one subscriber's: no shared cache keeps it
    assert asked <= _time(headers["Last-Modified"]) <= _time(headers["Date"])  # when first served, never after Date

    now[0] = NOW + timedelta(minutes=5)
    for method, asked in [("GET", {"If-None-Match": tag}), ("HEAD", {"If-None-Match": tag}),
                          ("GET", {"If-None-Match": f'"other", W/{tag}'}), ("GET", {"If-None-Match": "*"}),
                          ("GET", {"If-Modified-Since": headers["Last-Modified"]})]:
        status, again, answer = await _ask(url, method, **asked)
        assert (status, again, answer["ETag"], answer["Cache-Control"]) == (304, b"", tag, "private, no-cache"), asked
    status, again, answer = await _ask(url, "HEAD")
    assert (status, again, answer["ETag"], answer["Last-Modified"]) == (200, b"", tag, headers["Last-Modified"])

    await service.store.apply(release(SOON, version=2), now=now[0])  # the same commitment again: no event changed
    assert (await _ask(url, If_None_Match=tag))[0] == 304

    now[0] = NOW + timedelta(minutes=10)
    await service.store.apply(release(MOVED, version=3), now=now[0])
    status, body, moved = await _ask(url, If_None_Match=tag)
    assert status == 200 and b"DTSTART;VALUE=DATE:20180301" in body and moved["ETag"] != tag
    assert _time(moved["Last-Modified"]) >= _time(headers["Last-Modified"])
    # within the same second too: the answer after a change is always a later second than the one before it
    assert (await _ask(url, If_Modified_Since=headers["Last-Modified"]))[0] == 200
    assert (await _ask(url, If_None_Match=moved["ETag"]))[0] == 304


async def test_an_if_modified_since_later_than_redis_clock_is_ignored(calendar):
    """A calendar app whose clock is a day ahead sending its own time: a date later than the server's clock is
    invalid (RFC 9110 13.1.3), and answered 304 it was shown no moved deadline until that day."""
    _, url, _ = calendar
    status, _, headers = await _ask(url)
    assert status == 200
    ahead = format_datetime(datetime.now(timezone.utc) + timedelta(days=1), usegmt=True)
    assert (await _ask(url, If_Modified_Since=ahead))[0] == 200
    assert (await _ask(url, If_Modified_Since=headers["Last-Modified"]))[0] == 304


async def test_an_if_match_that_no_longer_holds_is_412_a_weak_tag_never_holds(calendar):
    _, url, _ = calendar
    tag = (await _ask(url))[2]["ETag"]
    assert (await _ask(url, If_Match=tag))[0] == 200
    for stale in (f"W/{tag}", '"other"'):
        status, body, _ = await _ask(url, If_Match=stale)
        assert (status, body) == (412, b'{"errors":[{"field":"if-match","message":'
                                       b'"the feed is no longer the one named: read it again"}]}')


async def test_an_unknown_subscription_is_404_whatever_its_preconditions(calendar):
    _, url, _ = calendar
    assert (await _ask(url.replace("desk", "nobody"), If_None_Match="*"))[0] == 404


@pytest.fixture
async def calendar_of_own_redis(redis_server, settings):
    _, redis_url = redis_server
    async with _served(settings.model_copy(update={"redis_url": redis_url}), [NOW]) as served:
        yield served


async def test_a_redis_refusing_writes_still_serves_the_calendar_with_its_etag_alone(calendar_of_own_redis):
    """Reading a calendar writes when it was first served; a Redis at its maxmemory refuses that write, and the
    calendar, which it can still read, was answered 503. It is answered in full with no Last-Modified, and 304 for
    its ETag."""
    service, url = calendar_of_own_redis
    status, _, headers = await _ask(url)
    assert status == 200 and "Last-Modified" in headers
    await service.store.apply(release(MOVED, version=2), now=NOW)  # a new calendar, a new moment to write
    client = service.store.client
    await client.config_set("maxmemory", 1)  # noeviction, the default policy
    try:
        status, body, full = await _ask(url, If_None_Match=headers["ETag"])
        assert (status, "Last-Modified" in full) == (200, False)
        assert b"DTSTART;VALUE=DATE:20180301" in body and full["ETag"] != headers["ETag"]
        assert (await _ask(url, If_None_Match=full["ETag"]))[0] == 304
    finally:
        await client.config_set("maxmemory", 0)
    assert "Last-Modified" in (await _ask(url))[2]
