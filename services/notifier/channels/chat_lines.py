"""A message's lines as a chat service shows them. Pure.

Teams, reached through a Power Automate workflow (Apprise's ``workflows://``), shows the text in an Adaptive Card's
TextBlock, read as Markdown, where a single line break is no break: the lines of a paragraph run on as one
(Microsoft's "Format cards in Teams": line breaks elsewhere than in a list take ``\\n\\n``). There each line is a
paragraph of its own, and its indent is kept as no-break spaces: four spaces at the start of a paragraph would
make it preformatted text, which a card does not show.
"""

from __future__ import annotations

from typing import Any

from apprise.plugins.workflows import NotifyWorkflows


def _indent_kept(line: str) -> str:
    text = line.lstrip(" ")
    return "\u00a0" * (len(line) - len(text)) + text


def lines_kept(service: Any, text: str) -> str:
    """``text`` laid out so that ``service`` (an Apprise plugin) shows each of its lines as a line."""
    if not isinstance(service, NotifyWorkflows):
        return text
    return "\n\n".join(_indent_kept(line) for line in text.splitlines() if line.strip())
