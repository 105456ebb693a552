"""Polling feeds and pages on a fixture GOV.UK: change detection, 304s, failures and backoff."""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from schemas import DeadLetterEvent
from schemas.streams import DEAD_LETTERS, EVENT_FIELD
from services.common.metrics import SOURCE_POLLS
from services.ingest.config import SourceConfig
from services.ingest.errors import ContentError
from services.ingest.polling import SourcePoller

pytestmark = pytest.mark.integration

NOW = datetime(2023, 3, 20, 12, 0, tzinfo=timezone.utc)
FEED = "/search/news-and-communications.atom"


def serve_govuk_feed(govuk, *, etag='"news-1"', items=("press_release", "history_mode")):
    govuk.put(FEED, govuk.fixture("feeds/news.atom"), "application/atom+xml; charset=utf-8", etag=etag)
    for name in items:
        govuk.put_item(name)


def poller(govuk, reader, streams, *, path=FEED, name="govuk-home-office", kind="feed", follow="auto", base=None):
    followed = {"follow": follow} if kind == "feed" else {}  # a page takes no follow
    config = SourceConfig(name=name, type=kind, url=(base or govuk.base) + path, interval=1, **followed)
    return SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8)


async def test_new_govuk_feed_entries_are_published_from_the_content_api(govuk, reader, streams, published):
    serve_govuk_feed(govuk)
    report = await poller(govuk, reader, streams).poll(now=NOW, clock=0)
    assert (report.published, report.failed) == (2, 0)
    releases = {r.title: r for r in await published()}
    ports = releases["New fund to harden regional ports against terrorist threats"]
    assert ports.source == "govuk-home-office" and ports.version == 1
    assert ports.document_type == "press_release"
    assert ports.organisations == ["Home Office", "Department for Transport"]
    assert ports.url == govuk.base + "/government/news/new-fund-to-harden-regional-ports-against-terrorist-threats"
    assert ports.published_at == datetime(2023, 3, 14, 9, 30, tzinfo=timezone.utc)
    assert "- 40 specialist officers deployed" in ports.body
    assert "\n\nThe government will invest the money" in ports.body
    history = releases["Border watch-list checks extended to rail freight"]
    assert history.document_type == "news_story" and not history.withdrawn


async def test_repoll_gets_304_and_publishes_nothing(govuk, reader, streams, published):
    serve_govuk_feed(govuk)
    source = poller(govuk, reader, streams)
    await source.poll(now=NOW, clock=0)
    report = await source.poll(now=NOW, clock=1)
    assert report.not_modified
    assert len(await published()) == 2
    assert govuk.hits[FEED] == 2 and govuk.hits["/api/content/government/news/border-watch-list-checks-extended-to-rail-freight"] == 1


async def test_changed_item_is_a_new_version_and_a_changed_timestamp_alone_is_not(govuk, reader, streams, published):
    serve_govuk_feed(govuk)
    source = poller(govuk, reader, streams)
    await source.poll(now=NOW, clock=0)
    # The feed changes (new ETag, entry re-stamped), the item's text does not: no new version.
    feed = govuk.fixture("feeds/news.atom").replace(b"2023-03-14T09:30:00+00:00</updated>",
                                                  b"2023-03-15T08:00:00+00:00</updated>")
    govuk.put(FEED, feed, "application/atom+xml", etag='"news-2"')
    item = govuk.put_item("press_release")
    item["public_updated_at"] = "2023-03-15T08:00:00.000+00:00"
    item["details"]["body"] = item["details"]["body"].replace("</p>\n<p>", "</p>\n\n   <p>")  # whitespace only
    govuk.put("/api/content" + item["base_path"], item)
    report = await source.poll(now=NOW, clock=1)
    assert (report.published, report.unchanged) == (0, 2)  # one read again, the other listed as it was
    # Then the text changes: version 2.
    govuk.put(FEED, feed.replace(b"2023-03-15T08", b"2023-03-16T11"), "application/atom+xml", etag='"news-3"')
    govuk.put_item("press_release_changed")
    report = await source.poll(now=NOW, clock=2)
    assert report.published == 1
    versions = [(r.title, r.version) for r in await published()]
    assert versions.count(("New fund to harden regional ports against terrorist threats", 2)) == 1
    assert len(versions) == 3
    assert "review of passenger screening" in (await published())[-1].body


async def test_withdrawn_item_becomes_a_new_version_marked_withdrawn(govuk, reader, streams, published):
    serve_govuk_feed(govuk, items=("press_release_changed", "history_mode"))
    source = poller(govuk, reader, streams)
    await source.poll(now=NOW, clock=0)
    govuk.put(FEED, govuk.fixture("feeds/news.atom").replace(b"+00:00</updated>", b"+01:00</updated>"),
              "application/atom+xml", etag='"news-2"')
    govuk.put_item("withdrawn")
    assert (await source.poll(now=NOW, clock=1)).published == 1
    last = (await published())[-1]
    assert last.withdrawn and last.version == 2
    assert last.withdrawn_notice == "This fund has been replaced by the Ports Security Programme."


@pytest.mark.parametrize("destination", ["{path}", "{base}{path}", "{path}#section-2"])
async def test_an_item_unpublished_with_a_redirect_is_read_at_its_destination(govuk, reader, streams, published,
                                                                              destination):
    """GOV.UK answers a moved page's old path with a redirect item (200, no title): before, the entry was
    dead-lettered as "not a Content API item (title: Field required)"."""
    serve_govuk_feed(govuk, items=("press_release",))
    moved = json.loads(govuk.fixture("content-api/history_mode.json"))
    old_path, new_path = moved["base_path"], "/government/news/rail-freight-border-checks"
    govuk.put("/api/content" + old_path, {
        "base_path": old_path, "content_id": "0d4c8a1e-2b7f-4f0e-9d51-3f6b1c2a9e77", "document_type": "redirect",
        "schema_name": "redirect", "locale": "en", "public_updated_at": "2023-03-16T10:00:00Z", "title": None,
        "redirects": [{"path": old_path, "type": "exact",
                       "destination": destination.format(base=govuk.base, path=new_path)}]})
    govuk.put("/api/content" + new_path, {**moved, "base_path": new_path})
    report = await poller(govuk, reader, streams).poll(now=NOW, clock=0)
    assert (report.published, report.failed) == (2, 0)
    history = next(r for r in await published() if r.title == "Border watch-list checks extended to rail freight")
    assert history.url == govuk.base + new_path and history.document_type == "news_story"


def put_redirect_item(govuk, here: str, there: str) -> None:
    govuk.put("/api/content" + here, {"base_path": here, "schema_name": "redirect", "document_type": "redirect",
                                      "redirects": [{"path": here, "type": "exact", "destination": there}]})


@pytest.mark.parametrize(("hops", "reason"), [
    pytest.param((("/a", "/a"),), "/api/content/a: redirect items lead back to {base}/api/content/a",
                 id="to-itself"),
    pytest.param((("/a", "/b"), ("/b", "/a")), "/api/content/a: redirect items lead back to {base}/api/content/a",
                 id="loop"),
    pytest.param((("/a", "/b"), ("/b", "/c"), ("/c", "/d"), ("/d", "/e")),
                 "/api/content/a: more than 2 redirect items", id="too-many"),
])
async def test_redirect_items_that_lead_nowhere_are_refused_not_retried(govuk, reader, hops, reason):
    for here, there in hops:
        put_redirect_item(govuk, here, there)
    with pytest.raises(ContentError, match=re.escape(reason.format(base=govuk.base))):
        await reader.govuk_item("/a", source="s")


async def test_a_feed_entry_whose_item_redirects_to_itself_is_dead_lettered_once_and_the_poll_completes(
        govuk, reader, streams, published):
    """Before: a redirect item pointing to itself (or a loop of them) was a FetchError, taken as temporary: the
    entry was retried at the backoff cap for ever, the poll never completed and the feed's ETag was never saved."""
    serve_govuk_feed(govuk, items=("press_release",))
    path = json.loads(govuk.fixture("content-api/history_mode.json"))["base_path"]
    put_redirect_item(govuk, path, path)
    source = poller(govuk, reader, streams)
    report = await source.run(now=NOW, clock=0)
    assert report is not None and (report.published, report.failed, report.rejected) == (1, 1, 1)
    [letter] = await streams.client.xrange(streams.key(DEAD_LETTERS))
    assert f"redirect items lead back to {govuk.base}/api/content{path}" in \
        DeadLetterEvent.model_validate_json(letter[1][EVENT_FIELD.encode()]).data.reason
    await streams.client.delete(streams.key("ingest:source:govuk-home-office:lease"))
    report = await source.run(now=NOW, clock=1)
    assert report is not None and report.not_modified  # the ETag was saved
    assert len(await streams.client.xrange(streams.key(DEAD_LETTERS))) == 1


async def test_a_redirect_item_off_govuk_is_refused_naming_where_it_goes(govuk, reader):
    govuk.put("/api/content/a", {"base_path": "/a", "schema_name": "redirect", "document_type": "redirect",
                                 "redirects": [{"path": "/a", "type": "exact", "destination": "https://nhs.example/x"}]})
    with pytest.raises(ContentError, match=r"/api/content/a: a redirect item to https://nhs.example/x, not a page of "):
        await reader.govuk_item("/a", source="s")


async def test_translated_item_carries_its_locale_and_its_own_id(govuk, reader, streams):
    english = (await reader.govuk_item(govuk.put_item("press_release")["base_path"], source="s")).release
    welsh = (await reader.govuk_item(govuk.put_item("translated_welsh")["base_path"], source="s")).release
    assert (english.locale, welsh.locale) == ("en", "cy")
    assert english.release_id != welsh.release_id


async def test_rss_entry_with_content_is_taken_from_the_feed_and_one_without_from_its_page(
        govuk, reader, streams, published):
    # Feed and links on "localhost": not the GOV.UK host, so not read through the Content API; the
    # feed's own host, so its loopback links may be followed.
    govuk.put("/press.rss", govuk.fixture("feeds/ministry.rss", hostname="localhost"), "application/rss+xml")
    govuk.put("/press/flood-defence-grants",
              "<html><head><title>Flood grants</title><script>x()</script></head><body><nav>Menu</nav>"
              "<main><h1>Flood defence grants open</h1><p>Councils can apply until 30 June 2023.</p></main></body></html>",
              "text/html; charset=utf-8")
    source = poller(govuk, reader, streams, path="/press.rss", name="ministry",
                    base=govuk.base.replace("127.0.0.1", "localhost"))
    report = await source.poll(now=NOW, clock=0)
    assert report.published == 2
    alerts, grants = await published()
    assert alerts.body == ("The ministry will extend the emergency alert system to every mobile phone network "
                           "by the end of 2024.\n\nOperators must test their connection to the system every quarter.")
    assert alerts.published_at == datetime(2023, 4, 12, 7, 0, tzinfo=timezone.utc)
    assert grants.title == "Flood defence grants open for applications"
    assert grants.body == "Flood defence grants open\n\nCouncils can apply until 30 June 2023."
    assert "Menu" not in grants.body and "x()" not in grants.body


async def test_web_page_source_publishes_main_text_once(govuk, reader, streams, published):
    govuk.put("/press/resilience", govuk.fixture("pages/article.html"), "text/html; charset=utf-8", etag='"p1"')
    source = poller(govuk, reader, streams, path="/press/resilience", name="resilience-page", kind="page")
    assert (await source.poll(now=NOW, clock=0)).published == 1
    assert (await source.poll(now=NOW, clock=1)).not_modified
    [page] = await published()
    assert page.url == govuk.base + "/press/community-resilience-fund-doubled"  # its canonical link
    assert page.body.startswith("Community resilience fund doubled\n\nThe ministry will double")
    for chrome in ("cookies", "analytics", "Crown copyright", "Related:", "JavaScript", "font-family"):
        assert chrome not in page.body
    assert page.published_at == datetime(2023, 5, 20, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("fixture", "message"),
    [pytest.param("feeds/entity_bomb.atom", "unsafe XML refused", id="entity-bomb"),
     pytest.param("feeds/malformed.atom", "not a readable feed", id="malformed")],
)
async def test_bad_feed_is_logged_and_retried_with_backoff(govuk, reader, streams, published, caplog, fixture,
                                                           message):
    govuk.put("/bad.atom", govuk.fixture(fixture), "application/atom+xml")
    source = poller(govuk, reader, streams, path="/bad.atom", name="bad-feed")
    with caplog.at_level(logging.WARNING):
        assert await source.run(now=NOW, clock=100.0) is None
    assert "source bad-feed failed (retry in 1 s)" in caplog.text and message in caplog.text
    assert await source.run(now=NOW, clock=100.5) is None and govuk.hits["/bad.atom"] == 1  # backing off
    await streams.client.delete(streams.key("ingest:source:bad-feed:lease"))
    await source.run(now=NOW, clock=101.0)  # the next poll retries
    assert govuk.hits["/bad.atom"] == 2 and "retry in 2 s" in caplog.text
    assert await published() == []


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize("wait", ["seconds", "http-date"])
async def test_a_source_asking_to_retry_after_a_while_is_not_polled_before(govuk, reader, streams, caplog, status,
                                                                          wait):
    """Before, Retry-After was not read: the poll came back after the source's own backoff (its interval, 1 s)."""
    later = datetime.now(timezone.utc) + timedelta(hours=2)  # past the 600 s cap: waited as long as the cap
    header = "120" if wait == "seconds" else format_datetime(later, usegmt=True)
    expected = 120 if wait == "seconds" else 600
    govuk.put("/busy.atom", "slow down", status=status, headers={"Retry-After": header})
    config = SourceConfig(name="busy-feed", type="feed", url=govuk.base + "/busy.atom", interval=1)
    source = SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=600)
    with caplog.at_level(logging.WARNING):
        assert await source.run(now=NOW, clock=100.0) is None
    assert f"source busy-feed failed (retry in {expected} s)" in caplog.text
    await streams.client.delete(streams.key("ingest:source:busy-feed:lease"))
    await source.run(now=NOW, clock=100.0 + expected - 1)
    assert govuk.hits["/busy.atom"] == 1
    await source.run(now=NOW, clock=100.0 + expected)
    assert govuk.hits["/busy.atom"] == 2


async def test_an_entry_whose_link_asks_to_retry_after_a_while_waits_that_long(govuk, reader, streams, published):
    serve_govuk_feed(govuk, items=("press_release",))
    history = json.loads(govuk.fixture("content-api/history_mode.json"))
    govuk.put("/api/content" + history["base_path"], "busy", status=503, headers={"Retry-After": "6"})
    source = poller(govuk, reader, streams)  # its own first wait: 1 s
    assert (await source.poll(now=NOW, clock=0)).failed == 1
    assert (await source.poll(now=NOW, clock=5)).waiting == 1
    govuk.put_item("history_mode")
    assert (await source.poll(now=NOW, clock=6)).published == 1


async def test_failed_entry_is_retried_on_a_later_poll_despite_the_304(govuk, reader, streams, published):
    serve_govuk_feed(govuk, items=("press_release",))
    history = json.loads(govuk.fixture("content-api/history_mode.json"))
    govuk.put("/api/content" + history["base_path"], "busy", status=503)  # a failure that may pass
    source = poller(govuk, reader, streams)
    report = await source.poll(now=NOW, clock=0)
    assert (report.published, report.failed) == (1, 1)
    report = await source.poll(now=NOW, clock=0.5)
    assert report.waiting == 1 and not report.not_modified  # validators not saved: full GET
    govuk.put_item("history_mode")
    report = await source.poll(now=NOW, clock=1.0)
    assert (report.published, report.failed) == (1, 0)
    assert (await source.poll(now=NOW, clock=2.0)).not_modified
    assert len(await published()) == 2


async def test_an_item_answered_304_unasked_is_retried_not_refused(govuk, reader, streams, published):
    """A cache answering 304 to a request that sent no ETag: before, the entry was dead-lettered as unreadable
    ("AssertionError") and never read again while the feed listed it unchanged."""
    serve_govuk_feed(govuk, items=("press_release",))
    history = json.loads(govuk.fixture("content-api/history_mode.json"))
    govuk.put("/api/content" + history["base_path"], "", status=304)
    source = poller(govuk, reader, streams)
    report = await source.poll(now=NOW, clock=0)
    assert (report.published, report.failed, report.rejected) == (1, 1, 0)
    govuk.put_item("history_mode")
    report = await source.poll(now=NOW, clock=1.0)
    assert (report.published, report.failed) == (1, 0)
    assert len(await published()) == 2


async def test_an_entry_published_before_counts_as_unchanged_beside_a_failing_one(govuk, reader, streams):
    """Before: an entry published at an earlier poll, and not read again since the feed lists it as it was, was
    counted nowhere: ``0 published, 0 unchanged, 1 failed`` for a feed of two entries."""
    serve_govuk_feed(govuk, items=("press_release",))
    history = json.loads(govuk.fixture("content-api/history_mode.json"))
    govuk.put("/api/content" + history["base_path"], "busy", status=503)
    source = poller(govuk, reader, streams)
    await source.poll(now=NOW, clock=0)
    report = await source.poll(now=NOW, clock=1.0)
    assert (report.published, report.unchanged, report.failed) == (0, 1, 1)


async def test_oversized_item_fails_alone(govuk, reader, streams, published):
    serve_govuk_feed(govuk, items=("history_mode",))
    item = json.loads(govuk.fixture("content-api/press_release.json"))
    item["details"]["body"] = "<p>" + "padding " * 40_000 + "</p>"
    govuk.put("/api/content" + item["base_path"], item)
    report = await poller(govuk, reader, streams).poll(now=NOW, clock=0)
    assert (report.published, report.failed) == (1, 1)


async def test_a_second_replica_publishes_nothing_again(govuk, reader, streams, published):
    serve_govuk_feed(govuk)
    first = poller(govuk, reader, streams)
    second = poller(govuk, reader, streams)  # another process: its own memory, the same Redis
    await first.poll(now=NOW, clock=0)
    await streams.client.delete(streams.key("ingest:source:govuk-home-office"))  # forget the ETag too
    report = await second.poll(now=NOW, clock=0)
    assert report.published == 0
    assert len(await published()) == 2


async def test_only_one_replica_polls_at_a_time(govuk, reader, streams):
    serve_govuk_feed(govuk)
    first, second = poller(govuk, reader, streams), poller(govuk, reader, streams)
    assert await first.run(now=NOW, clock=0) is not None
    assert await second.run(now=NOW, clock=0) is None  # the lease is the first one's
    assert govuk.hits[FEED] == 1


def atom_entry(dates: str, body: str) -> bytes:
    return ('<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>f</id><updated>2023-01-01T00:00:00Z'
            '</updated><entry><id>e1</id><title>Grants</title><link href="https://example.org/grants"/>'
            f'{dates}<content type="html">&lt;p&gt;{body}&lt;/p&gt;</content></entry></feed>').encode()


@pytest.mark.parametrize(
    ("first", "edited", "v2_published_at"),
    [pytest.param("<updated>2023-03-01T09:00:00Z</updated>", "<updated>2023-04-10T16:00:00Z</updated>",
                  datetime(2023, 3, 1, 9, 0, tzinfo=timezone.utc), id="updated-only-keeps-the-first-date"),
     pytest.param("<published>2023-03-01T09:00:00Z</published><updated>2023-03-01T09:00:00Z</updated>",
                  "<published>2023-03-02T09:00:00Z</published><updated>2023-04-10T16:00:00Z</updated>",
                  datetime(2023, 3, 2, 9, 0, tzinfo=timezone.utc), id="explicit-published-is-authoritative")],
)
async def test_edited_entry_keeps_its_first_publication_time_unless_the_feed_states_one(
        govuk, reader, streams, published, first, edited, v2_published_at):
    govuk.put("/edits.atom", atom_entry(first, "Councils can apply within 30 days."), "application/atom+xml",
              etag='"e1"')
    source = poller(govuk, reader, streams, path="/edits.atom", name="edits")
    assert (await source.poll(now=NOW, clock=0)).published == 1
    govuk.put("/edits.atom", atom_entry(edited, "Councils can apply within 60 days."), "application/atom+xml",
              etag='"e2"')
    assert (await source.poll(now=NOW, clock=1)).published == 1
    v1, v2 = await published()
    assert v1.published_at == datetime(2023, 3, 1, 9, 0, tzinfo=timezone.utc)
    assert (v2.version, v2.published_at) == (2, v2_published_at)


async def test_edited_page_keeps_the_first_last_modified_as_its_publication_time(govuk, reader, streams, published):
    page = "<html><body><main><h1>Grants</h1><p>Councils can apply within {} days.</p></main></body></html>"
    govuk.put("/grants", page.format(30), "text/html", last_modified="Wed, 01 Mar 2023 09:00:00 GMT")
    source = poller(govuk, reader, streams, path="/grants", name="grants", kind="page")
    await source.poll(now=NOW, clock=0)
    govuk.put("/grants", page.format(60), "text/html", last_modified="Mon, 10 Apr 2023 16:00:00 GMT")
    await source.poll(now=NOW, clock=1)
    assert [(r.version, r.published_at) for r in await published()] == [
        (1, datetime(2023, 3, 1, 9, 0, tzinfo=timezone.utc)), (2, datetime(2023, 3, 1, 9, 0, tzinfo=timezone.utc))]


def _polls(source: str, outcome: str) -> float:
    return SOURCE_POLLS.labels(source=source, outcome=outcome)._value.get()


async def test_every_poll_is_counted_by_source_and_outcome_so_a_source_that_always_fails_can_be_seen(
        govuk, reader, streams):
    """Before, a source failing every poll (HTTP 500, garbage, nothing listening) was seen in WARNING lines only:
    never quiet (it never published), absent from /metrics, /sources and `pledgewatch status`."""
    serve_govuk_feed(govuk)
    govuk.put("/broken.atom", "boom", status=500)
    broken = poller(govuk, reader, streams, path="/broken.atom", name="broken-feed")
    good = poller(govuk, reader, streams, name="counted-feed")
    exported = {(sample.labels["source"], sample.labels["outcome"]) for metric in SOURCE_POLLS.collect()
                for sample in metric.samples}
    assert {("broken-feed", "ok"), ("broken-feed", "failed")} <= exported  # at 0 from the start, before a poll
    before = _polls("broken-feed", "failed")
    assert await broken.run(now=NOW, clock=100.0) is None
    assert await good.run(now=NOW, clock=100.0) is not None
    assert _polls("broken-feed", "failed") == before + 1 and _polls("broken-feed", "ok") == 0
    assert _polls("counted-feed", "ok") == 1 and _polls("counted-feed", "failed") == 0
