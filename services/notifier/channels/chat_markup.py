"""A release's words kept as words on the chat services that read Markdown and mentions in plain text. Pure.

Apprise sends plain text to Discord (and Guilded, built on it), Mattermost and Zulip as it is, and they read it as
Markdown (``[GOV.UK](https://…)`` a link, ``**…**`` bold) and ping whomever ``@everyone``, ``@here``,
``@channel``, ``<@id>`` or Zulip's ``@**all**`` names; in its Markdown mode for Discord, Apprise itself adds a
line pinging each ``@name`` of the text. Rocket.Chat, whose Markdown Apprise escapes, pings the room for ``@all``
and ``@here``, and Matrix, sent plain text, notifies the room for ``@room`` (from a sender allowed to), so their
``@`` are kept from mentions too (Matrix's text is not escaped: it is shown as it is). For these services the
text is escaped as Apprise escapes
text for a Markdown service (unless Apprise does, in that mode), web addresses apart, which stay links; and
each ``@`` is followed by a zero-width space, which no service reads as a mention, or, in a web address's path,
query or fragment and in a ``mailto:`` address, is written ``%40``, which keeps the link whole (RFC 3986 and 6068
read it as the same address). A raw ``@`` would not do: Apprise's Markdown mode pings whatever word follows an
``@`` anywhere (``https://x/@everyone``, ``mailto:a@here.example``). Before the host, an ``@`` ends a user part,
and no form of it is safe: a raw ``@`` can ping, ``%40`` there would change the host. Such an address
(``https://press@www.gov.uk/…``, or ``https://gov.uk@evil.example/…``, whose link goes where its text hides) is
linked without its user part, to the host a browser goes to, shown as it is; a password in it is not passed on.

Teams, through a Power Automate workflow, reads the title and the text of its card as Markdown, and shows a bare web
address as words, not a link. Apprise escapes the text for it, addresses included (``https://www\\.gov\\.uk/…``), and
sends the title as it is: for Teams both are escaped here, each web address written as a Markdown link to itself
(without a user part; a bracket of it percent-encoded, which would end the link), and handed to Apprise as Markdown
(:func:`sent_as`).

A title is escaped for the field its service shows it in. Apprise converts a title only where it joins it to the
text; one sent in a field of its own goes as it is: Discord's embed title (``?format=markdown``) reads Markdown,
so there it is escaped here, while Zulip's topic is plain text, where an escape would show, so there it is not.

Telegram reads HTML by default, and Apprise, handed text, writes it as HTML that loses the message's layout: there
the title is escaped here and the text written as HTML (:mod:`.chat_structure`), and both handed to Apprise as HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from apprise import NotifyFormat
from apprise.conversion import convert_between
from apprise.plugins.discord import NotifyDiscord
from apprise.plugins.matrix import NotifyMatrix
from apprise.plugins.mattermost import NotifyMattermost
from apprise.plugins.rocketchat import NotifyRocketChat
from apprise.plugins.telegram import NotifyTelegram, TelegramMarkdownVersion
from apprise.plugins.workflows import NotifyWorkflows
from apprise.plugins.zulip import NotifyZulip

# Guilded's plugin is Discord's; Rocket.Chat's text Apprise escapes as Markdown itself
_READS_MARKUP_IN_TEXT = (NotifyDiscord, NotifyMattermost, NotifyZulip, NotifyRocketChat)
_READS_MENTIONS_IN_TEXT = (*_READS_MARKUP_IN_TEXT, NotifyMatrix)
_LINKS_ITS_ADDRESSES = (NotifyWorkflows,)
_WEB_ADDRESS = re.compile(r"(?:https?://|mailto:)\S+")


def _words(text: str, *, escape: bool) -> str:
    """``text`` (no web address in it) escaped for Markdown if ``escape``, no ``@`` of it read as a mention."""
    text = convert_between(NotifyFormat.TEXT, NotifyFormat.MARKDOWN, text) if escape else text
    return text.replace("@", "@\u200b")


def without_user_part(address: str) -> str | None:
    """``address`` without the user part before its host (``https://user:pass@host/p`` -> ``https://host/p``),
    as it is when it has none; None when it has no host to link to (``http://[x``, ``https://user@/p``)."""
    try:
        parts = urlsplit(address)
    except ValueError:
        return None
    if "@" not in parts.netloc:  # a mailto: address has no host part
        return address
    host = parts.netloc.rpartition("@")[2]
    head = f"{address[:len(parts.scheme)]}://"  # the scheme as written (urlsplit lower-cases it)
    if not host or not address.startswith(parts.netloc, len(head)):
        return None
    return head + host + address[len(head) + len(parts.netloc):]


def _address(address: str, *, escape: bool) -> str:
    """A web address kept a link with no ``@`` read as a mention (see above), or words when it has no host."""
    linked = without_user_part(address)
    # Past the host (or in a mailto: address) every "@" is in the path, query or fragment
    return _words(address, escape=escape) if linked is None else linked.replace("@", "%40")


def _markdown_link(address: str) -> str:
    """A web address as a Markdown link to itself, shown as written; words when it has no host to link to."""
    target = without_user_part(address)
    if target is None:
        return _words(address, escape=True)
    target = target.replace("(", "%28").replace(")", "%29")
    return f"[{convert_between(NotifyFormat.TEXT, NotifyFormat.MARKDOWN, address)}]({target})"


def _by_part(text: str, words: Callable[[str], str], address: Callable[[str], str]) -> str:
    """``text`` with ``words`` applied to its words, ``address`` to each web address in it."""
    parts, start = [], 0
    for found in _WEB_ADDRESS.finditer(text):
        parts += [words(text[start:found.start()]), address(found.group())]
        start = found.end()
    return "".join([*parts, words(text[start:])])


def sent_as(service: Any) -> NotifyFormat:
    """What ``service``'s (an Apprise plugin's) title and text are handed to Apprise as: Markdown or HTML where
    they are written so here (:func:`kept_as_words`, :mod:`.chat_structure`), else text, which Apprise escapes for
    a service reading HTML or Markdown."""
    if isinstance(service, _LINKS_ITS_ADDRESSES):
        return NotifyFormat.MARKDOWN
    if isinstance(service, NotifyTelegram) and service.resolve_format(NotifyFormat.TEXT) == NotifyFormat.HTML:
        return NotifyFormat.HTML
    return NotifyFormat.TEXT


# Services that show the title in a field of its own (Apprise hands it on as it is) read as Markdown, in the
# Markdown mode only (in text mode Discord has the title joined to the text, escaped with it)
_TITLE_READ_AS_MARKDOWN = (NotifyDiscord,)
# Services that show the title in a field of plain text: Zulip's topic
_TITLE_SHOWN_AS_TEXT = (NotifyZulip,)


def title_in_text(service: Any) -> bool:
    """Whether ``service``'s title is handed to Apprise as the first line of the text rather than as its title:
    Telegram in its legacy Markdown, where Apprise makes the title a bold heading and escapes its ``*`` and ``_``
    within it, which legacy Markdown does not read inside bold (the bold ends at the first, and Telegram refuses the
    message); as a line of the text it is escaped outside any bold, which it reads."""
    return (isinstance(service, NotifyTelegram)
            and service.resolve_format(NotifyFormat.TEXT) == NotifyFormat.MARKDOWN
            and service.markdown_ver == TelegramMarkdownVersion.ONE)


def title_kept(service: Any, title: str) -> str:
    """``title`` as ``service`` (an Apprise plugin) shows it word for word in the field it puts it in."""
    if isinstance(service, _TITLE_SHOWN_AS_TEXT):
        return _by_part(title, lambda words: _words(words, escape=False),
                        lambda address: _address(address, escape=False))
    if (isinstance(service, _TITLE_READ_AS_MARKDOWN) and service.title_maxlen > 0
            and service.resolve_format(NotifyFormat.TEXT) == NotifyFormat.MARKDOWN):
        return _by_part(title, lambda words: _words(words, escape=True),
                        lambda address: _address(address, escape=True))
    return kept_as_words(service, title)


def kept_as_words(service: Any, text: str) -> str:
    """``text`` as ``service`` (an Apprise plugin) shows it word for word: as it is for most services."""
    if isinstance(service, _LINKS_ITS_ADDRESSES):
        return _by_part(text, lambda words: _words(words, escape=True), _markdown_link)
    if sent_as(service) is NotifyFormat.HTML:
        return html.escape(text, quote=False)
    if not isinstance(service, _READS_MENTIONS_IN_TEXT):
        return text
    # sent as it is to a service reading Markdown: escaped here
    escape = (isinstance(service, _READS_MARKUP_IN_TEXT)
              and service.resolve_format(NotifyFormat.TEXT) == NotifyFormat.TEXT)
    # A zero-width space would end the link at the "@"; "%40" is the same address, and no mention
    return _by_part(text, lambda words: _words(words, escape=escape),
                    lambda address: _address(address, escape=escape))
