"""The search forms of the releases and deadlines pages: what a visitor typed, read from the page's address and
turned into the ledger's own queries. Pure: ``today`` is an argument.

A field left empty is not given (a form sends every field). Anything that cannot be read (a day not written as
YYYY-MM-DD, a range ending before it starts, a page link whose cursor this server did not give) is a
:class:`BrowseErrors` naming each field at fault, shown on the page with a 400, never run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from services.ledger.core.queries import CommitmentQuery, QueryError, decode_cursor
from services.ledger.release_search import ReleaseQuery, cursor_place, release_query

RELEASES_PER_PAGE = 25
DEADLINES_PER_PAGE = 50
MAX_WORDS = 200  # characters of the search box, as the ledger's own ``q``
MAX_CURSOR = 500  # longer than any cursor the ledger gives, as its JSON reads bound it
SHOWS = {"upcoming": "Upcoming, the soonest first", "past": "Passed, the latest first"}
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
BAD_CURSOR = "This page link is not one the dashboard gave (its place in the list cannot be read): " \
             "start again from the first page."


@dataclass(frozen=True)
class BrowseForm:
    """The form as typed (so that a refused one is shown again as it was)."""

    q: str = ""
    start: str = ""  # the range's first day, YYYY-MM-DD ("from" in the address)
    end: str = ""  # its last day ("to")
    show: str = "upcoming"  # deadlines only: upcoming or past
    cursor: str = ""

    def link(self, path: str, cursor: str | None = None) -> str:
        """The address of this search on ``path``, at the page after ``cursor`` (None: the first page)."""
        fields = {"q": self.q, "from": self.start, "to": self.end,
                  "show": self.show if self.show != "upcoming" else "", "cursor": cursor or ""}
        query = urlencode({name: value for name, value in fields.items() if value})
        return f"{path}?{query}" if query else path

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.start or self.end)


@dataclass
class BrowseErrors(Exception):
    """Each field at fault, with what is wrong, in the page's words."""

    errors: list[tuple[str, str]] = field(default_factory=list)

    def at(self, name: str) -> list[str]:
        return [message for field_name, message in self.errors if field_name == name]


def browse_form(params: Mapping[str, str]) -> BrowseForm:
    """The form of a page's parameters (the last value of each; unknown ones ignored, as a page does)."""
    def value(name: str) -> str:
        return (params.get(name) or "").strip()

    return BrowseForm(q=value("q"), start=value("from"), end=value("to"), show=value("show") or "upcoming",
                      cursor=value("cursor"))


def _days(form: BrowseForm, errors: BrowseErrors) -> tuple[date | None, date | None]:
    days: list[date | None] = []
    for name, label, typed in (("from", "From", form.start), ("to", "To", form.end)):
        day = None
        if typed:
            try:
                day = date.fromisoformat(typed) if _DAY.fullmatch(typed) else None
            except ValueError:
                pass
            if day is None:
                errors.errors.append((name, f"{label}: {typed[:40]!r} is not a day: give it as YYYY-MM-DD "
                                            "(such as 2026-12-06)."))
        days.append(day)
    start, end = days
    if start and end and end < start:
        errors.errors.append(("to", "To: the range ends before it starts; give a day on or after “From”."))
    return start, end


def _words(form: BrowseForm, errors: BrowseErrors) -> None:
    if len(form.q) > MAX_WORDS:
        errors.errors.append(("q", f"Words: at most {MAX_WORDS} characters (this has {len(form.q)})."))


def _cursor(form: BrowseForm, errors: BrowseErrors, read: Callable[[str], object]) -> None:
    """The form's cursor, if any, read as the ledger reads it (``read``), so that no page is started with one
    it would refuse."""
    if not form.cursor:
        return
    try:
        if len(form.cursor) > MAX_CURSOR:
            raise QueryError("cursor: too long")
        read(form.cursor)
    except QueryError:
        errors.errors.append(("cursor", BAD_CURSOR))


def release_query_of(form: BrowseForm, *, limit: int = RELEASES_PER_PAGE) -> ReleaseQuery:
    """The ledger's release query of ``form``; :class:`BrowseErrors` when a field cannot be read."""
    errors = BrowseErrors()
    start, end = _days(form, errors)
    _words(form, errors)
    _cursor(form, errors, cursor_place)
    if errors.errors:
        raise errors
    return release_query(limit=limit, cursor=form.cursor or None, q=form.q, published_after=start,
                         published_before=end)


@dataclass(frozen=True)
class DeadlineSearch:
    query: CommitmentQuery | None  # None: the range holds no day of the kind shown (past days, when upcoming)
    latest_first: bool


def deadline_query_of(form: BrowseForm, *, today: date, limit: int = DEADLINES_PER_PAGE) -> DeadlineSearch:
    """The ledger's deadline query of ``form``: upcoming deadlines from ``today`` (UTC) on, the soonest first,
    or those passed (before ``today``), the latest first, within the form's range of days."""
    errors = BrowseErrors()
    start, end = _days(form, errors)
    _words(form, errors)
    if form.show not in SHOWS:
        errors.errors.append(("show", f"Show: {form.show[:40]!r} is not a choice (upcoming or past)."))
    _cursor(form, errors, lambda cursor: decode_cursor(cursor, 2))
    if errors.errors:
        raise errors
    past = form.show == "past"
    if past:
        end = min(end, today - timedelta(days=1)) if end else today - timedelta(days=1)
    else:
        start = max(start, today) if start else today
    if start and end and end < start:
        return DeadlineSearch(None, past)
    return DeadlineSearch(CommitmentQuery(q=form.q or None, due_after=start, due_before=end,
                                          cursor=form.cursor or None, limit=limit), past)
