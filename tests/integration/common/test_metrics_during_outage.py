"""`/metrics` while Redis is down, frozen or refusing writes: 200 with everything the process counts by itself,
the series read from Redis left out (not served from an earlier read), and `pledgewatch_redis_up` saying whether
Redis answered, with the seconds since it last did. Through a real app's HTTP server, on a Redis of the test's own."""

import asyncio
import os
from contextlib import asynccontextmanager

import aiohttp
import pytest
import redis.asyncio as aioredis
from prometheus_client import CollectorRegistry, Counter, Gauge
from prometheus_client.parser import text_string_to_metric_families

from services.common.metrics import RELEASES_PUBLISHED
from services.common.scrape_reads import ScrapeReads
from services.common.service import build_app
from services.common.streams import Streams
from services.common.worker_metrics import MetricsShipper, RunMetrics
from services.ingest.service import IngestService

pytestmark = pytest.mark.integration

BOUND = 0.3  # PLEDGEWATCH_HTTP_REDIS_SECONDS of these tests
OUTER = 20.0  # a scrape still unanswered after this would be hanging on Redis
COUNTED = ("pledgewatch_releases_published_total", (("source_kind", "file"),))
STREAM = ("pledgewatch_stream_length", (("stream", "releases"),))


@asynccontextmanager
async def _ingest(settings, url, *, headers=None, **update):
    """An ingest app (its own counters, the streams' values and its sources' read at scrape) on Redis ``url``; a
    client of it sending ``headers``. ``update``: other settings changed."""
    changed = settings.model_copy(update={"redis_url": url, "http_redis_seconds": BOUND, **update})
    app = build_app([IngestService(changed, watch=[], sources=[])], changed, title="pledgewatch ingest")
    await app.start()
    try:
        async with aiohttp.ClientSession(f"http://127.0.0.1:{app.http.port}", headers=headers) as client:
            yield client
    finally:
        await app.stop()


async def _scrape(client):
    """The status, and every family by name with its samples by ``(name, sorted labels)``."""
    async def scrape():
        async with client.get("/metrics") as response:
            return response.status, await response.text()
    status, text = await asyncio.wait_for(scrape(), OUTER)
    assert status == 200, (status, text)
    families = {family.name: family for family in text_string_to_metric_families(text)}
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in families.values() for s in family.samples}
    return families, samples


def _redis_up(families, samples) -> float:
    family = families["pledgewatch_redis_up"]
    assert family.type == "gauge" and "Redis" in family.documentation
    return samples[("pledgewatch_redis_up", ())]


async def test_a_redis_stopped_under_a_running_process_leaves_its_own_counters_served_and_says_it_is_down(
        settings, redis_server):
    """Before: 503 for the whole outage, so Prometheus marked the target down and its counters were unseen."""
    server, url = redis_server
    async with _ingest(settings, url) as client:
        families, samples = await _scrape(client)
        assert _redis_up(families, samples) == 1
        assert samples[("pledgewatch_redis_seconds_since_answer", ())] == 0
        assert STREAM in samples

        RELEASES_PUBLISHED.labels(source_kind="file").inc()
        counted = samples[COUNTED] + 1
        await asyncio.to_thread(server.kill)
        try:
            for _ in range(2):  # the first asks Redis; the next, in the cool-down, does not
                families, samples = await _scrape(client)
                assert _redis_up(families, samples) == 0
                assert samples[COUNTED] == counted
                assert ("pledgewatch_build_info", ()) not in samples  # labelled: its version and commit
                assert any(name == "pledgewatch_build_info" for name, _ in samples)
                assert samples[("pledgewatch_redis_seconds_since_answer", ())] >= 0
                assert families["pledgewatch_redis_seconds_since_answer"].type == "gauge"
                read_from_redis = [name for name, _ in samples if name.startswith(
                    ("pledgewatch_stream_", "pledgewatch_consumer_group_", "pledgewatch_dead_letters"))
                    and not name.startswith(("pledgewatch_dead_letters_written", "pledgewatch_dead_letters_replayed",
                                             "pledgewatch_dead_letters_trimmed"))]
                assert read_from_redis == []
        finally:
            await server.start_from_loop()

        client_of_redis = aioredis.Redis.from_url(url)
        try:
            await client_of_redis.ping()
        finally:
            await client_of_redis.aclose()
        for _ in range(100):  # the cool-down over, the next scrape asks Redis again
            families, samples = await _scrape(client)
            if _redis_up(families, samples) == 1:
                break
            await asyncio.sleep(0.1)
        assert _redis_up(families, samples) == 1 and STREAM in samples
        assert samples[("pledgewatch_redis_seconds_since_answer", ())] == 0


async def test_a_frozen_redis_is_down_to_a_scrape_answered_within_the_bound(settings, redis_server, frozen):
    server, url = redis_server
    async with _ingest(settings, url) as client:
        await _scrape(client)
        with frozen(server):
            families, samples = await _scrape(client)
            assert _redis_up(families, samples) == 0
            assert COUNTED in samples and STREAM not in samples


async def test_with_reads_closed_a_scrape_with_the_token_is_answered_while_redis_is_down(
        settings, redis_server, api_headers):
    """The token check counts the tokens of a client in Redis: while it is away it counts them in the process."""
    server, url = redis_server
    async with _ingest(settings, url, headers=api_headers, open_reads=False) as client:
        await _scrape(client)
        await asyncio.to_thread(server.kill)
        try:
            families, samples = await _scrape(client)
        finally:
            await server.start_from_loop()
    assert _redis_up(families, samples) == 0 and COUNTED in samples


async def test_a_redis_refusing_writes_is_up_and_only_the_reads_it_refused_are_left_out(settings, redis_server):
    """At its maxmemory Redis refuses the transaction that takes the commands' counts; the streams are read."""
    _, url = redis_server
    async with _ingest(settings, url) as client:
        client_of_redis = aioredis.Redis.from_url(url)
        try:
            await client_of_redis.config_set("maxmemory", 1)
            families, samples = await _scrape(client)
            await client_of_redis.config_set("maxmemory", 0)
        finally:
            await client_of_redis.aclose()
        assert _redis_up(families, samples) == 1
        assert COUNTED in samples and STREAM in samples


async def test_the_openapi_document_gives_metrics_no_503(settings):
    """Before: /openapi.json listed "503: Redis cannot be reached …" for /metrics, as for every route, where it
    answers 200 during an outage (decision 0083); a command Redis refuses as wrong is still a 500."""
    async with _ingest(settings, settings.redis_url) as client:
        async with client.get("/openapi.json") as response:
            answers = (await response.json())["paths"]["/metrics"]["get"]["responses"]
    assert "503" not in answers and "500" in answers, answers
    assert "Redis" in answers["200"]["description"], answers["200"]
async def test_the_workers_gauges_are_left_out_while_redis_is_down_and_their_counters_kept(redis_server):
    """`pledgewatch run --workers N`: the run adds what its workers last wrote to Redis. Before: while Redis was away
    the workers' gauges were served from the last read, as if current."""
    server, url = redis_server
    worker = CollectorRegistry()
    Counter("done", "Things done.", registry=worker).inc(4)
    Gauge("in_flight", "Things in flight.", registry=worker).set(2)
    client = aioredis.Redis.from_url(url, socket_timeout=BOUND)
    try:
        streams = Streams(client, prefix="", maxlen=1000, source="test")
        await MetricsShipper(worker, streams, "run-1", 2).ship()
        run = RunMetrics(CollectorRegistry(), streams, "run-1")
        run.live = {os.getpid()}
        reads = ScrapeReads([], keeping_last=[run])
        await reads.refresh()
        values = {s.name: s.value for family in run.collect() for s in family.samples}
        assert values["done_total"] == 4 and values["in_flight"] == 2
        await asyncio.to_thread(server.kill)
        try:
            await reads.refresh()
            values = {s.name: s.value for family in run.collect() for s in family.samples}
        finally:
            await server.start_from_loop()
    finally:
        await client.aclose()
    assert values["done_total"] == 4  # a counter as last read: its sum must not fall for the outage
    assert "in_flight" not in values  # a gauge unread is not true now
