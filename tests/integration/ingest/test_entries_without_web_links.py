"""Feed entries that name themselves by a URI with no web page behind it (an RSS guid that is not a permalink,
an Atom ``urn:`` id) and carry no link: the feed's own text is the release. One that names itself by nothing is
refused, once."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from schemas import DeadLetterEvent
from schemas.streams import DEAD_LETTERS, EVENT_FIELD
from services.ingest.config import SourceConfig
from services.ingest.polling import SourcePoller

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)
RSS = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Notices</title>'
       '<item><title>Ports notice</title><guid isPermaLink="false">tag:ministry.example,2026:notice-42</guid>'
       '<pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate>'
       '<description>The ministry will spend £5 million on ports by 2027.</description></item></channel></rss>')
ATOM = ('<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Notices</title>'
        '<id>urn:uuid:60a76c80-d399-11d9-b91C-0003939e0af6</id><updated>2026-12-01T08:00:00Z</updated>'
        '<entry><title>Ports notice</title><id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>'
        '<updated>2026-12-01T08:00:00Z</updated>'
        '<summary>The ministry will spend £5 million on ports by 2027.</summary></entry></feed>')


def feed_poller(govuk, reader, streams, path: str, *, follow: str = "auto") -> SourcePoller:
    config = SourceConfig(name="notices", url=govuk.base + path, interval=1, follow=follow)
    return SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8)


@pytest.mark.parametrize(("path", "feed", "uri"), [
    ("/notices.rss", RSS, "tag:ministry.example,2026:notice-42"),
    ("/notices.atom", ATOM, "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"),
], ids=["rss-guid-not-a-permalink", "atom-urn-id"])
async def test_an_entry_with_no_web_link_is_published_from_the_feed_at_once_and_once(govuk, reader, streams,
                                                                                   published, path, feed, uri):
    """Before: the RSS item was dropped unread, never told of; the Atom entry's ``urn:`` was fetched as its page,
    failed ("only http:// and https:// URLs are fetched") and was retried for hours before its text was used."""
    govuk.put(path, feed, "application/rss+xml")
    source = feed_poller(govuk, reader, streams, path)
    report = await source.poll(now=NOW, clock=0)
    assert (report.published, report.failed) == (1, 0)
    assert (await source.poll(now=NOW, clock=1)).published == 0
    [release] = await published()
    assert release.url == uri and release.title == "Ports notice"
    assert release.body == "The ministry will spend £5 million on ports by 2027."


def rss_items(*items: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Notices</title>{"".join(items)}' \
           "</channel></rss>"


def notice(title: str, *, link: str = "") -> str:
    return (f"<item><title>{title}</title>{link}<pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate>"
            f"<description>The ministry will spend £5 million on {title} by 2027.</description></item>")


async def test_an_entry_naming_nothing_is_dead_lettered_once_not_dropped_unsaid(govuk, reader, streams, published):
    """An item with neither a link nor a guid (nor an Atom id) cannot be named: before, it was left out without
    a word. It is refused, with the reason, once, however the feed's other items move around it."""
    unnamed = notice("harbours")
    govuk.put("/n.rss", rss_items(unnamed, notice("ports", link="<link>https://ministry.example/ports</link>")),
              "application/rss+xml")
    source = feed_poller(govuk, reader, streams, "/n.rss", follow="none")
    report = await source.poll(now=NOW, clock=0)
    assert (report.published, report.rejected) == (1, 1)
    govuk.put("/n.rss", rss_items(notice("rail", link="<link>https://ministry.example/rail</link>"), unnamed,
                                  notice("ports", link="<link>https://ministry.example/ports</link>")),
              "application/rss+xml")
    report = await source.poll(now=NOW, clock=1)
    assert (report.published, report.rejected) == (1, 0)
    [letter] = await streams.client.xrange(streams.key(DEAD_LETTERS))
    reason = DeadLetterEvent.model_validate_json(letter[1][EVENT_FIELD.encode()]).data.reason
    assert reason.endswith("feed entry cannot be read (ContentError: the entry has no web link, and no id or guid "
                           "that is a web address or a tag: or urn: URI: nothing names it)")
