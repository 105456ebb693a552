"""A subscriber's Atom feed on the real server and a real Redis: what it was sent, newest first, told as the
other channels tell it, with ETags for conditional GETs; gone with the subscription."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime

import aiohttp
import feedparser
import pytest

from schemas.streams import ALERTS, EVENT_FIELD
from services.notifier.atom import stable_id
from services.notifier.feed import FEED_SIZE, feed_events, feed_key, record_in_feed
from services.notifier.messages import alert_event
from services.notifier.planning import plan_alerts
from services.notifier.subscriptions import Subscription

from notifier_harness import desk_reminded_soon, fast_config, handled, wait_for
from samples import BORDERS, TRAINING, dated, release

pytestmark = pytest.mark.integration


async def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, aiohttp.typedefs.LooseHeaders]:
    async with aiohttp.ClientSession() as session:
        async with session.get(url, headers=headers) as resp:
            return resp.status, await resp.read(), resp.headers


async def _alert_ids(service) -> list[str]:
    streams = service.runtime.streams
    return [json.loads(fields[EVENT_FIELD.encode()])["id"]
            for _, fields in await streams.client.xrange(streams.key(ALERTS))]


async def test_the_feed_lists_what_the_subscriber_was_sent_and_answers_304_while_nothing_new(
        notifier, receiver, write_yaml, publish_classified):
    path = write_yaml(f"""
subscriptions:
  - id: desk
    channels: [{{webhook: {{url: "{receiver.url('hook')}"}}}}]
""")
    n = await notifier(subscriptions=path, http=True)
    feed_url = f"{n.url}/subscriptions/desk/alerts.atom"
    status, body, headers = await _get(feed_url)
    assert status == 200 and feedparser.parse(body).entries == []

    entry = await publish_classified(n.service, release(BORDERS, release_id="r1"))
    await wait_for(lambda: handled(n.service, entry), what="r1 handled")
    status, body, headers = await _get(feed_url)
    assert (status, headers["Content-Type"]) == (200, "application/atom+xml; charset=utf-8")
    parsed = feedparser.parse(body)
    assert not parsed.bozo and parsed.version == "atom10"
    (alert_id,) = await _alert_ids(n.service)
    assert [e.id for e in parsed.entries] == [stable_id("alert", alert_id)]
    assert [link.href for link in parsed.feed.links if link.rel == "self"] == [feed_url]
    assert {link.href for link in parsed.entries[0].links if link.rel == "related"} == {f"{n.url}/dashboard/releases/r1"}  # its dashboard page

    tag = headers["ETag"]
    status, body, again = await _get(feed_url, {"If-None-Match": tag})
    assert (status, body, again["ETag"]) == (304, b"", tag)

    entry = await publish_classified(n.service, release(TRAINING, release_id="r2"))
    await wait_for(lambda: handled(n.service, entry), what="r2 handled")
    status, body, headers = await _get(feed_url, {"If-None-Match": tag})
    assert status == 200 and headers["ETag"] != tag
    first, second = feedparser.parse(body).entries
    assert first.title.endswith(": UK ramps up counterterror effort in Iraq") and second.id == stable_id("alert", alert_id)
    assert "We will work with partners across the region" in second.content[0].value


async def test_the_feed_links_to_the_dashboard_where_it_is_served_when_that_is_elsewhere(
        notifier, write_yaml, publish_classified):
    """Under docker compose the dashboard is the ledger's container (8085), not the notifier's (8081): before,
    a release's page in the feed was linked on the notifier's port, which serves no dashboard (404)."""
    path = write_yaml("""
subscriptions:
  - id: desk
    channels: [console]
""")
    n = await notifier(config=fast_config(dashboard_url="http://127.0.0.1:8085/"), subscriptions=path, http=True)
    entry = await publish_classified(n.service, release(BORDERS, release_id="r1").model_copy(update={"url": "file:///in/r1.txt"}))
    await wait_for(lambda: handled(n.service, entry), what="r1 handled")
    status, body, _ = await _get(f"{n.url}/subscriptions/desk/alerts.atom")
    parsed = feedparser.parse(body)
    assert [link.href for link in parsed.feed.links if link.rel == "self"] == [f"{n.url}/subscriptions/desk/alerts.atom"]
    links = {link.rel: link.href for link in parsed.entries[0].links}
    assert links == {"related": "http://127.0.0.1:8085/dashboard/releases/r1",  # the dashboard's own address
                     "alternate": "http://127.0.0.1:8085/dashboard/releases/r1"}  # a file:// release has no page


async def test_a_fired_reminder_is_in_the_feed_too(notifier, receiver, write_yaml, publish_classified):
    soon = desk_reminded_soon(write_yaml, receiver.url("hook"))
    n = await notifier(config=fast_config(reminder_time="00:00"), subscriptions=soon.path, http=True)
    await publish_classified(n.service, release(dated("c-soon", soon.due)))
    await wait_for(lambda: len(receiver.hits("hook")) == 2, what="alert and reminder delivered")
    status, body, _ = await _get(f"{n.url}/subscriptions/desk/alerts.atom")
    reminder, new = feedparser.parse(body).entries
    assert [t.term for t in reminder.tags] == ["reminder"] and reminder.title.startswith("Due ")
    assert [t.term for t in new.tags] == ["new"]


async def test_an_unknown_subscription_has_no_feed(notifier):
    n = await notifier(http=True)
    status, body, _ = await _get(f"{n.url}/subscriptions/nobody/alerts.atom")
    assert (status, json.loads(body)) == (404, {"errors": [{"field": "id", "message": "no subscription 'nobody'"}]})


async def test_the_feed_is_read_as_the_calendar_is_with_reads_closed(notifier):
    n = await notifier(http=True, open_reads=False)
    assert (await _get(f"{n.url}/subscriptions/console/alerts.atom"))[0] == 401
    assert (await _get(f"{n.url}/subscriptions/console/alerts.atom", n.api_headers))[0] == 200


async def test_an_empty_feed_was_updated_when_it_was_first_read_and_stays_so(notifier):
    """Before: ``<updated>1970-01-01T00:00:00Z</updated>`` until the first alert."""
    now = [datetime(2026, 12, 4, 9, 30, 15, 500, tzinfo=timezone.utc)]
    n = await notifier(http=True, clock=lambda: now[0], run_scheduler=False)
    feed_url = f"{n.url}/subscriptions/console/alerts.atom"
    status, body, headers = await _get(feed_url)
    assert status == 200 and feedparser.parse(body).feed.updated == "2026-12-04T09:30:15Z"
    now[0] = datetime(2026, 12, 5, 10, 0, tzinfo=timezone.utc)
    assert (await _get(feed_url, {"If-None-Match": headers["ETag"]}))[0] == 304, "the same bytes on every read"
    async with aiohttp.ClientSession(headers=n.api_headers) as session:  # a new subscription of that id: anew
        async with session.delete(f"{n.url}/subscriptions/console") as resp:
            assert resp.status == 204
        async with session.post(f"{n.url}/subscriptions", json={"id": "console", "channels": ["console"]}) as resp:
            assert resp.status == 201
    assert feedparser.parse((await _get(feed_url))[1]).feed.updated == "2026-12-05T10:00:00Z"


async def test_the_feed_says_when_it_last_changed_and_answers_if_modified_since_and_if_match_by_it(
        notifier, publish_classified):
    now = [datetime(2026, 12, 4, 9, 30, 15, 500, tzinfo=timezone.utc)]
    n = await notifier(http=True, clock=lambda: now[0])
    feed_url = f"{n.url}/subscriptions/console/alerts.atom"
    status, _, headers = await _get(feed_url)
    assert (status, headers["Cache-Control"]) == (200, "private, no-cache")  # one subscriber's: no shared cache
    assert parsedate_to_datetime(headers["Last-Modified"]) <= parsedate_to_datetime(headers["Date"])
    now[0] = datetime(2026, 12, 4, 10, 0, tzinfo=timezone.utc)
    status, body, again = await _get(feed_url, {"If-Modified-Since": headers["Last-Modified"]})
    assert (status, body, again["ETag"], again["Cache-Control"]) == (304, b"", headers["ETag"], "private, no-cache")
    assert (await _get(feed_url, {"If-None-Match": f'W/{headers["ETag"]}'}))[0] == 304  # compared weakly
    assert (await _get(feed_url, {"If-None-Match": "*"}))[0] == 304

    entry = await publish_classified(n.service, release(BORDERS, release_id="r1"))
    await wait_for(lambda: handled(n.service, entry), what="r1 handled")
    status, _, changed = await _get(feed_url, {"If-Modified-Since": headers["Last-Modified"]})  # a later second
    assert status == 200 and changed["ETag"] != headers["ETag"]
    assert parsedate_to_datetime(changed["Last-Modified"]) >= parsedate_to_datetime(headers["Last-Modified"])
    assert (await _get(feed_url, {"If-Match": headers["ETag"]}))[0] == 412  # compared strongly, and no longer it
    assert (await _get(feed_url, {"If-Match": changed["ETag"]}))[0] == 200


async def test_an_if_modified_since_later_than_redis_clock_is_ignored(notifier):
    """A feed reader whose clock is a day ahead sending its own time: a date later than the server's clock is
    invalid (RFC 9110 13.1.3), and answered 304 it was told of nothing sent until that day."""
    n = await notifier(http=True)
    feed_url = f"{n.url}/subscriptions/console/alerts.atom"
    status, _, headers = await _get(feed_url)
    assert status == 200
    ahead = format_datetime(datetime.now(timezone.utc) + timedelta(days=1), usegmt=True)
    assert (await _get(feed_url, {"If-Modified-Since": ahead}))[0] == 200
    assert (await _get(feed_url, {"If-Modified-Since": headers["Last-Modified"]}))[0] == 304


async def test_deleting_a_subscription_drops_its_feed(notifier, publish_classified):
    n = await notifier(http=True)
    entry = await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: handled(n.service, entry), what="handled")
    streams = n.service.runtime.streams
    key = feed_key(streams.key, "console")
    assert await streams.client.llen(key) == 1
    async with aiohttp.ClientSession(headers=n.api_headers) as session:
        async with session.delete(f"{n.url}/subscriptions/console") as resp:
            assert resp.status == 204
    assert await streams.client.exists(key) == 0


async def test_the_feed_keeps_the_newest_entries_only(notifier):
    n = await notifier()
    streams = n.service.runtime.streams
    sub = Subscription(id="desk", channels=["console"])
    key = feed_key(streams.key, sub.id)
    alerts = [plan_alerts(sub, release(BORDERS, release_id=f"r{i}"), sent={}, elapsed_sent=set(),
                          now=datetime.now(timezone.utc)).alerts[0]
              for i in range(FEED_SIZE + 5)]
    for alert in alerts:
        async with streams.client.pipeline(transaction=True) as pipe:
            record_in_feed(pipe, key, alert_event(alert).to_json())
            await pipe.execute()
    events = await feed_events(streams.client, key)
    assert [e.id for e in events] == [a.alert_id for a in reversed(alerts)][:FEED_SIZE]


async def test_a_feed_read_before_is_read_while_redis_refuses_writes(redis_server):
    """When a feed was first read is written once; read again while Redis is at its maxmemory, it wrote it again
    (a refused SET NX) and the feed was answered 503."""
    import redis.asyncio as aioredis

    from services.notifier.feed import feed_since

    client = aioredis.Redis.from_url(redis_server[1])
    first = datetime(2018, 1, 1, tzinfo=timezone.utc)
    try:
        assert await feed_since(client, "notifier:feed-since:desk", now=first) == first
        await client.config_set("maxmemory", 1)  # noeviction, the default policy
        assert await feed_since(client, "notifier:feed-since:desk", now=datetime.now(timezone.utc)) == first
    finally:
        await client.config_set("maxmemory", 0)
        await client.aclose()


async def test_the_feed_is_written_off_the_event_loop_which_answers_health_meanwhile(notifier, write_yaml, monkeypatch):
    import asyncio

    from services.notifier import feed_api
    from tests.integration.held_work import Held

    held = Held(feed_api.alerts_feed)
    monkeypatch.setattr(feed_api, "alerts_feed", held)
    n = await notifier(subscriptions=write_yaml("subscriptions: [{id: desk, channels: [console]}]"), http=True)
    feed = asyncio.create_task(_get(f"{n.url}/subscriptions/desk/alerts.atom"))
    await held.started()
    health, _, _ = await _get(f"{n.url}/healthz")  # answered while the feed is being written
    held.let_go()
    status, body, _ = await feed
    assert held.let_go_in_time == [True] and (health, status) == (200, 200) and b"<feed" in body
