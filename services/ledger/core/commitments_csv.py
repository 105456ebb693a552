"""Commitments as CSV, one row each, for a spreadsheet: what ``GET /ledger/commitments.csv`` answers. Pure."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import timezone

from schemas.classified import Deadline
from services.common.logs import escape_scoped_controls
from services.notifier.reminders import due_date

from .entries import LedgerEntry

COLUMNS = ("key", "state", "published_at", "release_id", "release_title", "release_url", "source", "actor", "kind",
           "category", "counter_terrorism", "confidence", "money", "amount", "currency", "deadlines", "versions",
           "text")
# A spreadsheet runs a cell starting with one of these as a formula (``=HYPERLINK(…)`` in a release's words would
# be a link it follows), even behind whitespace, which some trim as they read a cell: such a cell is written as
# text, behind an apostrophe. So is one starting with a tab, a carriage return or a NUL (OWASP's CSV injection
# guidance, ASVS 1.2.10), which a spreadsheet may drop or read as a cell's end before what follows.
FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r", "\x00")
# Spreadsheets read a file as UTF-8 by this mark, and "£" or "é" as two other characters without it.
BYTE_ORDER_MARK = "\ufeff"


def commitments_csv(entries: Iterable[LedgerEntry]) -> str:
    """The header and one row per entry, in the order given."""
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([_as_text(cell) for cell in _row(entry)] for entry in entries)
    return out.getvalue()


def _row(entry: LedgerEntry) -> list[object]:
    c = entry.commitment
    money = c.money
    # One zone for the whole column, so that it sorts as text and a day read off it is the day the lists show.
    published = entry.published_at.astimezone(timezone.utc).isoformat()
    return [entry.key, entry.state.value, published, entry.release_id, entry.title, entry.url,
            entry.source, c.actor, c.kind.value, c.category.value, c.counter_terrorism, c.confidence,
            money.text if money else "", _amount(money.amount) if money else "", money.currency if money else "",
            "; ".join(_deadline(d) for d in c.deadlines), ";".join(map(str, entry.versions)), c.text]


def _amount(amount: float) -> str:
    return str(int(amount)) if amount == int(amount) else str(amount)


def _deadline(deadline: Deadline) -> str:
    day = due_date(deadline)
    return f"{deadline.text} ({day.isoformat()})" if day else deadline.text


def _as_text(cell: object) -> object:
    if isinstance(cell, str):
        # a bidi embedding, override or isolate would reorder the cell as shown: written as a console writes it
        cell = escape_scoped_controls(cell)
    if isinstance(cell, str) and (cell.startswith(CONTROL_STARTS) or cell.lstrip().startswith(FORMULA_STARTS)):
        return "'" + cell
    return "true" if cell is True else "false" if cell is False else cell
