"""A publisher that moves its site (http to https) or renames its slugs changes every entry's link but not its
guid (Atom id): an entry ingest already published keeps its release id. Unchanged, nothing is published; changed,
it is the next version of the same release. An entry with no guid is named by its link, as before."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from services.ingest.config import SourceConfig
from services.ingest.identity import release_id_for
from services.ingest.polling import SourcePoller

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
TEXT = "The Home Office will invest £21m by 31 August 2028 to counter terrorism at stadiums."
GUID = "tag:example.org,2026:press-a"
CHANGED = "The Home Office will invest £25m by 31 August 2028 to counter terrorism at stadiums."


def rss_item(guid: str | None, link: str, text: str) -> str:
    guid_element = f'<guid isPermaLink="false">{guid}</guid>' if guid else ""
    return (f"<item><title>Stadium security</title>{guid_element}<link>{link}</link>"
            "<pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate>"
            f"<content:encoded><![CDATA[<p>{text}</p>]]></content:encoded></item>")


def rss(*items: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>'
            f'<link>https://example.org/</link><description>d</description>{"".join(items)}</channel></rss>').encode()


def atom_entry(id_: str | None, link: str, text: str) -> str:
    id_element = f"<id>{id_}</id>" if id_ else ""
    return (f'<entry>{id_element}<title>Stadium security</title><link href="{link}"/>'
            "<published>2026-11-30T08:00:00Z</published>"
            f'<content type="html">&lt;p&gt;{text}&lt;/p&gt;</content></entry>')


def atom(*entries: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            f'<id>f</id><updated>2026-12-01T08:00:00Z</updated>{"".join(entries)}</feed>').encode()


FORMATS = {"rss": (rss_item, rss, "application/rss+xml"), "atom": (atom_entry, atom, "application/atom+xml")}
MOVES = {"https": "https://example.org/press/a", "slug": "https://example.org/news/stadium-security"}


def poller(govuk, reader, streams, path: str, follow: str = "auto", base: str | None = None) -> SourcePoller:
    config = SourceConfig(name="ministry", url=(base or govuk.base) + path, interval=1, follow=follow)
    return SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8)


@pytest.mark.parametrize("move", list(MOVES))
@pytest.mark.parametrize("kind", list(FORMATS))
async def test_a_moved_link_keeps_the_release_id_of_its_guid(govuk, reader, streams, published, kind, move):
    make_entry, make_feed, content_type = FORMATS[kind]
    path = f"/press.{kind}"
    source = poller(govuk, reader, streams, path)
    old, new = "http://example.org/press/a", MOVES[move]

    govuk.put(path, make_feed(make_entry(GUID, old, TEXT)), content_type)
    first = await source.poll(now=NOW, clock=0)
    govuk.put(path, make_feed(make_entry(GUID, new, TEXT)), content_type)
    moved = await source.poll(now=NOW, clock=1)
    govuk.put(path, make_feed(make_entry(GUID, new, CHANGED)), content_type)
    changed = await source.poll(now=NOW, clock=2)

    assert (first.published, moved.published, moved.unchanged, changed.published) == (1, 0, 1, 1)
    releases = await published()
    assert [(r.release_id, r.version, r.url) for r in releases] == [
        (release_id_for(old), 1, old), (release_id_for(old), 2, new)]
    assert "£25m" in releases[1].body


async def test_a_restarted_poller_still_knows_the_guid(govuk, reader, streams, published):
    old, new = "http://example.org/press/a", "https://example.org/press/a"
    govuk.put("/press.atom", atom(atom_entry(GUID, old, TEXT)), "application/atom+xml")
    await poller(govuk, reader, streams, "/press.atom").poll(now=NOW, clock=0)
    govuk.put("/press.atom", atom(atom_entry(GUID, new, CHANGED)), "application/atom+xml")
    await poller(govuk, reader, streams, "/press.atom").poll(now=NOW, clock=1)  # a new process: state in Redis
    assert [(r.release_id, r.version) for r in await published()] == [(release_id_for(old), 1),
                                                                      (release_id_for(old), 2)]


async def test_a_page_read_through_a_moved_link_keeps_its_release_id(govuk, reader, streams, published):
    base = govuk.base.replace("127.0.0.1", "localhost")  # the feed's own host: its links are followed
    page = "<html><body><main><h1>Stadium security</h1><p>{}</p></main></body></html>"
    govuk.put("/press/a", page.format(TEXT), "text/html; charset=utf-8")
    govuk.put("/news/stadium-security", page.format(TEXT), "text/html; charset=utf-8")
    source = poller(govuk, reader, streams, "/press.rss", follow="page", base=base)
    teaser = "Stadium security…"

    govuk.put("/press.rss", rss(rss_item(GUID, f"{base}/press/a", teaser)), "application/rss+xml")
    assert (await source.poll(now=NOW, clock=0)).published == 1
    govuk.put("/press.rss", rss(rss_item(GUID, f"{base}/news/stadium-security", teaser)),
              "application/rss+xml")
    assert (await source.poll(now=NOW, clock=1)).published == 0
    govuk.put("/news/stadium-security", page.format(CHANGED), "text/html; charset=utf-8")
    govuk.put("/press.rss", rss(rss_item(GUID, f"{base}/news/stadium-security", teaser + " ")),
              "application/rss+xml")  # the feed's view changes, so the entry is read again
    assert (await source.poll(now=NOW, clock=2)).published == 1
    assert [(r.release_id, r.version) for r in await published()] == [(release_id_for(f"{base}/press/a"), 1),
                                                                      (release_id_for(f"{base}/press/a"), 2)]


@pytest.mark.parametrize("kind", list(FORMATS))
async def test_an_entry_with_no_guid_is_named_by_its_link(govuk, reader, streams, published, kind):
    make_entry, make_feed, content_type = FORMATS[kind]
    path = f"/press.{kind}"
    source = poller(govuk, reader, streams, path)
    old, new = "http://example.org/press/a", "https://example.org/press/a"

    govuk.put(path, make_feed(make_entry(None, old, TEXT)), content_type)
    await source.poll(now=NOW, clock=0)
    govuk.put(path, make_feed(make_entry(None, new, TEXT)), content_type)
    moved = await source.poll(now=NOW, clock=1)

    assert moved.published == 1  # nothing says it is the same entry: a new release, as its link is new
    assert [(r.release_id, r.version) for r in await published()] == [(release_id_for(old), 1),
                                                                      (release_id_for(new), 1)]


async def test_an_entry_recorded_before_release_ids_were_kept_learns_its_release(govuk, reader, streams,
                                                                                published):
    old, new = "http://example.org/press/a", "https://example.org/press/a"
    source = poller(govuk, reader, streams, "/press.atom")
    govuk.put("/press.atom", atom(atom_entry(GUID, old, TEXT)), "application/atom+xml")
    await source.poll(now=NOW, clock=0)
    seen = streams.key("ingest:source:ministry:seen")
    recorded = (await streams.client.hget(seen, GUID)).decode()
    await streams.client.hset(seen, GUID, recorded.split(" ")[0])  # as an earlier release recorded it

    assert (await source.poll(now=NOW, clock=1)).published == 0  # listed as it was: its release is looked up
    govuk.put("/press.atom", atom(atom_entry(GUID, new, TEXT)), "application/atom+xml")
    assert (await source.poll(now=NOW, clock=2)).published == 0
    govuk.put("/press.atom", atom(atom_entry(GUID, new, CHANGED)), "application/atom+xml")
    assert (await source.poll(now=NOW, clock=3)).published == 1
    assert [(r.release_id, r.version) for r in await published()] == [(release_id_for(old), 1),
                                                                      (release_id_for(old), 2)]


async def test_a_guid_reused_for_another_article_is_followed(govuk, reader, streams, published):
    first, other = "https://example.org/press/a", "https://example.org/press/b"
    source = poller(govuk, reader, streams, "/press.rss")
    govuk.put("/press.rss", rss(rss_item(GUID, first, TEXT)), "application/rss+xml")
    await source.poll(now=NOW, clock=0)
    govuk.put("/press.rss", rss(rss_item(GUID, other, "The Department will publish its plan by June 2027.")),
              "application/rss+xml")
    await source.poll(now=NOW, clock=1)
    # The publisher says it is the same entry: its next version, not a new release (docs/INGEST.md).
    assert [(r.release_id, r.version, r.url) for r in await published()] == [
        (release_id_for(first), 1, first), (release_id_for(first), 2, other)]


async def test_an_entry_recorded_before_release_ids_were_kept_learns_its_release_behind_a_304(govuk, reader, streams,
                                                                                             published):
    """The feed unchanged since the upgrade answers 304 to a conditional request: the first poll after it asks
    without validators, so that its entries learn their releases before the site moves its links."""
    old, new = "http://example.org/press/a", "https://example.org/press/a"
    source = poller(govuk, reader, streams, "/press.atom")
    govuk.put("/press.atom", atom(atom_entry(GUID, old, TEXT)), "application/atom+xml", etag='"v1"')
    await source.poll(now=NOW, clock=0)
    seen, state = streams.key("ingest:source:ministry:seen"), streams.key("ingest:source:ministry")
    recorded = (await streams.client.hget(seen, GUID)).decode()
    await streams.client.hset(seen, GUID, recorded.split(" ")[0])  # as an earlier release recorded it
    await streams.client.hdel(state, "ids")  # and its validators, with no mark that release ids were kept

    assert (await source.poll(now=NOW, clock=1)).not_modified is False  # asked again in full, not a 304
    govuk.put("/press.atom", atom(atom_entry(GUID, new, TEXT)), "application/atom+xml", etag='"v2"')
    assert (await source.poll(now=NOW, clock=2)).published == 0
    assert [(r.release_id, r.version) for r in await published()] == [(release_id_for(old), 1)]


@pytest.mark.parametrize("kind", list(FORMATS))
async def test_a_link_reused_for_another_article_after_a_move_is_a_new_release(govuk, reader, streams, published,
                                                                              kind):
    """Before: the moved entry kept the release id of its old link, and a new article posted later at that link
    was named by it too, so the two were published as versions of one release, in turn at every change."""
    make_entry, make_feed, content_type = FORMATS[kind]
    path = f"/press.{kind}"
    source = poller(govuk, reader, streams, path)
    old, new, other_guid = "http://example.org/press/a", "https://example.org/news/stadium-security", GUID + "-c"
    article = "The Department will publish its plan by June 2027."

    govuk.put(path, make_feed(make_entry(GUID, old, TEXT)), content_type)
    await source.poll(now=NOW, clock=0)
    govuk.put(path, make_feed(make_entry(GUID, new, TEXT)), content_type)
    await source.poll(now=NOW, clock=1)
    govuk.put(path, make_feed(make_entry(GUID, new, TEXT), make_entry(other_guid, old, article)), content_type)
    assert (await source.poll(now=NOW, clock=2)).published == 1
    govuk.put(path, make_feed(make_entry(GUID, new, CHANGED), make_entry(other_guid, old, article + " ")),
              content_type)  # the other's view changes too: it is read again, and keeps its own release
    assert (await source.poll(now=NOW, clock=3)).published == 1

    releases = [(r.release_id, r.version, r.url) for r in await published()]
    fresh = release_id_for(f"{old}#{other_guid}")
    assert releases == [(release_id_for(old), 1, old), (fresh, 1, old), (release_id_for(old), 2, new)]
