"""A message's lines as a chat service shows them. Pure.

Teams, reached through a Power Automate workflow (Apprise's ``workflows://``), shows the text in an Adaptive Card's
TextBlock, read as Markdown, where a single line break is no break: the lines of a paragraph run on as one
(Microsoft's "Format cards in Teams": line breaks elsewhere than in a list take ``\\n\\n``). There each line is a
paragraph of its own, and its indent is kept as no-break spaces: four spaces at the start of a paragraph would
make it preformatted text, which a card does not show.

Any other service whose text Apprise sends as Markdown (Rocket.Chat, Google Chat, Webex, or a service given
``?format=markdown``: ntfy, Gotify, Discord's embeds, …) reads it as CommonMark does: the lines of a paragraph are
joined (a line break in it is soft, shown as a space by a renderer keeping to the standard) and the spaces that start
each are stripped, so a commitment's particulars would run on after its sentence. There each line that another
follows ends in a hard break (two spaces), and its indent is kept as no-break spaces.
"""

from __future__ import annotations

from typing import Any

from apprise import NotifyFormat
from apprise.plugins.workflows import NotifyWorkflows

HARD_BREAK = "  "


def _indent_kept(line: str) -> str:
    text = line.lstrip(" ")
    return "\u00a0" * (len(line) - len(text)) + text


def _hard_breaks(text: str) -> str:
    """``text`` with each line that another follows in its paragraph ending in a hard break, indents kept."""
    lines = [_indent_kept(line) for line in text.split("\n")]
    return "\n".join(line + HARD_BREAK if line.strip() and i + 1 < len(lines) and lines[i + 1].strip() else line
                     for i, line in enumerate(lines))


def lines_kept(service: Any, text: str, *, sent_as: NotifyFormat = NotifyFormat.TEXT) -> str:
    """``text`` laid out so that ``service`` (an Apprise plugin) shows each of its lines as a line; ``sent_as``:
    what it is handed to Apprise as (text, which Apprise converts to the service's format, or that format)."""
    if isinstance(service, NotifyWorkflows):
        return "\n\n".join(_indent_kept(line) for line in text.splitlines() if line.strip())
    if sent_as is NotifyFormat.TEXT and service.resolve_format(NotifyFormat.TEXT) == NotifyFormat.MARKDOWN:
        return _hard_breaks(text)
    return text
