"""What ``pledgewatch classify`` reads besides release files: a text on standard input (the PATH ``-``), and
the ``--published`` date that dates a text which gives none (a date a file gives is its own), which
``pledgewatch ingest`` takes too."""

from __future__ import annotations

import argparse
from datetime import datetime, timezone
from typing import BinaryIO

PUBLISHED_HINT = "pass --published YYYY-MM-DD"
PUBLISHED_HELP = ("the publication date (YYYY-MM-DD, or an ISO 8601 time with its zone) that deadlines resolve "
                  "against, for a text that gives none (a file's date in its name, front matter, JSON or page is "
                  "kept)")


class StandardInput:
    """The PATH ``-``: the release text comes on standard input."""

    def __str__(self) -> str:
        return "-"


STDIN_PATH = StandardInput()


def published_option(text: str) -> datetime:
    """A ``--published`` argument: an ISO 8601 date (midnight UTC) or date-time with its zone, within the bounds
    ingest admits a publication time within (1900-01-01 to a day after now)."""
    from services.ingest.admission import check_published_at
    from services.ingest.files import publication_time

    try:
        published_at = publication_time(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    problem = check_published_at(published_at, now=datetime.now(timezone.utc))
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return published_at


def own_date_note(name: str, given: datetime, own: datetime) -> str | None:
    """The line that tells the ``--published`` date ``given`` was not used, the text ``name`` giving its own date
    ``own`` (the one it is published with); None when the two are the same time."""
    if own == given:
        return None
    return (f"note: {name} gives its own date, {_day_or_time(own)}: --published {_day_or_time(given)} is not used "
            "(it dates only a text that gives none)")


def _day_or_time(when: datetime) -> str:
    """``2019-05-15`` for midnight UTC, as a day alone is read; else the time in UTC (``2019-05-15T09:30:00Z``)."""
    utc = when.astimezone(timezone.utc)
    if utc == utc.replace(hour=0, minute=0, second=0, microsecond=0):
        return utc.date().isoformat()
    return utc.isoformat().replace("+00:00", "Z")


def read_piped_text(stream: BinaryIO | None, *, max_bytes: int) -> bytes:
    """The bytes on ``stream`` (standard input), up to ``max_bytes``; a ReleaseFileError when there is no such
    stream, nothing on it, or more than ``max_bytes``."""
    from services.ingest.files import STDIN, ReleaseFileError

    if stream is None:
        raise ReleaseFileError(f"{STDIN}: no standard input (pipe the text in: `pledgewatch classify - < note.txt`)")
    raw = stream.read(max_bytes + 1)
    if not raw:
        raise ReleaseFileError(f"{STDIN}: empty (nothing came on standard input)")
    if len(raw) > max_bytes:
        raise ReleaseFileError(f"{STDIN}: over the {max_bytes}-byte limit "
                               "(PLEDGEWATCH_MAX_RELEASE_BYTES: raise it to admit larger texts)")
    return raw
