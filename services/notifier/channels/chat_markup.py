"""A release's words kept as words on the chat services that read Markdown and mentions in plain text. Pure.

Apprise sends plain text to Discord (and Guilded, built on it) and Mattermost as it is, and they read it as
Markdown (``[GOV.UK](https://…)`` a link, ``**…**`` bold) and ping whomever ``@everyone``, ``@here``,
``@channel`` or ``<@id>`` names; in its Markdown mode for Discord, Apprise itself adds a line pinging each
``@name`` of the text. For these services the text is escaped as Apprise escapes
text for a Markdown service (unless Apprise does, in that mode), web addresses apart, which stay links; and
each ``@`` is followed by a zero-width space, which no service reads as a mention.
"""

from __future__ import annotations

import re
from typing import Any

from apprise import NotifyFormat
from apprise.conversion import convert_between
from apprise.plugins.discord import NotifyDiscord
from apprise.plugins.mattermost import NotifyMattermost

_READS_MARKUP_IN_TEXT = (NotifyDiscord, NotifyMattermost)  # Guilded's plugin is Discord's
_WEB_ADDRESS = re.compile(r"https?://\S+")


def _escaped(text: str) -> str:
    """``text`` escaped for Markdown but for its web addresses (a service links them; escaped, none would)."""
    parts, start = [], 0
    for address in _WEB_ADDRESS.finditer(text):
        parts += [convert_between(NotifyFormat.TEXT, NotifyFormat.MARKDOWN, text[start:address.start()]),
                  address.group()]
        start = address.end()
    return "".join([*parts, convert_between(NotifyFormat.TEXT, NotifyFormat.MARKDOWN, text[start:])])


def kept_as_words(service: Any, text: str) -> str:
    """``text`` as ``service`` (an Apprise plugin) shows it word for word: as it is for most services."""
    if not isinstance(service, _READS_MARKUP_IN_TEXT):
        return text
    if service.resolve_format(NotifyFormat.TEXT) == NotifyFormat.TEXT:  # sent as it is: escaped here
        text = _escaped(text)
    return text.replace("@", "@\u200b")
