"""RSS 2.0 and Atom feeds to entries, parsed safely (pure).

The feed is decoded once and re-encoded as UTF-8; those bytes are checked with
defusedxml (from the start and from every DOCTYPE), so a document that declares
entities (an entity bomb) or references external ones is refused outright,
whatever its encoding or prologue; feedparser then reads the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urldefrag, urljoin, urlsplit
from xml.etree.ElementTree import ParseError

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring

from schemas import ReleasePublished
from services.common.errors import failure_text

from .charset import decode_text
from .drafts import Draft
from .errors import ContentError
from .html_text import html_to_text
from .identity import content_hash, normalise_text, release_id_for
from .links import clean_url
from .pages_as_feeds import html_page_problem
from .zone_names import named_zone_offset


@dataclass(frozen=True)
class FeedEntry:
    key: str  # the entry's id, else its link
    link: str  # absolute, fragment dropped
    title: str
    published: datetime | None  # first publication (<published>, <pubDate>) only: never <updated>
    updated: datetime | None
    summary_html: str
    content_html: str | None  # the full text, when the feed carries it
    fingerprint: str  # changes whenever the feed's view of the entry changes
    # (("publication" or "update", the value as written), ...): dates the entry states but that cannot be
    # read, each then taken as not stated
    unread_dates: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RefusedEntry:
    """An entry of a readable feed that cannot become a release (a date out of range, say)."""

    key: str
    link: str
    reason: str
    fingerprint: str


_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)
_ENTITY = re.compile(rb"<!ENTITY", re.I)
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")


def check_xml_safe(raw: bytes, *, url: str) -> None:
    """Refuse XML with entity declarations or external references (:class:`ContentError`),
    whatever precedes its DOCTYPE.

    defusedxml reads the document from its start and again from every ``<!DOCTYPE``
    (any case), so junk or a malformed prologue before it cannot stop the DTD being
    read; and an ``<!ENTITY`` anywhere before the first element (where feedparser's
    lenient parser looks for one) is refused even in a DTD that expat cannot read.
    Malformed XML otherwise passes here: feedparser decides whether it is still a feed.
    """
    first = _FIRST_ELEMENT.search(raw)
    if _ENTITY.search(raw, 0, first.start() if first else len(raw)):
        raise ContentError(f"{url}: unsafe XML refused (an entity declaration before the first element)")
    for start in [0] + [m.start() for m in _DOCTYPE.finditer(raw) if m.start()]:
        document = raw if start == 0 else b"<!DOCTYPE" + raw[start + len(b"<!DOCTYPE"):]
        try:
            safe_fromstring(document, forbid_dtd=False, forbid_entities=True, forbid_external=True)
        except DefusedXmlException as exc:
            raise ContentError(f"{url}: unsafe XML refused ({type(exc).__name__}: {exc})") from None
        except (ParseError, ValueError, LookupError):
            pass


_XML_ENCODING = re.compile(rb"""\A\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_XML_DECLARATION = re.compile(r"\A\s*<\?xml\b[^>]*\?>")


def feed_as_utf8(raw: bytes, *, charset: str | None, url: str) -> bytes:
    """The feed re-encoded as UTF-8 with no XML declaration, so the guard and feedparser read the
    same bytes. Decoded by its byte-order mark, else ``charset`` (HTTP), else the XML
    declaration, else UTF-8; :class:`ContentError` for bytes not valid in it."""
    declared = _XML_ENCODING.match(raw[:512])
    text = decode_text(raw, charset=charset or (declared.group(1).decode() if declared else "utf-8"), url=url)
    return _XML_DECLARATION.sub("", text, count=1).encode("utf-8", "surrogatepass")


_CHARREF = re.compile(rb"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});")


def _xml_char(code: int) -> bool:
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def drop_bad_charrefs(raw: bytes) -> bytes:
    """``raw`` without character references to what XML forbids (NUL, other C0 controls, lone
    surrogates, beyond U+10FFFF): feedparser's fallback parser would crash on a surrogate."""
    def keep(match: re.Match[bytes]) -> bytes:
        digits = match.group(1)
        code = int(digits[1:], 16) if digits[:1] in (b"x", b"X") else int(digits)
        return match.group(0) if _xml_char(code) else b""
    return _CHARREF.sub(keep, raw)


def _when(parsed: time.struct_time | None) -> datetime | None:
    return datetime(*parsed[:6], tzinfo=timezone.utc) if parsed else None


def _date(item: dict, key: str) -> datetime | None:
    """``item``'s (feedparser's) date ``key`` in UTC, or None when it writes none or one that cannot be read."""
    parsed = _when(dict.get(item, f"{key}_parsed"))  # not .get: feedparser warns on its fallback
    offset = named_zone_offset(str(dict.get(item, key) or ""))
    return None if parsed is None or offset is None else parsed - offset


def _unread_dates(item: dict) -> tuple[tuple[str, str], ...]:
    """The dates ``item`` (feedparser's) writes but that cannot be read, as written."""
    unread = []
    for what, key in (("publication", "published"), ("update", "updated")):
        written = str(dict.get(item, key) or "").strip()
        if written and _date(item, key) is None:
            unread.append((what, written))
    return tuple(unread)


def unread_dates_text(entry: FeedEntry) -> str:
    """``entry``'s unread dates in words: ``its publication date 'Not a date' cannot be read``."""
    return "; ".join(f"its {what} date {written[:100]!r} cannot be read" for what, written in entry.unread_dates)


def canonical_link(link: str, *, base: str) -> str:
    """``link`` made absolute against ``base``, its fragment dropped, its whitespace cleaned
    (:func:`~services.ingest.links.clean_url`)."""
    return urldefrag(urljoin(base, clean_url(link)))[0]


@dataclass(frozen=True)
class FeedPage:
    """One document of a feed: its entries, and the older document it links to (RFC 5005), if any."""

    entries: list[FeedEntry | RefusedEntry]
    older: str | None  # its rel="prev-archive" (an archived feed), else its rel="next" (a paged feed)


def parse_feed(raw: bytes, *, url: str, content_type: str | None = None,
               charset: str | None = None) -> list[FeedEntry | RefusedEntry]:
    """The entries of an RSS or Atom document fetched from ``url``, in feed order.

    An entry that cannot be read is a :class:`RefusedEntry` with the reason, in its place.

    Raises :class:`ContentError` for unsafe XML, bytes not valid in their encoding
    (a byte-order mark, else ``charset`` from Content-Type, else the XML declaration,
    else UTF-8) or a document that is not a feed.
    """
    return parse_feed_page(raw, url=url, content_type=content_type, charset=charset).entries


def parse_feed_page(raw: bytes, *, url: str, content_type: str | None = None, charset: str | None = None) -> FeedPage:
    """:func:`parse_feed`, with the link to the feed's older document (RFC 5005: Atom ``<link>``, or
    ``<atom:link>`` in an RSS channel), absolute and without its fragment."""
    data = drop_bad_charrefs(feed_as_utf8(raw, charset=charset, url=url))
    check_xml_safe(data, url=url)
    headers = {"content-location": url, "content-type": f"{content_type or 'application/xml'}; charset=utf-8"}
    try:
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    except Exception as exc:  # feedparser's own bug on hostile input: this feed's problem, with a reason
        raise ContentError(f"{url}: not a readable feed ({type(exc).__name__}: {exc})") from None
    if not parsed.get("version") and not parsed.entries:
        if page := html_page_problem(data, content_type=content_type):
            raise ContentError(f"{url}: not a readable feed: {page}")
        reason = parsed.get("bozo_exception") or "no RSS or Atom elements"
        raise ContentError(f"{url}: not a readable feed ({reason})")
    entries: list[FeedEntry | RefusedEntry] = []
    for index, item in enumerate(parsed.entries):
        try:
            entries.append(_entry(item, base=url))
        except Exception as exc:  # one entry's problem, never the feed's
            entries.append(_refused(item, index, base=url, exc=exc))
    return FeedPage(entries, _older(parsed.feed.get("links") or [], base=url))


def _older(links: list[dict], *, base: str) -> str | None:
    by_rel = {str(link.get("rel")): str(link.get("href") or "") for link in reversed(links)}  # the first wins
    written = by_rel.get("prev-archive") or by_rel.get("next")
    return canonical_link(written, base=base) if written and clean_url(written) else None


def _digest(*parts: object) -> str:
    text = "\x1f".join(str(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:24]


# What may name an entry, and so become its release's url: a web address, or a URI naming it with no page behind
# it (tag:, urn:); never javascript:, data:, file: and the like, which a reader's browser would follow
_NAMING_SCHEMES = ("http", "https", "tag", "urn")


def _naming_link(link: str, *, base: str) -> str:
    """``link`` made absolute against ``base`` if it may name an entry, else ``""``."""
    if not clean_url(link):
        return ""
    link = canonical_link(link, base=base)
    return link if urlsplit(link).scheme.lower() in _NAMING_SCHEMES else ""


def _entry(item: dict, *, base: str) -> FeedEntry:
    # feedparser gives an Atom entry with no link its <id>, and an RSS item its <guid> only when a permalink: one
    # that is not but is a URI of its own (tag:, urn:) names the item as well, though no web page is behind it
    link, guid = str(item.get("link") or ""), str(item.get("id") or "").strip()
    if link and not clean_url(link):
        raise ContentError(f"the entry's link (or, with none, its id) is only whitespace: {link!r}")
    link = _naming_link(link, base=base) or (_naming_link(guid, base=base) if urlsplit(guid).scheme else "")
    if not link:
        raise ContentError("the entry has no web link, and no id or guid that is a web address or a tag: or urn: "
                           "URI: nothing names it")
    content = item.get("content") or []
    content_html = "\n".join(part.get("value", "") for part in content) or None
    summary = item.get("summary", "") or ""
    updated = _date(item, "updated")
    title = (item.get("title") or "").strip()
    return FeedEntry(
        key=normalise_text(item.get("id") or "") or link, link=link, title=title,
        published=_date(item, "published"), updated=updated,
        summary_html=summary, content_html=content_html,
        fingerprint=_digest(link, title, updated, summary, content_html or ""), unread_dates=_unread_dates(item),
    )


def _refused(item: dict, index: int, *, base: str, exc: Exception) -> RefusedEntry:
    """``item`` refused for ``exc``: keyed by its id, else its link, else its content (not its place in the feed,
    which moves as entries are added: it would be refused again each time)."""
    link = _naming_link(str(item.get("link") or ""), base=base)
    fingerprint = _digest(sorted(item.items(), key=lambda kv: kv[0]))
    key = normalise_text(str(item.get("id") or "")) or link or f"{base}#entry-{fingerprint}"
    link = link or f"{base}#entry-{index + 1}"
    reason = f"{link}: feed entry cannot be read ({failure_text(exc)})"
    return RefusedEntry(key=key, link=link, reason=reason, fingerprint=fingerprint)


FULL_TEXT_MIN_CHARS = 500  # a teaser is a sentence or two; a release, even a short one, runs longer
_CUT_OFF = re.compile(r"(\.\.\.|…|\[…]|\[\.\.\.]|read more|continue reading|read the full \w+)\W*\Z", re.I)


def carries_full_text(entry: FeedEntry) -> bool:
    """Whether the feed gives ``entry``'s whole release: its content (``<content:encoded>``, Atom
    ``<content>``), or a summary (RSS ``<description>``) that is more than a teaser: at least
    :data:`FULL_TEXT_MIN_CHARS` characters of text, not cut off with ``…`` or "Read more"."""
    if entry.content_html and html_to_text(entry.content_html).strip():
        return True
    text = html_to_text(entry.summary_html).strip()
    return len(text) >= FULL_TEXT_MIN_CHARS and not _CUT_OFF.search(text)


def entry_release(entry: FeedEntry, *, source: str, now: datetime) -> Draft:
    """A release from the feed's own text of ``entry`` (its content, else its summary).

    Dated by the entry's publication time; else (not ``dated``) its update time, else ``now``.
    """
    body = html_to_text(entry.content_html or entry.summary_html)
    title = entry.title or body.split("\n", 1)[0]
    if not body.strip() or not title:
        raise ContentError(f"{entry.link}: feed entry has no text")
    release = ReleasePublished(
        release_id=release_id_for(entry.link), version=1, url=entry.link, title=title,
        published_at=entry.published or entry.updated or now, source=source, body=body,
        content_hash=content_hash(title, body),
    )
    return Draft(release, dated=entry.published is not None)
