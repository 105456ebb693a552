"""A chat message cut to the length its service takes: whole lines, then a line saying it was cut and where the
whole of it is. Pure.

Apprise leaves a message's length to the service by default, and a service refuses one that is too long
(Telegram past 4096 characters, Discord past 2000): a digest, or an alert of many commitments, would never
arrive. One message cut short is sent instead of several pieces, which a retry would send again in part.
"""

from __future__ import annotations

from collections.abc import Callable

from services.common.graphemes import longest_start

# The characters a title may have on a service with no bound of its own for it (it shows it in the body): a
# release's title is the message's, and a 10 KB one would leave the body no room.
TITLE_MOST = 250


def title_room(*, title_max: int, body_max: int) -> int:
    """The characters a title may have: the service's bound for it, else :data:`TITLE_MOST`, and never more
    than a quarter of the body's (``body_max``), which is the message."""
    return min(title_max if title_max > 0 else TITLE_MOST, body_max // 4)


def body_room(*, body_max: int, title_length: int, title_max: int, title_in_body: bool) -> int:
    """The characters the body may have on a service taking ``body_max`` (``title_max`` for its title; a service
    with no title, or one counting the title in the body, has it, ``title_length`` long, joined to the body, on a
    line of its own)."""
    return max(0, body_max - (title_length + 2 if title_max <= 0 or title_in_body else 0))


def utf16_length(text: str) -> int:
    """``text``'s length in UTF-16 code units, as JavaScript counts it: a character past U+FFFF (most emoji)
    counts two. Never fewer than its characters: a limit kept in these is kept in characters too."""
    return len(text.encode("utf-16-le")) // 2


def _most_that_fit(count: int, fits: Callable[[int], bool]) -> int:
    """The largest n in 0..count with ``fits(n)``, ``fits`` holding for every n up to some point."""
    low, high = 0, count
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle) else (low, middle - 1)
    return low


def cut_line(line: str, room: int, *, length: Callable[[str], int] = len) -> str:
    """``line`` when it fits in ``room`` (as ``length`` counts it); else as many of its first characters as fit,
    then an ellipsis ("" when not even that fits). It is cut between characters as a reader sees them (grapheme
    clusters: a flag, an emoji with its skin tone, a letter with its accents), never inside one, but for a first
    one too long alone (a letter under hundreds of combining marks), cut between its code points."""
    if length(line) <= room:
        return line
    kept = longest_start(line, lambda cut: length(f"{cut}\u2026") <= room)
    return f"{kept}\u2026" if kept else ""


def cut_to(body: str, room: int, *, whole_at: str | None, length: Callable[[str], int] = len) -> str:
    """``body`` when it fits in ``room`` (as ``length`` counts it: the service's, after any escaping); else its
    first lines that fit and a last line saying it was cut, with ``whole_at`` (where the whole of it can be read)
    when there is one. A first line too long on its own is cut in the middle."""
    if length(body) <= room:
        return body
    note = (f"\u2026 cut short: read the whole of it at {whole_at}" if whole_at
            else "\u2026 cut short: too long for this service")
    lines = body.split("\n")
    kept = _most_that_fit(len(lines), lambda n: length("\n".join([*lines[:n], note])) <= room)
    if kept:
        return "\n".join([*lines[:kept], note])
    first = cut_line(lines[0], room, length=lambda cut: length(f"{cut}\n{note}"))
    return f"{first}\n{note}" if first else longest_start(note, lambda cut: length(cut) <= room)
