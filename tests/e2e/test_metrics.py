"""``GET /metrics`` of a whole pipeline on a real Redis: the seed release moves the counters and the streams'
values by what it caused, read over HTTP as Prometheus reads them."""

import asyncio
import json
import shutil
import time

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from pledgewatch.runner import build_all

pytestmark = pytest.mark.e2e


@pytest.fixture
async def pipeline(settings, tmp_path, ct_desk_subscriptions, receiver):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    app = build_all(settings.model_copy(update={"watch": [inbox], "subscriptions": ct_desk_subscriptions("s3cret")}))
    await app.start()
    async with aiohttp.ClientSession(f"http://127.0.0.1:{app.http.port}") as client:
        yield inbox, receiver[1], client
    await app.stop()


async def scrape(client, headers=None):
    """Every sample of ``/metrics`` by ``(name, sorted labels)``."""
    async with client.get("/metrics", headers=headers) as response:
        assert response.status == 200, await response.text()
        assert response.content_type == "text/plain"
        text = await response.text()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def scrape_until(client, done, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not done(samples := await scrape(client)) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    return samples


def moved(before, after):
    """What each counter gained between two scrapes (process counters outlive the tests' apps)."""
    return {key: after[key] - before.get(key, 0.0) for key in after if key[0].endswith("_total")}


WEBHOOK_SENT = ("pledgewatch_deliveries_total", (("channel", "webhook"), ("outcome", "sent")))
CT_FOUND = ("pledgewatch_commitments_found_total", (("counter_terrorism", "yes"),))
OTHER_FOUND = ("pledgewatch_commitments_found_total", (("counter_terrorism", "no"),))


def stream(name):
    return ("pledgewatch_stream_length", (("stream", name),))


def group(metric, stream_name, group_name):
    return (f"pledgewatch_consumer_group_{metric}", (("group", group_name), ("stream", stream_name)))


async def test_the_seed_release_moves_the_counters_and_the_streams_values(pipeline, seed_file):
    inbox, posts, client = pipeline
    before = await scrape(client)
    assert before[stream("releases")] == 0 and before[("pledgewatch_dead_letters", ())] == 0

    shutil.copy(seed_file, inbox / seed_file.name)
    after = await scrape_until(client, lambda s: moved(before, s).get(WEBHOOK_SENT) == 1
                               and s.get(group("pending", "classified", "notifier")) == 0)
    gained = moved(before, after)
    alert = json.loads(posts[0]["body"])
    assert len(posts) == 1
    assert gained[("pledgewatch_releases_published_total", (("source_kind", "file"),))] == 1
    assert gained[("pledgewatch_releases_published_total", (("source_kind", "http"),))] == 0
    assert gained[("pledgewatch_releases_classified_total", ())] == 1
    assert gained[CT_FOUND] == len(alert["data"]["commitments"]) >= 1
    assert gained[OTHER_FOUND] >= 0
    assert gained[("pledgewatch_alerts_queued_total", ())] == 1
    assert gained[WEBHOOK_SENT] == 1
    assert gained[("pledgewatch_deliveries_total", (("channel", "webhook"), ("outcome", "failed")))] == 0
    assert gained[("pledgewatch_reminders_fired_total", ())] == 0
    assert after[stream("releases")] == 1 and after[stream("classified")] == 1 and after[stream("alerts")] == 1
    assert after[group("lag", "releases", "classifier")] == 0
    assert after[group("pending", "releases", "classifier")] == 0
    assert after[group("lag", "classified", "notifier")] == 0
    assert after[("pledgewatch_dead_letters", ())] == 0

    (inbox / "broken.json").write_text("{not json")
    letters = await scrape_until(client, lambda s: s[("pledgewatch_dead_letters", ())] == 1)
    assert moved(after, letters)[("pledgewatch_dead_letters_written_total", (("origin", "file"),))] == 1
    assert letters[stream("dead-letters")] == 1
    assert moved(after, letters)[("pledgewatch_releases_published_total", (("source_kind", "file"),))] == 0


async def test_metrics_need_the_token_when_reads_are_closed(settings, api_headers):
    settings = settings.model_copy(update={"open_reads": False})
    apps = [build_all(settings), build_all(settings)]  # two apps in one process: each its own registry
    for app in apps:
        await app.start()
    try:
        async with aiohttp.ClientSession(f"http://127.0.0.1:{apps[1].http.port}") as client:
            async with client.get("/metrics") as refused:
                assert refused.status == 401
                assert refused.headers["WWW-Authenticate"].startswith("Bearer")
            samples = await scrape(client, headers=api_headers)
        assert samples[stream("releases")] == 0
    finally:
        for app in apps:
            await app.stop()


def faststream(metric, handler, **labels):
    return (f"faststream_{metric}",
            tuple(sorted({"app_name": "pledgewatch", "broker": "redis", "handler": handler, **labels}.items())))


async def test_faststream_counts_each_entry_each_subscriber_read_once_beside_our_counters(pipeline, seed_file,
                                                                                        settings):
    inbox, _, client = pipeline
    releases, classified = settings.key("releases"), settings.key("classified")
    before = await scrape(client)
    shutil.copy(seed_file, inbox / seed_file.name)
    after = await scrape_until(client, lambda s: moved(before, s).get(WEBHOOK_SENT) == 1
                               and s.get(group("pending", "classified", "ledger")) == 0)
    gained = moved(before, after)
    # classified is read by two groups (notifier, ledger), each through its own subscriber on the same stream
    assert gained[faststream("received_messages_total", releases)] == 1
    assert gained[faststream("received_processed_messages_total", releases, status="acked")] == 1
    assert gained[faststream("received_messages_total", classified)] == 2
    assert after[faststream("received_processed_messages_duration_seconds_count", classified)] >= 2
    assert gained[("pledgewatch_releases_classified_total", ())] == 1  # ours, counted apart, not doubled
    names = {name for name, _ in after}
    assert all(name.startswith(("pledgewatch_", "faststream_")) for name in names)


async def test_faststream_metrics_can_be_turned_off(settings):
    app = build_all(settings.model_copy(update={"faststream_metrics": False}))
    await app.start()
    try:
        async with aiohttp.ClientSession(f"http://127.0.0.1:{app.http.port}") as client:
            samples = await scrape(client)
    finally:
        await app.stop()
    assert not any(name.startswith("faststream_") for name, _ in samples)
    assert samples[stream("releases")] == 0
