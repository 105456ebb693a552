"""A polled source that keeps failing is shown by `pledgewatch status`: which, since when, how many polls in a row,
the last error; and no longer once a poll of it succeeds."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from services.ingest.config import SourceConfig
from services.ingest.polling import SourcePoller
from services.ingest.source_failures import record_failure
from services.ingest.source_rhythm import register_sources

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
BIN = Path(sys.executable).parent


def _status(settings, tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    env |= {"REDIS_URL": settings.redis_url, "PLEDGEWATCH_PREFIX": settings.prefix,
            "PLEDGEWATCH_HOME": str(tmp_path / "home")}
    return subprocess.run([str(BIN / "pledgewatch"), "status", *args], capture_output=True, text=True, env=env,
                          timeout=60)


async def test_a_source_failing_poll_after_poll_is_shown_by_status_until_a_poll_succeeds(govuk, reader, streams,
                                                                                          settings, tmp_path):
    """Before: only `pledgewatch_source_polls{outcome="failed"}` and a WARNING a poll told of it; then status told
    of it without its backoff: when it is polled next was only in the log's "retry in N s"."""
    await register_sources(streams, {"home-office": "feed", "treasury": "page"})
    govuk.put("/home-office.atom", "down for maintenance", status=500)
    config = SourceConfig(name="home-office", type="feed", url=govuk.base + "/home-office.atom", interval=1)
    source = SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8)
    for polled, clock in enumerate((100.0, 101.0, 103.0)):  # each after the backoff of the failure before
        assert await source.run(now=NOW + timedelta(minutes=polled), clock=clock) is None
        await streams.client.delete(streams.key("ingest:source:home-office:lease"))
    assert govuk.hits["/home-office.atom"] == 3

    failing = json.loads(_status(settings, tmp_path, "--json").stdout)["sources"]
    # the third failure backs off 4 s (1, 2, 4: doubling from the interval): it is polled again from 09:02:04
    assert [(s["name"], s["since"], s["failures"], s["retry_at"]) for s in failing] == [
        ("home-office", "2026-12-06T09:00:00Z", 3, "2026-12-06T09:02:04Z")]
    assert "500" in failing[0]["error"], failing
    text = _status(settings, tmp_path)
    assert text.returncode == 0, text.stderr
    assert ("WARNING: source home-office failing since 2026-12-06 09:00 UTC, 3 polls in a row, backing off until "
            "2026-12-06 09:02:04 UTC; last: " in text.stdout), text.stdout

    govuk.put("/home-office.atom", govuk.fixture("feeds/news.atom"), "application/atom+xml; charset=utf-8")
    for name in ("press_release", "history_mode"):
        govuk.put_item(name)
    assert await source.run(now=NOW + timedelta(minutes=10), clock=107.0) is not None
    answered = json.loads(_status(settings, tmp_path, "--json").stdout)
    assert answered["sources"] == []
    # when each was last read is told too: "is my feed polled at all?" was answered by nothing but the metrics
    assert answered["polled"] == [{"name": "home-office", "kind": "feed", "last_poll": "2026-12-06T09:10:00Z"},
                                  {"name": "treasury", "kind": "page", "last_poll": None}]
    text = _status(settings, tmp_path).stdout
    assert "WARNING: source" not in text
    assert "source        kind  last poll answered" in text, text
    assert "home-office   feed  2026-12-06 09:10:00 UTC" in text and "treasury      page  never" in text, text


async def test_a_source_taken_out_of_the_configuration_leaves_no_failures_behind(govuk, reader, streams):
    """Else, configured again later, it would be shown failing since before it was taken out, or polled then."""
    await register_sources(streams, {"home-office": "feed"})
    govuk.put("/home-office.atom", "down for maintenance", status=500)
    config = SourceConfig(name="home-office", type="feed", url=govuk.base + "/home-office.atom", interval=1)
    await SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8).run(now=NOW, clock=100.0)
    await streams.client.hset(streams.key("ingest:sources:polled"), "home-office", NOW.timestamp())
    failing = streams.key("ingest:source:home-office:failing")
    assert await streams.client.exists(failing)
    await register_sources(streams, {"treasury": "page"})
    assert not await streams.client.exists(failing)
    assert not await streams.client.hexists(streams.key("ingest:sources:polled"), "home-office")


@pytest.mark.parametrize("status", [301, 308])
async def test_a_source_whose_address_moved_for_good_is_told_once_to_be_given_its_new_one(govuk, reader, streams,
                                                                                       caplog, status):
    """Before: followed at every poll without a word, so nothing said the sources file named an address the
    publisher had retired, until the redirect went and the source failed."""
    await register_sources(streams, {"home-office": "feed"})
    govuk.put("/old.atom", "", status=status, headers={"Location": "/home-office.atom"})
    govuk.put("/home-office.atom", govuk.fixture("feeds/news.atom"), "application/atom+xml; charset=utf-8")
    for name in ("press_release", "history_mode"):
        govuk.put_item(name)
    config = SourceConfig(name="home-office", type="feed", url=govuk.base + "/old.atom", interval=1)
    source = SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8)
    with caplog.at_level("WARNING", logger="services.ingest.polling"):
        for polled, clock in enumerate((100.0, 102.0)):
            assert await source.run(now=NOW + timedelta(minutes=polled), clock=clock) is not None
            await streams.client.delete(streams.key("ingest:source:home-office:lease"))
    moved = [r.getMessage() for r in caplog.records if "moved" in r.getMessage()]
    host = govuk.base.removeprefix("http://")
    assert moved == [f"source home-office: http://{host}/*** answers {status} (moved for good) to http://{host}/***: "
                     "give the new address as its url; it is polled through the redirect until then"], moved


MOVED_PAGE = ("<html><head><title>Resilience statement</title></head><body><main><h1>Resilience statement</h1>"
              + "<p>The government will publish a resilience strategy by March 2027 for every region.</p>" * 5
              + "</main></body></html>")


@pytest.mark.parametrize("kind", ["feed", "page"])
async def test_a_moved_source_polled_with_its_validators_is_told_to_have_moved(govuk, reader, streams, caplog, kind):
    """Before: told only at a poll that read the answer; a run started after one that had read it asked with its
    ETag, was answered 304 through the redirect, and never said the address had moved."""
    await register_sources(streams, {"home-office": kind})
    govuk.put("/old", "", status=301, headers={"Location": "/new"})
    if kind == "feed":
        govuk.put("/new", govuk.fixture("feeds/news.atom"), "application/atom+xml; charset=utf-8", etag='"v1"')
        for name in ("press_release", "history_mode"):
            govuk.put_item(name)
    else:
        govuk.put("/new", MOVED_PAGE, "text/html; charset=utf-8", etag='"v1"')
    config = SourceConfig(name="home-office", type=kind, url=govuk.base + "/old", interval=1)
    await SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8).run(now=NOW, clock=100.0)
    await streams.client.delete(streams.key("ingest:source:home-office:lease"))
    restarted = SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8)
    caplog.clear()  # the first run's poll read the answer, and told
    with caplog.at_level("WARNING", logger="services.ingest.polling"):
        report = await restarted.run(now=NOW + timedelta(minutes=1), clock=200.0)
    assert report is not None and report.not_modified, report
    moved = [r.getMessage() for r in caplog.records if "moved" in r.getMessage()]
    host = govuk.base.removeprefix("http://")
    assert moved == [f"source home-office: http://{host}/*** answers 301 (moved for good) to http://{host}/***: "
                     "give the new address as its url; it is polled through the redirect until then"], moved


async def test_a_source_redirected_for_a_while_is_not_told_to_have_moved(govuk, reader, streams, caplog):
    await register_sources(streams, {"home-office": "feed"})
    govuk.put("/old.atom", "", status=302, headers={"Location": "/home-office.atom"})
    govuk.put("/home-office.atom", govuk.fixture("feeds/news.atom"), "application/atom+xml; charset=utf-8")
    for name in ("press_release", "history_mode"):
        govuk.put_item(name)
    config = SourceConfig(name="home-office", type="feed", url=govuk.base + "/old.atom", interval=1)
    with caplog.at_level("WARNING", logger="services.ingest.polling"):
        assert await SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8).run(
            now=NOW, clock=100.0) is not None
    assert not [r for r in caplog.records if "moved" in r.getMessage()]


async def test_a_failing_sources_last_error_is_shown_whole(streams, settings, tmp_path):
    """Before: cut to 120 characters when kept, so status (and --json) ended it at "(_ssl.c:1…", the cause an
    operator needed to act on."""
    await register_sources(streams, {"assets": "feed"})
    error = ("TLS with assets.publishing.service.gov.uk:443 failed ([SSL: CERTIFICATE_VERIFY_FAILED] certificate "
             "verify failed: unable to get local issuer certificate (_ssl.c:1006))")
    await record_failure(streams, "assets", error, now=NOW)
    assert [s["error"] for s in json.loads(_status(settings, tmp_path, "--json").stdout)["sources"]] == [error]
    warnings = [line for line in _status(settings, tmp_path).stdout.splitlines() if "WARNING: source" in line]
    assert warnings == [f"  WARNING: source assets failing since 2026-12-06 09:00 UTC, 1 poll; last: {error}"]


async def test_a_control_in_a_servers_reason_phrase_reaches_the_status_terminal_escaped(reader, streams, settings,
                                                                                         tmp_path):
    """A reason phrase may hold any byte past ASCII: its UTF-8 C1 controls (an 8-bit CSI, U+009B; an OSC, U+009D)
    were printed as they came by `pledgewatch status`, a control sequence of the feed server's choosing on the
    operator's terminal."""
    async def answer(reader_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader_.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 503 Busy \xc2\x9b2J\xc2\x9d0;owned\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        await register_sources(streams, {"odd": "feed"})
        config = SourceConfig(name="odd", type="feed", url=f"http://127.0.0.1:{port}/feed.atom", interval=1)
        source = SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8)
        assert await source.run(now=NOW, clock=100.0) is None
    finally:
        server.close()
        await server.wait_closed()
    assert "\x9b" in json.loads(_status(settings, tmp_path, "--json").stdout)["sources"][0]["error"]
    text = _status(settings, tmp_path)
    assert text.returncode == 0, text.stderr
    assert "\x9b" not in text.stdout and "\x9d" not in text.stdout, text.stdout
    assert "answered HTTP 503 Busy \\x9b2J\\x9d0;owned" in text.stdout, text.stdout
