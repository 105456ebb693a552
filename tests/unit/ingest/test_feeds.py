"""Feeds parsed safely into entries; entries into releases (pure)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from services.ingest.errors import ContentError
from services.ingest.feeds import FeedEntry, RefusedEntry, carries_full_text, entry_release, parse_feed, parse_feed_page

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "govuk"
BASE = "https://www.gov.uk"
NOW = datetime(2023, 6, 1, tzinfo=timezone.utc)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes().replace(b"{{BASE}}", BASE.encode()).replace(b"{{HOST}}", b"www.gov.uk")


def test_govuk_atom_feed_gives_its_entries_with_links_and_times():
    entries = parse_feed(fixture("feeds/news.atom"), url=BASE + "/search/news-and-communications.atom")
    assert [e.link for e in entries] == [
        BASE + "/government/news/new-fund-to-harden-regional-ports-against-terrorist-threats",
        BASE + "/government/news/border-watch-list-checks-extended-to-rail-freight"]
    assert entries[0].updated == datetime(2023, 3, 14, 9, 30, tzinfo=timezone.utc)
    # GOV.UK search feeds carry only <updated>: an edit time, never taken for the publication time
    assert entries[1].updated == datetime(2014, 6, 2, 9, 0, tzinfo=timezone.utc) and entries[1].published is None


def test_rss_entry_content_becomes_the_body_without_scripts():
    entries = parse_feed(fixture("feeds/ministry.rss"), url="https://example.org/press.rss")
    release = entry_release(entries[0], source="ministry", now=NOW).release
    assert release.title == "Emergency alerts to reach every mobile phone by 2024"
    assert release.body.endswith("every quarter.") and "track" not in release.body
    assert entries[0].key == "mcr-2023-0412" and entries[1].content_html is None


def test_entry_fingerprint_ignores_nothing_the_feed_changes():
    feed = fixture("feeds/news.atom")
    before = parse_feed(feed, url=BASE)[0]
    after = parse_feed(feed.replace(b"2023-03-14T09:30:00+00:00</updated>", b"2023-03-15T09:30:00+00:00</updated>"),
                       url=BASE)[0]
    assert before.fingerprint != after.fingerprint and before.link == after.link


@pytest.mark.parametrize(
    ("raw", "message"),
    [pytest.param(fixture("feeds/entity_bomb.atom"), "unsafe XML refused", id="entity-bomb"),
     pytest.param(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss>&x;</rss>',
                  "unsafe XML refused", id="external-entity"),
     pytest.param(fixture("feeds/malformed.atom"), "not a readable feed", id="malformed"),
     pytest.param(b"", "not a readable feed", id="empty"),
     pytest.param('<rss version="2.0"><channel><title>Café</title></channel></rss>'.encode("latin-1"),
                  r"not UTF-8 \(byte 38: b'\\xe9'\)", id="undeclared-latin1")],
)
def test_unsafe_or_unreadable_feeds_are_refused(raw, message):
    with pytest.raises(ContentError, match=message):
        parse_feed(raw, url="https://example.org/feed")


def test_feed_in_a_declared_encoding_is_read():
    raw = '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>t</title><item>' \
          '<title>Sécurité</title><link>https://e.org/a</link><description>x</description></item></channel></rss>'
    [entry] = parse_feed(raw.encode("latin-1"), url="https://e.org/rss", content_type="application/rss+xml")
    assert entry.title == "Sécurité"


def test_entry_without_a_date_is_dated_now_and_marked_undated():
    raw = b'<rss version="2.0"><channel><title>t</title><item><title>A</title><link>https://e.org/a</link>' \
          b"<description>We will act.</description></item></channel></rss>"
    [entry] = parse_feed(raw, url="https://e.org/rss")
    draft = entry_release(entry, source="s", now=NOW)
    assert draft.release.published_at == NOW and not draft.dated


@pytest.mark.parametrize(
    ("dates", "published_at", "dated"),
    [pytest.param("<published>2023-01-02T09:00:00Z</published><updated>2023-03-04T10:00:00Z</updated>",
                  datetime(2023, 1, 2, 9, 0, tzinfo=timezone.utc), True, id="published-wins-over-updated"),
     pytest.param("<updated>2023-03-04T10:00:00Z</updated>",
                  datetime(2023, 3, 4, 10, 0, tzinfo=timezone.utc), False, id="updated-only-is-an-edit-time")],
)
def test_atom_entry_is_dated_by_published_and_only_falls_back_to_updated(dates, published_at, dated):
    raw = ('<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>a</id><title>A</title>'
           f'<link href="https://e.org/a"/>{dates}<summary>We will act.</summary></entry></feed>').encode()
    [entry] = parse_feed(raw, url="https://e.org/atom")
    draft = entry_release(entry, source="s", now=NOW)
    assert (draft.release.published_at, draft.dated) == (published_at, dated)


@pytest.mark.parametrize(
    ("feed", "unread", "published_at"),
    [pytest.param('<rss version="2.0"><channel><title>t</title><item><title>A</title><link>https://e.org/a</link>'
                  "<pubDate>Not a date at all</pubDate><description>We will act.</description></item></channel></rss>",
                  (("publication", "Not a date at all"),), NOW, id="rss-pubdate"),
     pytest.param('<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>a</id><title>A</title>'
                  '<link href="https://e.org/a"/><published>yesterday</published><updated>2023-03-04T10:00:00Z'
                  "</updated><summary>We will act.</summary></entry></feed>",
                  (("publication", "yesterday"),), datetime(2023, 3, 4, 10, tzinfo=timezone.utc), id="atom-published"),
     pytest.param('<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>a</id><title>A</title>'
                  '<link href="https://e.org/a"/><updated>soon</updated><summary>We will act.</summary></entry></feed>',
                  (("update", "soon"),), NOW, id="atom-updated"),
     pytest.param('<rss version="2.0"><channel><title>t</title><item><title>A</title><link>https://e.org/a</link>'
                  "<pubDate> </pubDate><description>We will act.</description></item></channel></rss>",
                  (), NOW, id="an-empty-date-is-none-stated")],
)
def test_an_entry_date_that_cannot_be_read_is_kept_as_written_and_the_entry_left_undated(feed, unread, published_at):
    [entry] = parse_feed(feed.encode(), url="https://e.org/feed")
    assert entry.unread_dates == unread
    draft = entry_release(entry, source="s", now=NOW)
    assert (draft.release.published_at, draft.dated) == (published_at, False)


_RELEASE_TEXT = ("The ministry will extend the emergency alert system to every mobile phone network by the end of "
                 "2024. Operators must test their connection to the system every quarter, and report each test to "
                 "the regulator within a week. ") * 3


def _rss_item(inner: str) -> bytes:
    return ('<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f'<channel><title>t</title><item><title>Alerts</title><link>https://e.org/a</link>{inner}</item>'
            '</channel></rss>').encode()


@pytest.mark.parametrize(("inner", "full"), [
    pytest.param(f"<description>{_RELEASE_TEXT}</description>", True, id="long-description"),
    pytest.param("<description>The ministry will extend the emergency alert system.</description>", False,
                 id="teaser"),
    pytest.param(f"<description>{_RELEASE_TEXT} [&#8230;]</description>", False, id="cut-off-wordpress"),
    pytest.param(f"<description>{_RELEASE_TEXT} Read more »</description>", False, id="read-more"),
    pytest.param(f"<description>{_RELEASE_TEXT[:300]}...</description>", False, id="cut-off-dots"),
    pytest.param("<description>Teaser.</description><content:encoded>&lt;p&gt;Operators must test.&lt;/p&gt;"
                 "</content:encoded>", True, id="content-encoded"),
    pytest.param("", False, id="no-text"),
])
def test_an_entry_carries_its_full_text_in_its_content_or_in_a_description_that_is_no_teaser(inner, full):
    [entry] = parse_feed(_rss_item(inner), url="https://e.org/feed.rss")
    assert carries_full_text(entry) is full


def test_an_entry_keeps_its_key_whether_it_is_refused_or_read():
    from services.ingest.feeds import _entry, _refused
    item = {"id": "  twin-1\n", "link": "https://example.org/a", "title": "T", "summary": "s"}
    read = _entry(item, base="https://example.org/feed")
    refused = _refused(item, 0, base="https://example.org/feed", exc=ValueError("x"))
    assert refused.key == read.key == "twin-1"


def _rss(item: str) -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>Notice</title>{item}'
            "<description>The ministry will act by 2027.</description></item></channel></rss>").encode()


@pytest.mark.parametrize("guid", [
    '<guid isPermaLink="false">javascript:alert(document.cookie)</guid>',
    "<guid>javascript:alert(document.cookie)</guid>",  # a permalink: feedparser gives it as the link
    '<guid isPermaLink="false">data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;</guid>',
    '<guid isPermaLink="false">file:///etc/passwd</guid>',
    "<link>javascript:alert(1)</link>",
])
def test_a_guid_or_link_of_another_scheme_never_becomes_the_release_url(guid):
    """Before: a guid of any scheme (``javascript:``, ``data:``, ``file:``) was the entry's link, and so the
    release's URL. It names the entry only as an http(s) address or a ``tag:`` or ``urn:`` URI: with nothing
    else naming it, the entry is refused saying so."""
    [entry] = parse_feed(_rss(guid), url="https://e.org/feed.rss")
    assert isinstance(entry, RefusedEntry)
    assert entry.link == "https://e.org/feed.rss#entry-1"
    assert entry.reason.endswith("the entry has no web link, and no id or guid that is a web address or a tag: or "
                                 "urn: URI: nothing names it)")


@pytest.mark.parametrize(("item", "link"), [
    ('<guid isPermaLink="false">tag:e.org,2026:1</guid>', "tag:e.org,2026:1"),
    ('<guid isPermaLink="false">urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</guid>',
     "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"),
    ("<guid>https://e.org/notice</guid>", "https://e.org/notice"),
    ('<link>https://e.org/notice</link><guid isPermaLink="false">javascript:alert(1)</guid>', "https://e.org/notice"),
    ('<link>javascript:alert(1)</link><guid isPermaLink="false">tag:e.org,2026:1</guid>', "tag:e.org,2026:1"),
])
def test_an_entry_is_named_by_a_web_address_or_a_tag_or_urn_uri(item, link):
    [entry] = parse_feed(_rss(item), url="https://e.org/feed.rss")
    assert isinstance(entry, FeedEntry) and entry.link == link
    assert entry_release(entry, source="s", now=NOW).release.url == link


_RSS_PAGE = ('<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>t</title>{links}'
             "<item><title>a</title><link>https://example.gov/a</link></item></channel></rss>")


@pytest.mark.parametrize(("links", "older"), [
    ('<atom:link rel="prev-archive" href="/archive/2022.xml"/>', "https://example.gov/archive/2022.xml"),
    ('<atom:link rel="next" href="?page=2#top"/>', "https://example.gov/feed?page=2"),
    ('<atom:link rel="next" href="/p2"/><atom:link rel="prev-archive" href="/a1"/>', "https://example.gov/a1"),
    ('<atom:link rel="self" href="/feed"/><atom:link rel="previous" href="/p0"/>', None),
    ("", None),
], ids=["prev-archive", "next", "archive-over-next", "other-rels", "none"])
def test_a_feed_page_names_the_older_page_it_links_to(links, older):
    page = parse_feed_page(_RSS_PAGE.format(links=links).encode(), url="https://example.gov/feed")
    assert page.older == older and [e.link for e in page.entries] == ["https://example.gov/a"]


def _rss_dated(pub_date: str) -> bytes:
    return ('<rss version="2.0"><channel><title>t</title><item><title>A</title><link>https://e.org/a</link>'
            f"<pubDate>{pub_date}</pubDate><description>We will act.</description></item></channel></rss>").encode()


@pytest.mark.parametrize(("pub_date", "published_at"), [
    pytest.param("Wed, 01 Jul 2026 14:00:00 BST", datetime(2026, 7, 1, 13, 0, tzinfo=timezone.utc), id="bst"),
    pytest.param("Tue, 01 Dec 2026 09:30:00 CET", datetime(2026, 12, 1, 8, 30, tzinfo=timezone.utc), id="cet"),
    pytest.param("Wed, 01 Jul 2026 09:30:00 CEST", datetime(2026, 7, 1, 7, 30, tzinfo=timezone.utc), id="cest"),
    pytest.param("Tue, 01 Dec 2026 09:30:00 AEDT", datetime(2026, 11, 30, 22, 30, tzinfo=timezone.utc),
                 id="aedt-the-day-before-in-utc"),
    pytest.param("Tue, 01 Dec 2026 09:30 am NZDT", datetime(2026, 11, 30, 20, 30, tzinfo=timezone.utc),
                 id="nzdt-with-am"),
    pytest.param("Tue, 01 Dec 2026 09:30:00 GMT", datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc), id="gmt"),
    pytest.param("Tue, 01 Dec 2026 09:30:00 EST", datetime(2026, 12, 1, 14, 30, tzinfo=timezone.utc), id="est"),
    pytest.param("Tue, 01 Dec 2026 09:30:00 +0100", datetime(2026, 12, 1, 8, 30, tzinfo=timezone.utc), id="offset"),
])
def test_an_rss_date_in_a_zone_named_by_its_abbreviation_is_read_at_that_zones_offset(pub_date, published_at):
    """Before: feedparser read a zone name it does not know as UTC without a word: a British site's summer
    ``14:00:00 BST`` was published at 14:00 UTC, an hour late, and an Australian site's ``09:30:00 AEDT`` on the
    1st at 09:30 UTC on the 1st, where it was the 30th in UTC; deadlines resolve against that date."""
    [entry] = parse_feed(_rss_dated(pub_date), url="https://e.org/rss")
    assert (entry.published, entry.unread_dates) == (published_at, ())
    assert entry_release(entry, source="s", now=NOW).release.published_at == published_at


@pytest.mark.parametrize("pub_date", ["Tue, 01 Dec 2026 09:30:00 IST", "Tue, 01 Dec 2026 09:30:00 Europe/London",
                                      "Tue, 01 Dec 2026 09:30:00 XYZ"])
def test_an_rss_date_in_a_zone_not_known_or_ambiguous_cannot_be_read(pub_date):
    """Before: read as UTC without a word (IST is India's, Ireland's or Israel's: 5:30, 1 or 2 hours ahead). Now
    it is a date written that cannot be read, told as every such date is, rather than a wrong one published."""
    [entry] = parse_feed(_rss_dated(pub_date), url="https://e.org/rss")
    assert (entry.published, entry.unread_dates) == (None, (("publication", pub_date),))


_NEWS_PAGE = (b'<!DOCTYPE html><html><head><title>News</title>'
              b'<link rel="alternate" type="application/rss+xml" title="Press releases" href="/press/news.rss">'
              b'</head><body><h1>News</h1><p>Our latest press releases.</p></body></html>')


@pytest.mark.parametrize(("raw", "content_type", "hint"), [
    pytest.param(_NEWS_PAGE, "text/html; charset=utf-8", "an HTML page that names its feed in a <link "
                 'rel="alternate">: give that address as the source\'s url, or type: page to read the page itself',
                 id="a-page-naming-its-feed"),
    pytest.param(_NEWS_PAGE.replace(b"rss+xml", b"atom+xml"), None, "an HTML page that names its feed in a <link "
                 'rel="alternate">: give that address as the source\'s url, or type: page to read the page itself',
                 id="atom-no-content-type"),
    pytest.param(b"<!DOCTYPE html><html><body><p>Press releases</p></body></html>", "text/html",
                 "an HTML page, not a feed: give the feed's address as the source's url, or type: page to read the "
                 "page itself", id="a-page-naming-none"),
])
def test_an_html_page_given_as_a_feed_is_refused_saying_what_to_give_instead(raw, content_type, hint):
    """Before: "not a readable feed (text/html; charset=utf-8 is not an XML media type)", feedparser's words,
    when a site's news page was given for its feed: the most common slip in adding a source."""
    with pytest.raises(ContentError) as refused:
        parse_feed(raw, url="https://example.org/news", content_type=content_type)
    assert str(refused.value) == f"https://example.org/news: not a readable feed: {hint}"
