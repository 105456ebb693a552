"""The search forms of the releases and deadlines pages: what a visitor typed, read from the page's address and
turned into the ledger's own queries. Pure: ``today`` is an argument.

A field left empty is not given (a form sends every field). Anything that cannot be read (a day not written as
YYYY-MM-DD, a range ending before it starts, a page link whose cursor this server did not give) is a
:class:`BrowseErrors` naming each field at fault, shown on the page with a 400, never run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from urllib.parse import urlencode

from services.ledger.core.amounts import AmountRange, amount_range
from services.ledger.core.cursors import decode_cursor
from services.ledger.core.entries import LIVE
from services.ledger.core.queries import MAX_PAGE, CommitmentQuery, QueryError
from services.ledger.core.search_text import WORDLESS, wordless
from services.ledger.release_search import ReleaseQuery, cursor_place, release_query

RELEASES_PER_PAGE = 25
DEADLINES_PER_PAGE = 50
MAX_WORDS = 200  # characters of the search box, as the ledger's own ``q``
MAX_CURSOR = 500  # longer than any cursor the ledger gives, as its JSON reads bound it
MAX_BACK = 20  # pages a page's links know the way back through (each a cursor in the address)
FIRST_PAGE = "first"  # the first page's place in the way back (it has no cursor; no cursor reads so)
SHOWS = {"upcoming": "Upcoming, the soonest first", "past": "Passed, the latest first"}
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"[1-9]\d{0,8}")  # of a page's first item ("n"), and after "~" in a way back's place
BAD_CURSOR = "This page link is not one the dashboard gave (its place in the list cannot be read): " \
             "start again from the first page."


@dataclass(frozen=True)
class BrowseForm:
    """The form as typed (so that a refused one is shown again as it was)."""

    q: str = ""
    start: str = ""  # the range's first day, YYYY-MM-DD ("from" in the address)
    end: str = ""  # its last day ("to")
    show: str = "upcoming"  # deadlines only: upcoming or past
    min_amount: str = ""  # deadlines only: a range of their commitments' amounts, in ``currency``
    max_amount: str = ""
    currency: str = ""
    cursor: str = ""
    back: str = ""  # the cursors the pages before this one were opened with, the latest last, "."-joined
    number: str = ""  # the number of this page's first item ("n"), past the first page

    def link(self, path: str, cursor: str | None = None, back: Sequence[str] = (), number: int = 1) -> str:
        """The address of this search on ``path``, at the page after ``cursor`` (None: the first page), whose
        way back is ``back`` and whose first item is numbered ``number``."""
        fields = {"q": self.q, "from": self.start, "to": self.end,
                  "show": self.show if self.show != "upcoming" else "", **self.money, "cursor": cursor or "",
                  "back": ".".join(back), "n": str(number) if cursor and number > 1 else ""}
        query = urlencode({name: value for name, value in fields.items() if value})
        return f"{path}?{query}" if query else path

    @property
    def money(self) -> dict[str, str]:
        """The range of amounts as typed, by the names the form and the ledger's queries give them."""
        return {"min_amount": self.min_amount, "max_amount": self.max_amount, "currency": self.currency}

    @property
    def pages_back(self) -> list[str]:
        return self.back.split(".") if self.back else []

    @property
    def first_number(self) -> int:
        """The number of this page's first item: 1 on the first page, else as its address says (1 when it says
        nothing, as a page link given before pages were numbered on)."""
        return int(self.number) if self.cursor and _NUMBER.fullmatch(self.number) else 1

    def next_link(self, path: str, cursor: str) -> str:
        """The page after this one, at ``cursor``, knowing the way back to this one (and the
        :data:`MAX_BACK` - 1 pages before it), each place with the number of its page's first item."""
        here = FIRST_PAGE if not self.cursor else \
            f"{self.cursor}~{self.first_number}" if self.first_number > 1 else self.cursor
        return self.link(path, cursor, [*self.pages_back, here][-MAX_BACK:])

    def numbered(self, next_link: str, shown: int) -> str:
        """``next_link`` (:meth:`next_link`'s) numbering the next page on from this one, which shows ``shown``
        items."""
        return f"{next_link}&{urlencode({'n': self.first_number + shown})}"

    def previous_link(self, path: str) -> str | None:
        """The page before this one, opened again at the cursor it was opened with and numbered as it was; None
        on the first page and on one past the pages kept (:data:`MAX_BACK`)."""
        back = self.pages_back
        if not back:
            return None
        cursor, number = _place(back[-1])
        return self.link(path, None if cursor == FIRST_PAGE else cursor, back[:-1], number)

    def other_show_link(self, path: str) -> str:
        """This search's first page showing the other kind of deadlines (passed ones for upcoming, and back)."""
        other = "upcoming" if self.show == "past" else "past"
        return replace(self, show=other, cursor="", back="", number="").link(path)

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.start or self.end or any(self.money.values()))


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
                      min_amount=value("min_amount"), max_amount=value("max_amount"), currency=value("currency"),
                      cursor=value("cursor"), back=value("back"), number=value("n"))


def _place(entry: str) -> tuple[str, int]:
    """The cursor and first item's number of a place of the way back (``cursor~number``; the number 1 when not
    written); a :class:`QueryError` for a number the dashboard did not write."""
    cursor, _, number = entry.partition("~")
    if number and not _NUMBER.fullmatch(number):
        raise QueryError("back: not one the dashboard gave")
    return cursor, int(number or 1)


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
    elif wordless(form.q):  # searched, it would show every one as found
        errors.errors.append(("q", f"Words: {form.q[:40]!r} {WORDLESS}: type a word, or clear the box."))


# The labels of the range's fields, as the page names them in its messages.
MONEY_LABELS = {"min_amount": "Money from", "max_amount": "Money to", "currency": "Currency"}


def money_worded(message: str) -> str:
    """A refusal of a range of amounts with the bounds it names (``min_amount``) named by their labels."""
    for name in ("min_amount", "max_amount"):
        message = message.replace(name, f"“{MONEY_LABELS[name]}”")
    return message


def _money(form: BrowseForm, errors: BrowseErrors) -> AmountRange | None:
    """The range of amounts typed, read as the ledger reads ``min_amount``, ``max_amount`` and ``currency``."""
    try:
        return amount_range(**{name: typed or None for name, typed in form.money.items()})
    except QueryError as exc:
        name, _, message = str(exc).partition(": ")
        errors.errors.append((name, f"{MONEY_LABELS[name]}: {money_worded(message)}."))
        return None


def _cursor(form: BrowseForm, errors: BrowseErrors, read: Callable[[str], object]) -> None:
    """The form's cursor, if any, and those of its way back, read as the ledger reads them (``read``), so that no
    page is started with one it would refuse, nor a link to one written. A way back is the dashboard's only
    beside a cursor, at most :data:`MAX_BACK` long, starting at the first page when it reaches back that far."""
    back = form.pages_back
    try:
        if len(back) > MAX_BACK or (back and not form.cursor):
            raise QueryError("back: not one the dashboard gave")
        for i, entry in enumerate([*back, form.cursor] if form.cursor else []):
            cursor = _place(entry)[0] if i < len(back) else entry
            if i == 0 and cursor == FIRST_PAGE:
                continue
            if len(cursor) > MAX_CURSOR:
                raise QueryError("cursor: too long")
            read(cursor)
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
    # The days typed reach to the other side of today: they hold deadlines of the other kind, which are not shown.
    other_days: bool = False

    def csv_link(self, form: BrowseForm) -> str | None:
        """The address of the commitments of these deadlines as CSV (``/ledger/commitments.csv``): the same words,
        days, range of amounts, and commitments still made, as the page lists them; None when it lists none."""
        if self.query is None:
            return None
        days = {"due_after": self.query.due_after, "due_before": self.query.due_before}
        fields = {"q": form.q, **{name: day.isoformat() for name, day in days.items() if day},
                  "state": ",".join(state.value for state in LIVE), **form.money, "limit": str(MAX_PAGE)}
        return f"/ledger/commitments.csv?{urlencode({name: value for name, value in fields.items() if value})}"


def deadline_query_of(form: BrowseForm, *, today: date, limit: int = DEADLINES_PER_PAGE) -> DeadlineSearch:
    """The ledger's deadline query of ``form``: upcoming deadlines from ``today`` (UTC) on, the soonest first,
    or those passed (before ``today``), the latest first, within the form's range of days."""
    errors = BrowseErrors()
    start, end = _days(form, errors)
    _words(form, errors)
    if form.show not in SHOWS:
        errors.errors.append(("show", f"Show: {form.show[:40]!r} is not a choice (upcoming or past)."))
    money = _money(form, errors)
    _cursor(form, errors, lambda cursor: decode_cursor(cursor, "deadlines"))
    if errors.errors:
        raise errors
    past = form.show == "past"
    typed = start is not None or end is not None  # else every day: the default page, which says nothing of it
    if past:
        other_days = typed and (end is None or end >= today)
        end = min(end, today - timedelta(days=1)) if end else today - timedelta(days=1)
    else:
        other_days = typed and (start is None or start < today)
        start = max(start, today) if start else today
    if start and end and end < start:
        return DeadlineSearch(None, past, other_days)
    amounts = {} if money is None else {"currency": money.currency, "min_amount": money.low, "max_amount": money.high}
    return DeadlineSearch(CommitmentQuery(q=form.q or None, due_after=start, due_before=end, **amounts,
                                          cursor=form.cursor or None, limit=limit), past, other_days)
