"""A message's plain text written in the HTML Telegram reads, its structure kept. Pure.

The plain text (:mod:`..rendering`) is laid out in lines of a few kinds: headings underlined (``====``, ``####``
or ``----`` of their length), list items (``- Pledge by UK: …``), each with its particulars indented four spaces
(``    money: …``), blank lines between parts, and lines of text. Handed to Apprise as text, a Telegram message in
HTML (Telegram's default) loses that layout: Apprise writes the text as HTML and reduces it to the tags Telegram
takes, which drops every blank line and every indent, so the particulars of one commitment run on into the next.

Here the text is written as HTML instead, every word of it escaped: headings bold, and the particulars of an item
as a list under it, which Apprise's reduction writes as indented ``  - `` lines (the only indent it keeps: it
strips the spaces that start a line). Blank lines are kept as line breaks inside text, where the reduction keeps
them; after a list it would drop them (whitespace after a block is taken as the HTML's own layout), so the blank
lines that follow a list are written inside its last entry.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from enum import Enum

_UNDERLINES = ("=", "#", "-")
DETAIL_INDENT = "    "
ITEM_MARK = "- "


class Kind(Enum):
    HEADING = "heading"
    ITEM = "item"
    DETAIL = "detail"  # a particular of the item above it
    TEXT = "text"
    BLANK = "blank"


@dataclass(frozen=True)
class Line:
    kind: Kind
    words: str  # without the underline, the item's mark or the detail's indent


def _underlines(line: str, heading: str) -> bool:
    return bool(heading.strip()) and len(line) == len(heading) and any(line == c * len(line) for c in _UNDERLINES)


def read_lines(text: str) -> list[Line]:
    """``text`` (plain text with its headings underlined) as lines of their kinds; a particular with no item
    above it is a line of text."""
    raw = text.rstrip("\n").split("\n")
    lines: list[Line] = []
    i = 0
    while i < len(raw):
        line = raw[i]
        if i + 1 < len(raw) and _underlines(raw[i + 1], line):
            lines.append(Line(Kind.HEADING, line))
            i += 2
            continue
        if not line.strip():
            lines.append(Line(Kind.BLANK, ""))
        elif line.startswith(ITEM_MARK):
            lines.append(Line(Kind.ITEM, line[len(ITEM_MARK):]))
        elif line.startswith(DETAIL_INDENT) and lines and lines[-1].kind in (Kind.ITEM, Kind.DETAIL):
            lines.append(Line(Kind.DETAIL, line.strip()))
        else:
            lines.append(Line(Kind.TEXT, line))
        i += 1
    return lines


def shown_text(text: str) -> str:
    """What a reader sees of :func:`telegram_html` (``text`` so written): Telegram counts a message's length so,
    after its markup."""
    shown = []
    for line in read_lines(text):
        prefix = {Kind.ITEM: ITEM_MARK, Kind.DETAIL: "  " + ITEM_MARK}.get(line.kind, "")
        shown.append(prefix + line.words)
    return "\n".join(shown)


def telegram_html(text: str) -> str:
    """``text`` (plain text with its headings underlined) as Telegram's HTML, for Apprise to reduce: every word
    escaped, headings bold, each item's particulars a list under it, blank lines kept."""
    lines = read_lines(text)
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.kind is Kind.DETAIL:
            details = []
            while i < len(lines) and lines[i].kind is Kind.DETAIL:
                details.append(html.escape(lines[i].words, quote=False))
                i += 1
            blanks = 0
            while i < len(lines) and lines[i].kind is Kind.BLANK:
                blanks += 1
                i += 1
            # the line break ending the item above is the list's own; the blank lines after it go in its last entry
            if out and out[-1] == "\n":
                out.pop()
            details[-1] += "\n" * (blanks + 1 if blanks else 0)
            out.append("<ul><ul>" + "".join(f"<li>{d}</li>" for d in details) + "</ul></ul>")
            continue
        words = html.escape(line.words, quote=False)
        if line.kind is Kind.HEADING:
            out.append(f"<b>{words}</b>\n")
        elif line.kind is Kind.ITEM:
            out.append(f"{ITEM_MARK}{words}\n")
        else:
            out.append(f"{words}\n")
        i += 1
    return "".join(out).rstrip("\n")
