"""The ledger's query API (JSON, and the deadlines of a subscription as an iCalendar feed), served by the ledger.

GET /ledger/commitments: filtered by every subscription criterion, the deadline window, state and words,
    the latest first; GET /ledger/commitments/{key}: one, with its history and every announcement of it;
GET /ledger/releases: the latest first, each saying whether it is withdrawn (``withdrawn=true|false`` selects by
    it), searched by words of the title or source (``q``) and days of publication (``published_after``,
    ``published_before``); GET /ledger/releases/{release_id}: its commitments with their spans;
GET /ledger/deadlines: dated deadlines from today (or ``due_after``), soonest first (``order=latest``: back from the
    window's end), the same filters;
GET /subscriptions/{id}/deadlines.ics: the deadlines that subscription's filter selects, with its reminders;
POST /ledger/backtest: the alerts a filter would have sent since a time.
Lists are pages of at most 200 (``limit``), the next one asked for with ``cursor``, as given in ``next_cursor``.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timezone
from enum import Enum
from typing import Annotated, Literal

from fastapi import Depends, Path, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from schemas.classified import Category, Kind

from services.common.api import ApiError, Routes, answers, field_error
from services.common.conditional import CONDITIONAL_ANSWERS, Validators, conditional_answer, strong_etag
from services.common.cpu_work import CpuWork
from services.common.errors import field_errors
from services.common.representation_times import first_served
from services.common.request_json import read_json_body
from services.notifier.subscriptions import Subscription
from services.notifier.unreadable import readable

from .core.amounts import CURRENCIES
from .core.backtest import backtest
from .core.commitments_csv import commitments_csv
from .core.entries import EntryState, LedgerEntry
from .core.calendar_feed import deadlines_calendar
from .core.cursors import Listed, decode_cursor
from .core.queries import (LISTS, MAX_PAGE, CommitmentQuery, QueryError, commitments_page, deadlines_in, parse_query,
                           refuse_empty, selector)
from .calendar_memo import CalendarMemo
from .index import LedgerIndex
from .models import (BacktestAlert, BacktestAnswer, BacktestRequest, CommitmentDetail, CommitmentPage, DeadlinePage, DueDeadline, ReleaseDetail, ReleasePage,
                     ReleaseSummary)
from .reading import deadline_due_on, release_summaries
from .release_search import release_query, releases_page
from .store import LedgerStore, calendar_served_key


def _values(values: type[Enum]) -> str:
    """The description of a list parameter of an enumeration's values, naming them (not an enum in the document:
    ``a,b`` is one value of the query string, and two of the list)."""
    return f"Repeat it, or separate values with commas: {', '.join(str(v.value) for v in values)}."


Categories = Annotated[list[str] | None, Query(description=_values(Category))]
Kinds = Annotated[list[str] | None, Query(description=_values(Kind))]
States = Annotated[list[str] | None, Query(description=_values(EntryState))]

CALENDAR = "text/calendar; charset=utf-8"
CSV = "text/csv; charset=utf-8"
BACKTEST_SHOWN = 100  # alerts listed in a backtest's answer (all are counted)


def _parameters(request: Request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        params.setdefault(name, []).append(value)
    return params


def _field_error(exc: QueryError) -> ApiError:
    name, _, message = str(exc).partition(": ")
    return field_error(422, name, message)


def _query_names(dependant: Dependant) -> set[str]:
    """The query parameters a route declares, its dependencies' included."""
    return {p.alias for p in dependant.query_params}.union(*(_query_names(d) for d in dependant.dependencies))


def known_parameters_given(request: Request) -> None:
    """Every parameter is one the route takes (a filter's own plural names too), and has a value: ``?page=2`` is
    refused as ``/ledger/commitments`` refuses it, and ``?limit=`` in the same words as ``?category=``, before the
    parameters' types are checked (a route's own dependency runs first)."""
    params = _parameters(request)
    known = _query_names(request.scope["route"].dependant)
    plurals = {LISTS[name] for name in known if name in LISTS}  # of the filters this route takes, not another's
    try:
        if unknown := sorted(set(params) - known - plurals):
            raise QueryError(f"{unknown[0]}: not a query parameter (known: {', '.join(sorted(known))})")
        refuse_empty(params)
    except QueryError as exc:
        raise _field_error(exc) from None


class LedgerQuery:
    """The query of a request's parameters, for the list ``listed`` (whose cursors it takes); ``also``: those its
    route reads itself (``order`` of deadlines)."""

    def __init__(self, listed: Listed, *also: str) -> None:
        self.listed, self.also = listed, also

    def __call__(
        self,
        request: Request,
        counter_terrorism: Annotated[bool | None, Query(description="true: counter-terrorism ones only.")] = None,
        category: Categories = None, kind: Kinds = None, state: States = None,
        actor: Annotated[list[str] | None, Query(description=(
            "Words of the actor (any of them), without case or accents."))] = None,
        keyword: Annotated[list[str] | None, Query(description=(
            "A word or phrase of the text (any of them), without case or accents."))] = None,
        source: Annotated[list[str] | None, Query(description="Source names; a trailing * matches a prefix.")] = None,
        min_confidence: Annotated[float | None, Query(ge=0, le=1, allow_inf_nan=False)] = None,
        due_after: Annotated[date | None, Query(description="A deadline falls due on or after this day.")] = None,
        due_before: Annotated[date | None, Query(description="A deadline falls due on or before this day.")] = None,
        q: Annotated[str | None, Query(max_length=200, description=(
            "Words of the commitment, its actor or its release's title (all of them), without case or accents; "
            'a phrase in double quotes: its words together. Money outside quotes is matched as the commitment\'s '
            "money, any of the amounts written: £10m, NZ$ 4.5m, AUD 20m, 10m pounds or 3 million US dollars in that "
            "currency ($ any dollar), a range (£10m-£20m) as its upper bound, 10m or 10 million (a scale, no "
            "currency) in any currency, £, A$ or GBP alone any amount in it; a number alone (2024) is words."))] = None,
        min_amount: Annotated[str | None, Query(max_length=40, description=(
            "Its money is at least this amount, in `currency` (needed with it): a number, such as 10000000, or with "
            "its scale, 10m (k, m, bn, …). Amounts in the words of `q` (£10m) are matched as amounts too, equal."
        ))] = None,
        max_amount: Annotated[str | None, Query(max_length=40, description=(
            "Its money is at most this amount, in `currency` (needed with it), written as `min_amount`."))] = None,
        currency: Annotated[str | None, Query(max_length=40, description=(
            f"Its money is in this currency (ISO 4217, any case): {', '.join(CURRENCIES)}; or its sign, £, €, US$, "
            "A$, C$ or NZ$ ($ alone, any of four dollars, is a 422 naming them)."))] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
        cursor: Annotated[str | None, Query(max_length=500, description="``next_cursor`` of the page before.")] = None,
    ) -> CommitmentQuery:
        """The parameters above document them and check their types; :func:`parse_query` reads them (repeats,
        commas, unknown names refused, the window checked)."""
        try:
            query = parse_query(_parameters(request), also=self.also)
            if query.cursor is not None:
                decode_cursor(query.cursor, self.listed)  # refused here, not halfway through a page
            return query
        except QueryError as exc:
            raise _field_error(exc) from None


Query_ = Annotated[CommitmentQuery, Depends(LedgerQuery("commitments"))]
DeadlineQuery = Annotated[CommitmentQuery, Depends(LedgerQuery("deadlines", "order"))]
DeadlineOrder = Annotated[Literal["soonest", "latest"], Query(description=(
    "soonest (the default): from the window's start (today, or due_after) on; latest: back from its end "
    "(due_before, or the farthest deadline). Give the next page the same order as its cursor's page."))]


def _with_cursor(request: Request, cursor: str) -> str:
    """The path and query of ``request`` asking for the page after ``cursor`` (its other parameters as given)."""
    params = [(name, value) for name, value in request.query_params.multi_items() if name != "cursor"]
    return f"{request.url.path}?{urlencode([*params, ('cursor', cursor)])}"


def _calendar_of(raws: list[bytes], *, name: str, offsets: list[str], remind_at: time, zone: str | None) -> bytes:
    """The calendar of the stored entries ``raws``: parsed and made in a worker thread (seconds for thousands)."""
    return deadlines_calendar([LedgerEntry.model_validate_json(raw) for raw in raws], name=name, offsets=offsets,
                              remind_at=remind_at, zone=zone)


def _json(answer: BaseModel) -> Response:
    """``answer`` written once by pydantic (a returned model would be validated again and written twice)."""
    return Response(answer.model_dump_json(), media_type="application/json")


_CSV_FILE = 'attachment; filename="commitments.csv"'
# The OpenAPI ``headers`` of a page of commitments as CSV: the next page's address, and the file it is saved as.
CSV_PAGE_HEADERS = {
    "Link": {"description": "The next page's address, `</ledger/commitments.csv?…&cursor=…>; rel=\"next\"` "
                            "(RFC 8288), the same parameters with the cursor; absent on the last page.",
             "schema": {"type": "string"}},
    "Content-Disposition": {"description": f"`{_CSV_FILE}`: saved as a file, not shown.",
                            "schema": {"type": "string"}},
}


def ledger_routes(store: Callable[[], LedgerStore], index: Callable[[], LedgerIndex], *,
                  subscription: Callable[[str], Awaitable[Subscription | None]], remind_at: time,
                  clock: Callable[[], datetime]) -> Routes:
    """The routes over ``store`` (whole entries) and ``index`` (the cards every query is answered from);
    ``subscription`` finds a subscription by id, ``remind_at`` is when on a day reminders go out."""
    made, cpu = CalendarMemo(), CpuWork()

    async def commitments(query: Query_) -> Response:
        page = commitments_page(await index().cards(), query)
        # The entries as stored are the answer's items: passed on as they are, not parsed and written again.
        raws = await store().raw_entries([c.key for c in page.items])
        body = b'{"commitments":[%s],"next_cursor":%s}' % (b",".join(raws), json.dumps(page.next_cursor).encode())
        return Response(body, media_type="application/json")

    async def commitments_as_csv(request: Request, query: Query_) -> Response:
        page = commitments_page(await index().cards(), query)
        entries = await store().entries([c.key for c in page.items])
        headers = {"Content-Disposition": _CSV_FILE}
        if page.next_cursor is not None:
            headers["Link"] = f'<{_with_cursor(request, page.next_cursor)}>; rel="next"'
        return Response(commitments_csv(entries), media_type=CSV, headers=headers)

    async def commitment(key: Annotated[str, Path(max_length=200, description=(
            "Its ledger key, or any id it has had (alerts carry its current one)."))]) -> Response:
        entry = await store().entry_by_id(key)
        if entry is None:
            raise field_error(404, "key", f"no commitment {key!r} in the ledger")
        chain = await store().chain(entry.chain or entry.key)
        return _json(CommitmentDetail(commitment=entry, announcements=chain if len(chain) > 1 else []))

    async def releases(limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
                       cursor: Annotated[str | None, Query(max_length=500)] = None,
                       withdrawn: Annotated[bool | None, Query(description=(
                           "true: only the withdrawn releases; false: only those not withdrawn."))] = None,
                       q: Annotated[str | None, Query(max_length=200, description=(
                           "Words of the title or the source (all of them), without case or accents; a phrase in "
                           'double quotes: its words together; money as for /ledger/commitments (£10m, 10m, £; a '
                           'range, £10m-£20m, is its upper bound, as the classifier records it), '
                           'any of the amounts written, among those the title writes with their currency.'
                       ))] = None,
                       published_after: Annotated[date | None, Query(description=(
                           "Published on or after this day (UTC)."))] = None,
                       published_before: Annotated[date | None, Query(description=(
                           "Published on or before this day (UTC)."))] = None,
                       ) -> Response:
        try:
            query = release_query(limit=limit, cursor=cursor, withdrawn=withdrawn, q=q,
                                  published_after=published_after, published_before=published_before)
        except QueryError as exc:
            raise _field_error(exc) from None
        found = await releases_page(store(), query)
        return _json(ReleasePage(releases=found.releases, next_cursor=found.next_cursor))

    async def release(release_id: Annotated[str, Path(max_length=500)]) -> Response:
        (record,) = await store().release_records([release_id])
        if record is None:
            raise field_error(404, "release_id", f"no release {release_id!r} in the ledger")
        entries = await store().entries(record.keys)
        summary = ReleaseSummary.of_record(release_id, record, entries[0] if entries else None,
                                           [e.state.value for e in entries])
        return _json(ReleaseDetail(**summary.model_dump(), entries=entries))

    async def deadlines(query: DeadlineQuery, order: DeadlineOrder = "soonest") -> Response:
        today = clock().date()
        if query.due_after is None and (query.due_before is None or query.due_before >= today):
            query = query.model_copy(update={"due_after": today})  # a due_before passed looks back: from the first
        items, next_cursor = deadlines_in(await index().due_order(), query, latest_first=order == "latest")
        entries = {e.key: e for e in await store().entries(list(dict.fromkeys(i.card.key for i in items)))}
        due = [DueDeadline(due=date.fromordinal(i.due), deadline=deadline_due_on(entries[i.card.key], i.due),
                           commitment=entries[i.card.key]) for i in items if i.card.key in entries]
        return _json(DeadlinePage(deadlines=due, next_cursor=next_cursor))

    async def calendar(request: Request,
                       sub_id: Annotated[str, Path(alias="id", description="The subscription's id.")]) -> Response:
        sub = await readable(subscription, sub_id)
        if sub is None:
            raise field_error(404, "id", f"no subscription {sub_id!r}")
        select = selector(CommitmentQuery(filter=sub.filter))
        keys = sorted(c.key for c in await index().cards() if c.due and select(c))
        raws, name = await store().raw_entries(keys), f"pledgewatch: {sub.id}"
        inputs = made.inputs(raws, [name, sub.reminders, remind_at, sub.timezone])
        if (body := made.made(inputs)) is None:
            body = await cpu.run(_calendar_of, raws, name=name, offsets=sub.reminders, remind_at=remind_at,
                                 zone=sub.timezone)
            made.keep(inputs, body)
        tag = strong_etag(body)
        first = await first_served(store().client, calendar_served_key(store().key, sub.id), tag)
        return conditional_answer(request.headers.getlist, body, Validators(tag, first.since if first else None),
                                  media_type=CALENDAR, now=datetime.now(timezone.utc),  # the Date the server writes,
                                  judged_at=first.now if first else None)  # not the ledger's clock

    async def try_filter(request: Request) -> Response:
        try:
            # a context makes the filter's booleans and numbers as strict as a subscription's (GivenBool)
            asked = BacktestRequest.model_validate(await read_json_body(request), context={"body": "backtest"})
        except ValidationError as exc:
            raise ApiError(422, field_errors(exc)) from None
        alerts = backtest(await index().cards(), asked.filter, since=asked.since)
        shown = alerts[:BACKTEST_SHOWN]
        summaries = {s.release_id: s for s in await release_summaries(store(), [a.release_id for a in shown])}
        return _json(BacktestAnswer(
            since=asked.since, alerts=len(alerts), commitments=sum(len(a.keys) for a in alerts),
            shown=[BacktestAlert(release=summaries[a.release_id], commitments=a.keys)
                   for a in shown if a.release_id in summaries]))

    routes = Routes(tags=["ledger"])
    known_and_given = [Depends(known_parameters_given)]
    routes.add_api_route("/ledger/backtest", try_filter, methods=["POST"], response_model=BacktestAnswer,
                         responses=answers(400, 422), openapi_extra=routes.json_body(BacktestRequest),
                         summary="The alerts a filter would have sent since a time, before it is saved")
    routes.add_api_route("/ledger/commitments", commitments, methods=["GET"], response_model=CommitmentPage,
                         dependencies=known_and_given, responses=answers(422),
                         summary="Commitments the filters select, the latest first")
    routes.add_api_route("/ledger/commitments.csv", commitments_as_csv, methods=["GET"], response_class=Response,
                         dependencies=known_and_given, responses={
                             200: {"content": {"text/csv": {"schema": {"type": "string"}}},
                                   "headers": CSV_PAGE_HEADERS}, **answers(422)},
                         summary="The same page of commitments as CSV, for a spreadsheet; the next in its Link header")
    routes.add_api_route("/ledger/commitments/{key}", commitment, methods=["GET"], response_model=CommitmentDetail,
                         responses=answers(404),
                         summary="One commitment, its history and every announcement of it")
    routes.add_api_route("/ledger/releases", releases, methods=["GET"], response_model=ReleasePage,
                         dependencies=known_and_given, responses=answers(422),
                         summary="Releases, the latest first")
    routes.add_api_route("/ledger/releases/{release_id:path}", release, methods=["GET"], response_model=ReleaseDetail,
                         responses=answers(404),
                         summary="One release's commitments, with their spans in its text")
    routes.add_api_route("/ledger/deadlines", deadlines, methods=["GET"], response_model=DeadlinePage,
                         dependencies=known_and_given, responses=answers(422),
                         summary="Dated deadlines from today (or due_after), soonest first or the latest first")
    routes.add_api_route("/subscriptions/{id}/deadlines.ics", calendar, methods=["GET"], response_class=Response,
                         responses={200: {"content": {"text/calendar": {"schema": {"type": "string"}}}},
                                    **CONDITIONAL_ANSWERS, **answers(404, 409, 412)},
                         summary="The deadlines a subscription selects, as an iCalendar feed (RFC 5545)")
    return routes
