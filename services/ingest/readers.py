"""Fetch-and-convert steps shared by the feed, page and backfill sources."""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from .drafts import Draft, as_release
from .errors import ContentError
from .feeds import FeedEntry, carries_full_text, entry_release
from .fetch import Fetched, Fetcher, origin
from .govuk import content_api_url, is_govuk_link, redirect_destination, release_from_item
from .off_loop import read_off_loop
from .media_types import HTML_TYPES
from .pages import release_from_page

FEED_ACCEPT = "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


def decode_json(fetched: Fetched) -> object:
    try:
        return json.loads(fetched.text())
    except json.JSONDecodeError as exc:
        raise ContentError(f"{fetched.url}: not JSON ({exc.msg} at line {exc.lineno})") from None


class Reader:
    """Turns GOV.UK items, web pages and feed entries into releases over one :class:`Fetcher`."""

    def __init__(self, fetcher: Fetcher, *, govuk_url: str) -> None:
        self.fetcher, self.govuk_url = fetcher, govuk_url

    async def govuk_item(self, link_or_path: str, *, source: str) -> Draft:
        """The release of a GOV.UK page, from its Content API item; a redirect item (a page moved) is followed
        to its destination's, as many times as the fetcher follows HTTP redirects. Redirect items that lead back
        to one read, or past that many, are a :class:`ContentError`: the same items lead there at every try."""
        first = url = content_api_url(link_or_path, govuk_url=self.govuk_url)
        read_items = {url}
        for _ in range(self.fetcher.max_redirects + 1):
            fetched = await self.fetcher.get(url, accept="application/json")
            assert isinstance(fetched, Fetched)  # no validators sent, so never 304
            read = await read_off_loop(len(fetched.body), self._item_release, fetched, source=source, url=url)
            if isinstance(read, Draft):
                return read
            if not is_govuk_link(urljoin(self.govuk_url, read), govuk_url=self.govuk_url):
                raise ContentError(f"{url}: a redirect item to {read}, not a page of {self.govuk_url}")
            url = content_api_url(read, govuk_url=self.govuk_url)
            if url in read_items:
                raise ContentError(f"{first}: redirect items lead back to {url}")
            read_items.add(url)
        raise ContentError(f"{first}: more than {self.fetcher.max_redirects} redirect items")

    def _item_release(self, fetched: Fetched, *, source: str, url: str) -> Draft | str:
        """The release of the item ``fetched``, or, a redirect item, where it redirects to."""
        data = decode_json(fetched)
        destination = redirect_destination(data)
        if destination is not None:
            return destination
        return release_from_item(data, source=source, govuk_url=self.govuk_url, url=url)

    async def page(self, url: str, *, source: str, now: datetime, title: str | None = None,
                   published: datetime | None = None, trusted_origins: frozenset[tuple[str, int]] | None = None,
                   ) -> Draft:
        fetched = await self.fetcher.get(url, accept=HTML_ACCEPT, trusted_origins=trusted_origins,
                                         follow_refresh=True)
        assert isinstance(fetched, Fetched)  # no validators sent, so never 304
        return await self.read_page(fetched, source=source, now=now, title=title, published=published)

    async def read_page(self, fetched: Fetched, *, source: str, now: datetime, title: str | None = None,
                        published: datetime | None = None) -> Draft:
        """:meth:`page_release`, off the event loop for a large page."""
        return await read_off_loop(len(fetched.body), self.page_release, fetched, source=source, now=now,
                                   title=title, published=published)

    @staticmethod
    def page_release(fetched: Fetched, *, source: str, now: datetime, title: str | None = None,
                     published: datetime | None = None) -> Draft:
        if fetched.content_type not in HTML_TYPES:
            if fetched.type_sniffed:
                raise ContentError(f"{fetched.url}: no Content-Type given, and its first bytes are not an HTML page "
                                   f"(they read as {fetched.content_type})")
            raise ContentError(f"{fetched.url}: expected an HTML page, got {fetched.content_type}")
        return release_from_page(fetched.text(html=True), url=fetched.url, source=source, now=now,
                                 last_modified=fetched.last_modified, title=title, published=published)

    def way_in(self, entry: FeedEntry, follow: str) -> str:
        """How ``entry`` is read: ``follow`` (``SourceConfig.follow``) with ``auto`` resolved to ``govuk``,
        ``page`` or ``none``."""
        if follow != "auto":
            return follow
        if is_govuk_link(entry.link, govuk_url=self.govuk_url):
            return "govuk"
        # a link that is no web address (an Atom urn: id) has no page to read
        web = urlsplit(entry.link).scheme in ("http", "https")
        return "page" if web and not carries_full_text(entry) else "none"

    async def entry(self, entry: FeedEntry, *, source: str, follow: str, now: datetime, feed_url: str,
                    release_id: str | None = None) -> Draft:
        """The release of one feed entry, read as ``follow`` says (see ``SourceConfig.follow``).

        ``release_id``: the id the entry (its guid) was published under before, which a release read from the
        feed or the linked page keeps whatever its link is now; one read through the GOV.UK Content API is named
        by its item, as ever.
        The entry's link is third-party content: it is fetched only from a public
        address, or from the host of ``feed_url`` (the configured feed) or GOV.UK.
        """
        follow = self.way_in(entry, follow)
        if follow == "govuk":
            return await self.govuk_item(entry.link, source=source)
        if follow == "page":
            page = await self.page(entry.link, source=source, now=now, title=entry.title or None,
                                   published=entry.published,
                                   trusted_origins=frozenset({origin(feed_url), origin(self.govuk_url)}))
            return as_release(page, release_id)
        return as_release(await read_entry(entry, source=source, now=now), release_id)


async def read_entry(entry: FeedEntry, *, source: str, now: datetime) -> Draft:
    """:func:`entry_release`, off the event loop for an entry with a large text."""
    return await read_off_loop(len(entry.content_html or entry.summary_html), entry_release, entry, source=source,
                               now=now)
