"""Quiet sources on a real Redis: a feed's releases recorded as they are published, a quiet spell announced
once on the sources stream (across checks, restarts and racing replicas) and its end announced when the feed
publishes again; the same state at ``GET /sources`` and ``/metrics``."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from schemas import ReleasePublished, decode_event
from schemas.sources import SourceResumedEvent, SourceWentQuietEvent
from schemas.streams import EVENT_FIELD, SOURCES
from services.common.auth import ApiAuth
from services.common.http import HttpServer
from services.common.metrics import registry_with
from services.ingest.config import SourceConfig
from services.ingest.identity import content_hash
from services.ingest.quiet_watch import QuietWatch
from services.ingest.rhythm import Change, QuietRules
from services.ingest.service import IngestService
from services.ingest.source_failures import record_failure, record_success
from services.ingest.source_metrics import SourceCollector
from services.ingest.source_reads import read_sources
from services.ingest.state import publish_if_changed
from tests.conftest import document_and_answer, documented_answer, unrequired_fields

pytestmark = pytest.mark.integration

DAY = timedelta(days=1)
FIRST = datetime(2026, 10, 1, 9, 30, tzinfo=timezone.utc)
FEED = SourceConfig(name="govuk-home-office", url="https://www.gov.uk/search/news.atom", interval=300)
PAGE = SourceConfig(name="resilience-statement", type="page", url="https://example.org/statement", interval=3600)
NEVER = SourceConfig(name="un-news", url="https://news.un.org/feed/rss.xml", interval=300)
RULES = QuietRules(after=3, window=20, min_gaps=5)


def _release(n: int, published_at: datetime, *, source: str = FEED.name, body: str | None = None) -> ReleasePublished:
    title, text = f"Release {n}", body or f"The UK will invest £{n}m in port security."
    return ReleasePublished(release_id=f"rel-quiet-{source}-{n}", version=1, url=f"https://www.gov.uk/news/{n}",
                            title=title, published_at=published_at, source=source, body=text,
                            content_hash=content_hash(title, text))


async def _daily_feed(streams, count: int) -> datetime:
    """``count`` releases of the feed a day apart from FIRST; returns the last one's time."""
    for n in range(count):
        await publish_if_changed(streams, _release(n, FIRST + n * DAY), kind="feed")
    return FIRST + (count - 1) * DAY


async def _source_events(streams) -> list:
    return [decode_event(fields[EVENT_FIELD.encode()]) for _, fields in await streams.client.xrange(
        streams.key(SOURCES))]


def _watch(streams, sources=(FEED,)) -> QuietWatch:
    return QuietWatch(streams, list(sources), rules=RULES, default_interval=300, check_interval=60)


async def test_a_feed_quiet_for_three_usual_gaps_is_announced_once_and_again_when_it_publishes(streams):
    last = await _daily_feed(streams, 10)
    watch = _watch(streams)
    await watch.register()

    assert await watch.check(FEED, now=last + 3 * DAY - timedelta(minutes=1)) is None
    assert await watch.check(FEED, now=last + 3 * DAY) is Change.QUIET
    assert await watch.check(FEED, now=last + 4 * DAY) is None
    assert await _watch(streams).check(FEED, now=last + 5 * DAY) is None  # a restart: the spell is in Redis

    (quiet,) = await _source_events(streams)
    assert isinstance(quiet, SourceWentQuietEvent)
    assert quiet.subject == FEED.name
    assert quiet.data.model_dump() == {"source": FEED.name, "kind": "feed", "last_release": last,
                                       "usual_gap_seconds": 86400.0, "quiet_after": 3.0,
                                       "quiet_since": last + 3 * DAY}

    published = last + 6 * DAY
    await publish_if_changed(streams, _release(99, published), kind="feed")
    assert await watch.check(FEED, now=published + timedelta(minutes=1)) is Change.RESUMED
    assert await watch.check(FEED, now=published + timedelta(minutes=2)) is None

    resumed = (await _source_events(streams))[1:]
    assert [type(e) for e in resumed] == [SourceResumedEvent]
    assert resumed[0].data.model_dump() == {"source": FEED.name, "kind": "feed", "last_release": published,
                                            "previous_release": last, "quiet_since": last + 3 * DAY}


async def test_replicas_checking_at_once_announce_one_spell(streams):
    last = await _daily_feed(streams, 8)
    replicas = [_watch(streams) for _ in range(6)]
    changes = await asyncio.gather(*(r.check(FEED, now=last + 4 * DAY) for r in replicas))
    assert sorted(changes, key=str) == [Change.QUIET] + [None] * 5
    assert len(await _source_events(streams)) == 1


async def test_a_new_version_of_a_feed_entry_is_not_a_new_release_but_a_pages_change_is(streams):
    await publish_if_changed(streams, _release(1, FIRST), kind="feed")
    await publish_if_changed(streams, _release(1, FIRST, body="The UK will invest £8m."), kind="feed")
    page = _release(2, FIRST, source=PAGE.name)
    await publish_if_changed(streams, page, kind="page")
    await publish_if_changed(streams, _release(2, FIRST, source=PAGE.name, body="Changed."), kind="page")
    await publish_if_changed(streams, _release(3, FIRST, source="press-office"), kind="http")
    sets = {name: await streams.client.zcard(streams.key(f"ingest:source:{name}:releases"))
            for name in (FEED.name, PAGE.name, "press-office")}
    assert sets == {FEED.name: 1, PAGE.name: 2, "press-office": 0}


async def test_sources_are_read_as_the_watch_judged_them_and_exported_as_gauges(streams):
    last = await _daily_feed(streams, 10)
    watch = _watch(streams, (FEED, PAGE))
    await watch.register()
    now = last + 4 * DAY
    await watch.check_all(now=now)

    views = {v.id: v for v in await read_sources(streams, now=now)}
    assert views[FEED.name].model_dump() == {
        "id": FEED.name, "kind": "feed", "last_release": last, "seconds_since_release": 4 * 86400.0,
        "usual_gap_seconds": 86400.0, "quiet_since": last + 3 * DAY, "failing": None, "last_poll": None}
    assert views[PAGE.name].model_dump() == {
        "id": PAGE.name, "kind": "page", "last_release": None, "seconds_since_release": None,
        "usual_gap_seconds": None, "quiet_since": None, "failing": None, "last_poll": None}

    collector = SourceCollector(streams)
    await collector.refresh()
    text = generate_latest(registry_with(collector)).decode()
    samples = {(s.name, tuple(s.labels.items())): s.value
               for family in text_string_to_metric_families(text) for s in family.samples}
    assert samples[("pledgewatch_source_quiet", (("source", FEED.name),))] == 1
    assert samples[("pledgewatch_source_quiet", (("source", PAGE.name),))] == 0
    assert samples[("pledgewatch_source_usual_gap_seconds", (("source", FEED.name),))] == 86400
    assert samples[("pledgewatch_source_seconds_since_release", (("source", FEED.name),))] >= 4 * 86400
    assert ("pledgewatch_source_seconds_since_release", (("source", PAGE.name),)) not in samples


async def test_a_source_no_longer_configured_leaves_the_list(streams):
    await _watch(streams, (FEED, PAGE)).register()
    await _watch(streams, (PAGE,)).register()
    assert [v.id for v in await read_sources(streams, now=FIRST)] == [PAGE.name]


@asynccontextmanager
async def _sources_api(settings, sources):
    """Ingest configured with ``sources`` and its API, served: (the service, a session on the API)."""
    service = IngestService(settings, watch=[], sources=list(sources))
    http = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    await service.start()
    http.add_routes(service.routes())
    await http.start()
    try:
        async with aiohttp.ClientSession(f"http://127.0.0.1:{http.port}") as client:
            yield service, client
    finally:
        await http.stop()
        await service.stop()


async def test_get_sources_answers_every_configured_source_in_the_documented_shape(settings, streams):
    async with _sources_api(settings, [FEED]) as (service, client):
        await _daily_feed(streams, 3)
        await service.started()  # the watch registers the sources and checks them at once
        document, status, answer = await document_and_answer(client, "GET", "/sources")
    assert status == 200
    (source,) = answer["sources"]
    assert source["id"] == FEED.name and source["kind"] == "feed"
    assert source["last_release"] == "2026-10-03T09:30:00Z"
    assert source["usual_gap_seconds"] is None and source["quiet_since"] is None  # 2 gaps: not judged yet
    assert document["paths"]["/sources"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SourcesAnswer"}


async def test_a_failing_source_is_in_get_sources_until_a_poll_succeeds(settings, streams):
    """Before: only `pledgewatch status` said a source's polls kept failing; `GET /sources` did not."""
    async with _sources_api(settings, [FEED, PAGE]) as (service, client):
        await service.quiet_watch.register()  # the sources listed, none polled: the failures are the test's
        await record_failure(streams, FEED.name, "HTTP 503 from www.gov.uk", now=FIRST)
        await record_failure(streams, FEED.name, "timed out after 30 s", now=FIRST + timedelta(minutes=5),
                             retry_at=FIRST + timedelta(minutes=15))
        async with client.get("/sources") as resp:
            assert resp.status == 200
            failing = {s["id"]: s["failing"] for s in (await resp.json())["sources"]}
        await record_success(streams, FEED.name, now=FIRST + timedelta(minutes=15))
        async with client.get("/sources") as resp:
            answered = (await resp.json())["sources"]
            after = {s["id"]: s["failing"] for s in answered}
        async with client.get("/openapi.json") as resp:
            document = await resp.json()
    assert failing == {FEED.name: {"since": "2026-10-01T09:30:00Z", "failures": 2, "error": "timed out after 30 s",
                                   "retry_at": "2026-10-01T09:45:00Z"},
                       PAGE.name: None}
    assert after == {FEED.name: None, PAGE.name: None}
    # when a poll last succeeded: a source polled without fault was told of by nothing but the metrics
    assert {s["id"]: s["last_poll"] for s in answered} == {FEED.name: "2026-10-01T09:45:00Z", PAGE.name: None}
    schemas = document["components"]["schemas"]
    assert set(schemas["SourceFailing"]["properties"]) == {"since", "failures", "error", "retry_at"}
    assert "last_poll" in schemas["SourceView"]["properties"]
    assert "failing" in schemas["SourceView"]["properties"]


async def test_every_field_of_the_sources_answered_is_documented_as_required(settings, streams):
    """A client generated from ``/openapi.json`` codes for no absence that never happens: every field answered is
    required where it stands, null where it may be (``failing``, its ``retry_at``, ``last_poll``)."""
    async with _sources_api(settings, [FEED, PAGE, NEVER]) as (service, client):
        await service.quiet_watch.register()  # the sources listed, none polled: the polls are the test's
        await record_failure(streams, FEED.name, "HTTP 503 from www.gov.uk", now=FIRST,
                             retry_at=FIRST + timedelta(minutes=10))
        await record_success(streams, PAGE.name, now=FIRST)
        document, status, answer = await document_and_answer(client, "GET", "/sources")
    assert status == 200
    shown = {s["id"]: (s["failing"] is not None, s["last_poll"] is not None) for s in answer["sources"]}
    assert shown == {FEED.name: (True, False), PAGE.name: (False, True), NEVER.name: (False, False)}
    validator = documented_answer(document, "get", "/sources")
    assert [e.message for e in validator.iter_errors(answer)] == []
    assert unrequired_fields(validator, answer) == []
