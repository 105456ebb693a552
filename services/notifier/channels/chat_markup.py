"""A release's words kept as words on the chat services that read Markdown and mentions in plain text. Pure.

Apprise sends plain text to Discord (and Guilded, built on it) and Mattermost as it is, and they read it as
Markdown (``[GOV.UK](https://…)`` a link, ``**…**`` bold) and ping whomever ``@everyone``, ``@here``,
``@channel`` or ``<@id>`` names; in its Markdown mode for Discord, Apprise itself adds a line pinging each
``@name`` of the text. For these services the text is escaped as Apprise escapes
text for a Markdown service (unless Apprise does, in that mode), web addresses apart, which stay links; and
each ``@`` is followed by a zero-width space, which no service reads as a mention, or, in a web address, is
written ``%40``, which keeps the link whole.
"""

from __future__ import annotations

import re
from typing import Any

from apprise import NotifyFormat
from apprise.conversion import convert_between
from apprise.plugins.discord import NotifyDiscord
from apprise.plugins.mattermost import NotifyMattermost

_READS_MARKUP_IN_TEXT = (NotifyDiscord, NotifyMattermost)  # Guilded's plugin is Discord's
_WEB_ADDRESS = re.compile(r"(?:https?://|mailto:)\S+")


def _words(text: str, *, escape: bool) -> str:
    """``text`` (no web address in it) escaped for Markdown if ``escape``, no ``@`` of it read as a mention."""
    text = convert_between(NotifyFormat.TEXT, NotifyFormat.MARKDOWN, text) if escape else text
    return text.replace("@", "@\u200b")


def kept_as_words(service: Any, text: str) -> str:
    """``text`` as ``service`` (an Apprise plugin) shows it word for word: as it is for most services."""
    if not isinstance(service, _READS_MARKUP_IN_TEXT):
        return text
    escape = service.resolve_format(NotifyFormat.TEXT) == NotifyFormat.TEXT  # sent as it is: escaped here
    parts, start = [], 0
    for address in _WEB_ADDRESS.finditer(text):
        # A zero-width space would end the link at the "@"; "%40" is the same address, and no mention
        parts += [_words(text[start:address.start()], escape=escape), address.group().replace("@", "%40")]
        start = address.end()
    return "".join([*parts, _words(text[start:], escape=escape)])
