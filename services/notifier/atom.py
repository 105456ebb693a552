"""A subscriber's alerts as an Atom feed (RFC 4287). Pure.

Each entry is one message the subscriber was sent, newest first: its id a ``urn:uuid`` made from the
message's id (a reader that polls again never shows it twice), its title the message's subject, its content
the plain text every other channel renders, without setext underlines (a feed reader shows them as they are),
and links to the release and to its page on the dashboard.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any
from xml.etree import ElementTree

from schemas.alerts import Alert
from schemas.due_week import DueThisWeek
from schemas.envelope import CloudEvent
from services.common.bidi import without_scoped_controls

from .due_week_rendering import render_due_week_subject, render_due_week_text
from .rendering import render_text, subject
from .templates import web_address

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
SUBJECT_PREFIX = "[pledgewatch] "
# Characters XML 1.0 cannot hold at all, not even escaped (C0 controls but tab and line ends, surrogates, ...).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def stable_id(kind: str, message_id: str) -> str:
    """``urn:uuid:…`` (RFC 4122, name-based), the same for the same message every time."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"pledgewatch:{kind}:{message_id}").urn


def rfc3339(moment: datetime) -> str:
    """``2026-12-04T19:43:54Z``: UTC, to the second."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def alerts_feed(events: list[CloudEvent[Any]], *, subscription_id: str, self_url: str,
                release_page: Callable[[str], str], empty_since: datetime) -> bytes:
    """The Atom document of ``events`` (alerts and weekly messages, newest first) sent to ``subscription_id``;
    ``self_url`` is where the feed is read, ``release_page(release_id)`` a release's page on the dashboard,
    ``empty_since`` the feed's ``updated`` while it has no entry (RFC 4287 requires one: when the feed began).
    The same events give the same bytes."""
    feed = ElementTree.Element("feed", xmlns=ATOM)
    _add(feed, "id", stable_id("feed", subscription_id))
    _add(feed, "title", f"pledgewatch: alerts for {subscription_id}")
    _add(feed, "subtitle", "What the subscription was sent: new and changed commitments, deadline reminders, "
                           "withdrawn releases, each week's deadlines.")
    _add(feed, "updated", rfc3339(events[0].time if events else empty_since))
    ElementTree.SubElement(feed, "link", rel="self", href=_clean(self_url), type=MEDIA_TYPE.partition(";")[0])
    author = ElementTree.SubElement(feed, "author")
    _add(author, "name", "pledgewatch")
    _add(feed, "generator", "pledgewatch")
    for event in events:
        feed.append(_entry(event, release_page))
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)


def _entry(event: CloudEvent[Any], release_page: Callable[[str], str]) -> ElementTree.Element:
    message = event.data
    entry = ElementTree.Element("entry")
    if isinstance(message, Alert):
        kind, title, text = message.kind.value, subject(message), render_text(message, underline=False)
        _add(entry, "id", stable_id("alert", message.alert_id))
    else:
        assert isinstance(message, DueThisWeek)
        kind, title = "due_this_week", render_due_week_subject(message)
        text = render_due_week_text(message, underline=False)
        _add(entry, "id", stable_id("due_this_week", message.digest_id))
    _add(entry, "title", title.removeprefix(SUBJECT_PREFIX))
    _add(entry, "updated", rfc3339(event.time))
    _add(entry, "published", rfc3339(event.time))
    if isinstance(message, Alert):
        page = release_page(message.release.release_id)
        original = message.release.url if web_address(message.release.url) else page
        ElementTree.SubElement(entry, "link", rel="alternate", href=_clean(original))
        ElementTree.SubElement(entry, "link", rel="related", href=_clean(page), title="The release on the dashboard")
    ElementTree.SubElement(entry, "category", term=kind)
    _add(entry, "content", text, type="text")
    return entry


def _add(parent: ElementTree.Element, tag: str, text: str, **attributes: str) -> None:
    ElementTree.SubElement(parent, tag, attributes).text = _clean(text)


def _clean(text: str) -> str:
    """``text`` with what XML cannot hold replaced (U+FFFD), without bidi embeddings, overrides and isolates (a
    reader shows a title as plain text, where one left open reorders what follows); the writer escapes the rest."""
    return _NOT_XML.sub("\ufffd", without_scoped_controls(text))
