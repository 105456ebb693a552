"""The dashboard's routes: ``GET /``, one release's page, the pages of every release and every deadline (searched
and paged as the ledger's JSON reads are), sign-in and the subscription forms (create, pause, resume, delete
after a page asking to confirm, and resubscribe an address that unsubscribed).

Reads are open as the JSON reads are (``PLEDGEWATCH_OPEN_READS``); when they are closed, every page asks to
sign in first. Changes need a session signed in with the API token, and each form carries its session's CSRF
token. A change that is done answers 303 to the page (post, redirect, get); one refused is shown again with
its errors beside its fields, in the subscriptions API's own words. A page or change Redis could not serve (down,
or not answering within PLEDGEWATCH_HTTP_REDIS_SECONDS) answers 503 with a page of its own
(:mod:`.outage_pages`); the JSON routes keep their JSON. A wrong token at sign-in counts, as one sent to the API
does, toward the limit of :mod:`services.common.wrong_tokens`; past it, sign-in answers 429.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, time
from typing import Any
from urllib.parse import quote

from fastapi import Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from redis.exceptions import RedisError

from services.common.api import Routes
from services.common.http import RETRY_AFTER_SECONDS, log_redis_unavailable, redis_unavailable
from services.common.http_middleware import ROUTED_METHODS, FallbackRoute, client_of, fallback, methods_of
from services.common.streams import Streams
from services.common.wrong_tokens import WrongTokens
from services.ingest.source_reads import read_sources
from services.ledger.core.amounts import CURRENCIES
from services.ledger.core.backtest import backtest
from services.ledger.index import LedgerIndex
from services.ledger.reading import release_summaries
from services.ledger.release_search import SEARCHED_PER_PAGE, releases_page
from services.ledger.store import LedgerStore
from services.notifier.bounds import pause_end, pause_problem
from services.notifier.reminders import REMIND_AT
from services.notifier.resubscribe import Resubscription, resubscribe
from services.notifier.sent_back import SentBackError, kept_channels
from services.notifier.store import SubscriptionStore, UnreadableSubscription
from services.notifier.subscriptions import (Filter, Subscription, SubscriptionError, field_errors,
                                              parse_subscription, refused_targets)
from services.notifier.unreadable import unreadable_warning
from services.notifier.unsubscribe_spool import UnsubscribeSpool

from .access import Refused, Visitor, check_csrf, page_to_go_back_to, read_form, set_cookie, wait_words
from .browse_forms import SHOWS, BrowseErrors, BrowseForm, browse_form, deadline_query_of, release_query_of
from .deliveries import delivery_statuses
from .forms import (CATEGORY_CHOICES, CHANNELS, FORM_ACTIONS, KIND_CHOICES, SECRET_DROPPED, ZONE_CHOICES,
                    FormErrors, SubscriptionForm, backtest_since, pause_label)
from .notices import notice_fragment, notice_query, shown_notice
from .outage_pages import Route, outage_message, page_when_redis_fails
from .pages import SECURITY_HEADERS, render
from .reading import (chain_sizes, deadlines_found, kept_unsubscribes_recorded, latest_attempts, latest_chains,
                      releases_with_entries, subscriptions_read, unsubscribed_from, upcoming)
from .sessions import COOKIE, Session, Sessions
from .signed_out import SignedOutSessions
from .views import (day_label, failing_source_rows, quiet_source_rows, release_rows, release_view, subscription_rows,
                    timeline, unreadable_rows)

RECENT_RELEASES = 5
SHOWN_PER_RELEASE = 12  # commitments of a release shown on the home page; its own page shows them all
TIMELINE_ITEMS = 30
CHAINS = 10
BACKTEST_SHOWN = 20
MAX_ADDRESS = 254  # the longest an email address can be (RFC 5321's path, less its brackets)
MAX_RELEASE_ID = 500  # longer than any release's id: not looked up, answered as not found


@dataclass(frozen=True)
class DashboardParts:
    """What the dashboard reads and writes through (the ledger's store and cards, the subscriptions)."""

    ledger: LedgerStore
    index: LedgerIndex
    subscriptions: SubscriptionStore
    deliveries: str  # the deliveries stream's key
    streams: Streams  # for what ingest keeps of the polled sources
    signed_out: SignedOutSessions
    unsubscribe_spool: UnsubscribeSpool | None = None  # the notifier's, in the folder both are given


def dashboard_routes(parts: Callable[[], DashboardParts], *, api_token: str | None, open_reads: bool,
                     clock: Callable[[], datetime], secure_cookies: bool = False,
                     url_refusal: Callable[[str], str | None] = lambda url: None,
                     remind_at: time = REMIND_AT) -> Routes:
    sessions = Sessions.from_api_token(api_token) if api_token else None

    def visitor_of(request: Request) -> Visitor:
        """The visitor as their cookie says, not asking Redis whether they signed out since (for a page saying
        Redis is unavailable, which changes nothing); :func:`current_visitor` asks."""
        now = clock()
        session = sessions.read(request.cookies.get(COOKIE)) if sessions else None
        new = session is None
        session = session or Sessions.new()
        return Visitor(session, new, bool(sessions) and session.signed_in(now),
                       sessions.csrf(session) if sessions else "")

    async def current_visitor(request: Request) -> Visitor:
        claimed = visitor_of(request)
        if claimed.signed_in and await parts().signed_out.ended(claimed.session):
            return replace(claimed, signed_in=False)
        return claimed

    def respond(request: Request, visitor: Visitor, body: str, status: int = 200) -> HTMLResponse:
        answer = HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)
        # a form posted without the cookie comes from another site (the browser keeps the cookie from it): a
        # new cookie would replace the session the browser holds
        if visitor.new and sessions and request.method in ("GET", "HEAD"):
            set_cookie(answer, request, sessions.cookie(visitor.session), always_secure=secure_cookies)
        return answer

    def redirect(session: Session, notice: str, *, request: Request | None = None, back: str | None = None,
                 **words: str) -> RedirectResponse:
        """303 to the home page, saying ``notice`` to ``session`` at the status line it goes to (the row of the
        subscription named in ``words``, or the section's), or to ``back`` (a page that asked to sign in first,
        which says nothing: it is what was asked for); the session's cookie set when ``request`` (sign-in and
        sign-out) is given."""
        assert sessions is not None  # sign-in and every change are refused without them
        to = back or ("/?" + notice_query(sessions, session, notice, **words)
                      + notice_fragment(notice, words.get("subscription", "")))
        answer = RedirectResponse(to, status_code=303, headers=SECURITY_HEADERS)
        if request is not None:
            set_cookie(answer, request, sessions.cookie(session), always_secure=secure_cookies)
        return answer

    async def home_page(request: Request, visitor: Visitor, *, status: int = 200, **extra: Any) -> HTMLResponse:
        now = clock()
        today, p = now.date(), parts()
        cards = await p.index.cards()
        recent = await releases_with_entries(p.ledger, await p.ledger.recent_releases(limit=RECENT_RELEASES))
        sizes = chain_sizes(cards)
        notice = shown_notice(sessions, visitor.session, request.query_params)
        subs, unreadable = await subscriptions_read(p.subscriptions)
        sources = await read_sources(p.streams, now=now)
        unsubscribed = await unsubscribed_from(p.subscriptions, p.streams.key, p.unsubscribe_spool, subs)
        context: dict[str, Any] = {
            "releases": [release_view(s, e, today=today, chain_sizes=sizes, shown=SHOWN_PER_RELEASE)
                         for s, e in recent],
            "timeline": timeline(await upcoming(p.ledger, await p.index.due_order(), today=today, limit=TIMELINE_ITEMS), today=today),
            "chains": await latest_chains(p.ledger, cards, limit=CHAINS),
            "quiet_sources": quiet_source_rows(sources),
            "failing_sources": failing_source_rows(sources),
            "subscriptions": subscription_rows(
                subs, delivery_statuses(await latest_attempts(p.ledger.client, p.deliveries)), now=now,
                remind_at=remind_at, unsubscribed=unsubscribed),
            "unreadable": unreadable_rows(unreadable),
            "notice": notice.text, "row_notices": notice.on_rows,
            "form": SubscriptionForm(), "errors": FormErrors(), "backtest": None, "tried": False, "row_errors": {},
            "today": day_label(today), "pause_default": day_label(today),
            **extra}
        common = _common(visitor, api_token, open_reads)
        return respond(request, visitor, render("home.html.j2", **{**common, **context}), status)

    def sign_in_page(request: Request, visitor: Visitor, *, status: int, error: str | None = None,
                     back: str | None = None) -> HTMLResponse:
        """The sign-in page; its form carries ``back``, the page to go back to once signed in: by default the page
        asked for, when it asks to sign in first (reads closed)."""
        if back is None and status == 401 and request.method == "GET":
            back = page_to_go_back_to(quote(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))
        return respond(request, visitor, render("sign_in_page.html.j2", **{**_common(visitor, api_token, open_reads),
                                                "sign_in_error": error, "back": back}), status)

    def unavailable(request: Request, heading: str, exc: RedisError, then: str | None) -> Response:
        claimed = visitor_of(request)
        body = render("unavailable.html.j2", **_common(claimed, api_token, open_reads), heading=heading,
                      message=outage_message(exc, then))
        answer = respond(request, claimed, body, 503)
        answer.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return answer

    def when_redis_fails(heading: Callable[[Request], str], then: str | None = None) -> Callable[[Route], Route]:
        return page_when_redis_fails(unavailable, heading, then)

    def subscription_of(request: Request) -> str:
        return request.path_params.get("id", "")

    def may_read(visitor: Visitor) -> bool:
        return open_reads or visitor.signed_in

    @when_redis_fails(lambda _: "Could not show the dashboard")
    async def home(request: Request) -> Response:
        visitor = await current_visitor(request)
        if not may_read(visitor):
            return sign_in_page(request, visitor, status=401, error=None)
        return await home_page(request, visitor)

    @when_redis_fails(lambda request: f"Could not show release {request.path_params.get('release_id', '')}")
    async def release(request: Request, release_id: str) -> Response:
        visitor = await current_visitor(request)
        if not may_read(visitor):
            return sign_in_page(request, visitor, status=401)
        p, today = parts(), clock().date()
        found = await releases_with_entries(p.ledger, [release_id]) if len(release_id) <= MAX_RELEASE_ID else []
        if not found:
            body = render("not_found.html.j2", **_common(visitor, api_token, open_reads),
                          message=f"The ledger holds no release {release_id!r}.")
            return respond(request, visitor, body, 404)
        summary, entries = found[0]
        view = release_view(summary, entries, today=today, chain_sizes=chain_sizes(await p.index.cards()))
        return respond(request, visitor,
                       render("release.html.j2", **_common(visitor, api_token, open_reads), release=view))

    def list_page(request: Request, visitor: Visitor, template: str, form: BrowseForm, *,
                  errors: BrowseErrors | None = None, next_cursor: str | None = None, **context: Any) -> Response:
        """A list page (all releases, all deadlines) with its search form; 400 with the form's errors."""
        path = request.url.path
        body = render(template, **_common(visitor, api_token, open_reads), path=path, form=form,
                      errors=errors or BrowseErrors(), first_link=form.link(path),
                      previous_link=form.previous_link(path),
                      next_link=form.next_link(path, next_cursor) if next_cursor else None, **context)
        return respond(request, visitor, body, 400 if errors else 200)

    @when_redis_fails(lambda _: "Could not show the releases")
    async def all_releases(request: Request) -> Response:
        visitor = await current_visitor(request)
        if not may_read(visitor):
            return sign_in_page(request, visitor, status=401)
        form = browse_form(request.query_params)
        try:
            query = release_query_of(form)
        except BrowseErrors as exc:
            return list_page(request, visitor, "releases.html.j2", form, errors=exc, releases=[],
                             stopped_early=False, searched=0, next_words="")
        found = await releases_page(parts().ledger, query)
        return list_page(request, visitor, "releases.html.j2", form, next_cursor=found.next_cursor,
                         releases=release_rows(found.releases), stopped_early=found.stopped_early,
                         searched=SEARCHED_PER_PAGE, next_words="older releases")

    @when_redis_fails(lambda _: "Could not show the deadlines")
    async def all_deadlines(request: Request) -> Response:
        visitor = await current_visitor(request)
        if not may_read(visitor):
            return sign_in_page(request, visitor, status=401)
        today = clock().date()
        form = browse_form(request.query_params)
        common = {"shows": SHOWS, "currencies": CURRENCIES, "today": day_label(today), "past": form.show == "past",
                  "timeline": [], "other_days": False, "none_of_kind": False, "csv_link": None}
        try:
            search = deadline_query_of(form, today=today)
        except BrowseErrors as exc:
            return list_page(request, visitor, "deadlines.html.j2", form, errors=exc, next_words="", **common)
        due, next_cursor = [], None
        if search.query is not None:
            p = parts()
            due, next_cursor = await deadlines_found(p.ledger, await p.index.due_order(), search.query,
                                                     latest_first=search.latest_first)
        return list_page(request, visitor, "deadlines.html.j2", form, next_cursor=next_cursor,
                         next_words="earlier deadlines" if search.latest_first else "later deadlines",
                         **{**common, "timeline": timeline(due, today=today), "other_days": search.other_days,
                            "none_of_kind": search.query is None, "csv_link": search.csv_link(form)})

    @when_redis_fails(lambda _: "Could not show the sign-in page")
    async def sign_in_form(request: Request) -> Response:
        return sign_in_page(request, await current_visitor(request), status=200)

    @when_redis_fails(lambda _: "Could not sign in")
    async def sign_in(request: Request) -> Response:
        visitor = await current_visitor(request)
        wrong_tokens: WrongTokens = request.app.state.wrong_tokens  # the API's token check counts into it too
        client = client_of(request.scope)
        back = None  # the page to go back to, as the form carries it

        def too_many(wait: int) -> Response:
            answer = sign_in_page(request, visitor, status=429, back=back, error="Too many wrong API tokens from "
                                  f"your address: try again in {wait_words(wait)}.")
            answer.headers["Retry-After"] = str(wait)
            return answer

        try:
            form = await read_form(request)
            back = page_to_go_back_to((form.get("back") or [""])[-1])  # checked: never another site's
            check_csrf(sessions, visitor, form)
        except Refused as exc:
            return sign_in_page(request, visitor, status=exc.status, error=exc.message, back=back)
        presented = (form.get("token") or [""])[-1].strip()
        assert sessions is not None and api_token is not None  # _check_csrf refuses without them
        if presented and not hmac.compare_digest(presented.encode("utf-8", "surrogatepass"), api_token.encode()):
            # counted and judged in one step, so that a burst of guesses gets no more answers than the limit
            if (wait := await wrong_tokens.wrong_token(client)) is not None:
                return too_many(wait)
            return sign_in_page(request, visitor, status=401, error="That API token is not valid.", back=back)
        if (wait := await wrong_tokens.retry_after(client)) is not None:  # the right token too, past the limit
            return too_many(wait)
        if not presented:
            return sign_in_page(request, visitor, status=422, error="Enter the API token.", back=back)
        session = Sessions.new(signed_in_until=Sessions.sign_in_ends(clock()))
        return redirect(session, "signed-in", request=request, back=back)

    @when_redis_fails(lambda _: "Could not sign out")
    async def sign_out(request: Request) -> Response:
        visitor = await current_visitor(request)
        try:
            check_csrf(sessions, visitor, await read_form(request))
        except Refused as exc:
            return await home_page(request, visitor, status=exc.status, failure=exc.message)
        await parts().signed_out.end(visitor.session, clock())
        return redirect(Sessions.new(), "signed-out", request=request)

    async def guarded(request: Request) -> tuple[Visitor, dict[str, list[str]]]:
        """The visitor and the form of a change: refused without a signed-in session and its CSRF token."""
        form = request.state.form = await read_form(request)  # read first: an outage page may name what it holds
        visitor = await current_visitor(request)
        check_csrf(sessions, visitor, form)
        if not visitor.signed_in:
            raise Refused(401, "Sign in with the API token to change subscriptions.")
        return visitor, form

    @when_redis_fails(lambda _: "Could not create the subscription",
                           "a subscription created already is refused as existing, not made twice")
    async def create(request: Request) -> Response:
        try:
            visitor, raw = await guarded(request)
        except Refused as exc:
            return await home_page(request, await current_visitor(request), status=exc.status, failure=exc.message)
        form, p, now = SubscriptionForm.read(raw), parts(), clock()
        action = (raw.get("action") or ["create"])[-1]  # none (a form posted by a script): a save, as it was
        if action not in FORM_ACTIONS:  # refused at the form's refusals, where the page lands
            unknown = f"‘{action[:64]}’ is none of this form's buttons: nothing was saved or tried"
            return await home_page(request, visitor, status=400, form=form,
                                   errors=FormErrors([{"field": "action", "message": unknown}]))
        if action == "backtest":
            return await try_filter(request, visitor, form, p, now)
        if form.secret_dropped():
            return await home_page(request, visitor, status=422, form=form,
                                   errors=FormErrors([{"field": "channels.0.secret", "message": SECRET_DROPPED}]))
        refusals: list[dict[str, str]] = []
        try:
            kept_channels(form.subscription_data()["channels"], [])  # a URL copied from a row, as it is shown
        except SentBackError as exc:
            refusals = exc.errors
        try:
            sub = parse_subscription(form.subscription_data(), now=now)
        except SubscriptionError as exc:  # with those above: every refusal at once, one a field
            refusals += [e for e in exc.errors if e["field"] not in {r["field"] for r in refusals}]
        if refusals:
            return await home_page(request, visitor, status=422, form=form, errors=FormErrors(refusals))
        if refused := refused_targets(sub, url_refusal):  # as the subscriptions API refuses it
            return await home_page(request, visitor, status=422, form=form, errors=FormErrors(refused))
        problem = None
        existing, unreadable = await looked_up(p, sub.id)
        if owned := p.subscriptions.file_owns(sub.id):
            problem = owned
        elif unreadable is not None:
            problem = f"a subscription {sub.id!r} exists already: choose another id ({unreadable})"
        elif existing is not None:
            problem = (f"a subscription {sub.id!r} exists already: choose another id (that one is changed with "
                       f"`pledgewatch subscriptions update {sub.id} FILE`)")
        if problem:
            return await home_page(request, visitor, status=409, form=form,
                                   errors=FormErrors([{"field": "id", "message": problem}]))
        await p.subscriptions.put(sub)
        return redirect(visitor.session, "created", subscription=sub.id)

    async def try_filter(request: Request, visitor: Visitor, form: SubscriptionForm, p: DashboardParts,
                         now: datetime) -> Response:
        try:
            flt = Filter.model_validate(form.filter_data())
        except ValidationError as exc:
            return await home_page(request, visitor, status=422, form=form, tried=True,
                                   errors=FormErrors(field_errors(exc, prefix="filter.")))
        since = backtest_since(now)
        alerts = backtest(await p.index.cards(), flt, since=since)
        shown = alerts[:BACKTEST_SHOWN]
        summaries = {s.release_id: s for s in await release_summaries(p.ledger, [a.release_id for a in shown])}
        result = {"alerts": len(alerts), "commitments": sum(len(a.keys) for a in alerts),
                  "since": day_label(since.date()),
                  "shown": [(summaries[a.release_id], len(a.keys)) for a in shown if a.release_id in summaries]}
        return await home_page(request, visitor, form=form, backtest=result, tried=True)

    async def change(request: Request, sub_id: str, paused_until: Callable[[dict[str, list[str]]], datetime | None],
                     notice: str) -> Response:
        try:
            visitor, raw = await guarded(request)
        except Refused as exc:
            return await home_page(request, await current_visitor(request), status=exc.status, failure=exc.message)
        p = parts()
        sub, unreadable = await looked_up(p, sub_id)
        problem, status = (unreadable, 409) if unreadable else unchangeable(p, sub_id, sub) or (None, 200)
        if problem is None and sub is not None:
            try:
                until = paused_until(raw)
                sub = parse_subscription({**json.loads(sub.stored()), "paused_until": until and until.isoformat()},
                                         kept=sub.channels, kept_filter=sub.filter)
            except (Refused, SubscriptionError) as exc:
                problem, status = (exc.message if isinstance(exc, Refused) else exc.errors[0]["message"]), 422
        if problem is not None:
            return await home_page(request, visitor, status=status, row_errors={sub_id: problem})
        await p.subscriptions.put(sub)
        return redirect(visitor.session, notice, subscription=sub_id)

    async def looked_up(p: DashboardParts, sub_id: str) -> tuple[Subscription | None, str | None]:
        """The subscription of ``sub_id`` (None: none), or what is wrong with one stored that this version cannot
        read and how to fix it (:func:`.unreadable_warning`), which only a delete or a replace changes."""
        try:
            return await p.subscriptions.get(sub_id), None
        except UnreadableSubscription as exc:
            return None, unreadable_warning(sub_id, exc.errors)

    def unchangeable(p: DashboardParts, sub_id: str, sub: Subscription | None) -> tuple[str, int] | None:
        """Why ``sub_id`` (``sub`` as stored) cannot be changed or deleted here, and the status the API answers
        it with: none (404), or one the subscriptions file defines (409, in the API's words); None when it can."""
        if sub is None:
            return f"no subscription {sub_id!r}", 404
        if owned := p.subscriptions.file_owns(sub_id):
            return owned, 409
        return None

    @when_redis_fails(lambda request: f"Could not show subscription {subscription_of(request)}")
    async def delete_page(request: Request, sub_id: str = Path(alias="id", max_length=64)) -> Response:
        """The page asking to confirm a delete (a form of its own: no script needed), or saying why it cannot be
        done; a visitor not signed in is asked to sign in, told nothing of the subscription."""
        visitor = await current_visitor(request)
        unreadable = None
        if not visitor.signed_in:
            refusal: tuple[str | None, int] = ("Sign in with the API token to delete a subscription.", 401)
        else:
            p = parts()
            sub, unreadable = await looked_up(p, sub_id)
            refusal = (None if unreadable else unchangeable(p, sub_id, sub)) or (None, 200)
        problem, status = refusal
        if status == 404:
            problem = f"No subscription ‘{sub_id}’ (deleted already?): nothing to delete."
        body = render("delete_subscription.html.j2", **_common(visitor, api_token, open_reads), sub_id=sub_id,
                      problem=problem, unreadable=unreadable)
        return respond(request, visitor, body, status)

    @when_redis_fails(lambda request: f"Could not delete subscription {subscription_of(request)}",
                      "deleting twice does no harm")
    async def delete(request: Request, sub_id: str = Path(alias="id", max_length=64)) -> Response:
        """Delete a subscription, as the API's ``DELETE /subscriptions/{id}`` does (the same store's delete: what is
        kept for it goes with it), refused as it refuses it; then the subscriptions, saying so."""
        try:
            visitor, _ = await guarded(request)
        except Refused as exc:
            return await home_page(request, await current_visitor(request), status=exc.status, failure=exc.message)
        p = parts()
        sub, unreadable = await looked_up(p, sub_id)  # one this version cannot read is deleted, as the API does
        refusal = None if unreadable else unchangeable(p, sub_id, sub)
        if refusal is not None and refusal[1] == 409:
            return await home_page(request, visitor, status=409, row_errors={sub_id: refusal[0]})
        if refusal is not None or not await p.subscriptions.delete(sub_id):
            return await home_page(request, visitor, status=404,
                                   failure=f"No subscription ‘{sub_id}’ (deleted already?): nothing was deleted.")
        return redirect(visitor.session, "deleted", subscription=sub_id)

    def pause_until(sub_id: str, raw: dict[str, list[str]]) -> datetime:
        text = (raw.get("until") or [""])[-1].strip()
        try:
            when = pause_end(text)
        except ValueError:
            raise Refused(422, "Give the day to pause until as YYYY-MM-DD (or a time with its zone, such as "
                                "2026-02-01T09:00:00Z).") from None
        problem = pause_problem(when, now=clock())
        if problem:
            raise Refused(422, f"{pause_label(sub_id)}: {problem}")  # named as the form labels it
        return when

    @when_redis_fails(lambda request: f"Could not pause subscription {subscription_of(request)}",
                           "pausing twice does no harm")
    async def pause(request: Request, sub_id: str = Path(alias="id", max_length=64)) -> Response:
        return await change(request, sub_id, lambda raw: pause_until(sub_id, raw), "paused")

    @when_redis_fails(lambda request: f"Could not resume subscription {subscription_of(request)}",
                           "resuming twice does no harm")
    async def resume(request: Request, sub_id: str = Path(alias="id", max_length=64)) -> Response:
        return await change(request, sub_id, lambda _: None, "resumed")

    def resubscribe_heading(request: Request) -> str:
        address = address_of(getattr(request.state, "form", {}))
        return f"Could not resubscribe {address}" if address else f"Could not resubscribe to {subscription_of(request)}"

    @when_redis_fails(resubscribe_heading, "resubscribing twice does no harm")
    async def resubscribe_address(request: Request, sub_id: str = Path(alias="id", max_length=64)) -> Response:
        """Undo an address's unsubscribe, as ``pledgewatch subscriptions resubscribe`` does (one function does
        both); a repeat finds nothing to undo and says so."""
        try:
            visitor, raw = await guarded(request)
        except Refused as exc:
            return await home_page(request, await current_visitor(request), status=exc.status, failure=exc.message)
        address = address_of(raw)
        if not address:
            return await home_page(request, visitor, status=422, row_errors={
                sub_id: "Name the email address to resubscribe, as this subscription lists it."})
        p = parts()
        try:
            unsubscribed = await kept_unsubscribes_recorded(p.subscriptions, p.streams.key, p.unsubscribe_spool)
            done = await resubscribe(p.subscriptions.get, unsubscribed, sub_id, address)
        except RedisError as exc:
            if not redis_unavailable(exc):
                raise
            log_redis_unavailable(request, exc)
            return unavailable(request, f"Could not resubscribe {address}", exc, "resubscribing twice does no harm")
        except UnreadableSubscription as exc:  # a ValueError too, but none of the address
            return await home_page(request, visitor, status=409,
                                   row_errors={sub_id: unreadable_warning(sub_id, exc.errors)})
        except ValueError as exc:  # an address no subscription can hold (U+200B, …), named
            return await home_page(request, visitor, status=422, row_errors={sub_id: str(exc)})
        if done is Resubscription.NO_SUBSCRIPTION:
            return await home_page(request, visitor, status=404,
                                   failure=f"No subscription ‘{sub_id}’ (deleted?): nothing was resubscribed.")
        notice = "resubscribed" if done is Resubscription.DONE else "not-unsubscribed"
        return redirect(visitor.session, notice, subscription=sub_id, address=address)

    async def to_home() -> Response:
        return RedirectResponse("/", status_code=307, headers=SECURITY_HEADERS)

    @fallback
    @when_redis_fails(lambda _: "Could not show this page")
    async def no_page(request: Request) -> Response:
        """Any other address under /dashboard, whatever the method: the dashboard's own Not found page, not the
        API's JSON; a page asked with a method it does not take (``POST /dashboard/releases``): 405 in a page of
        its own, naming the methods it takes."""
        visitor = await current_visitor(request)
        allowed = methods_of(request.app.router, request.scope)
        if not allowed:
            body = render("not_found.html.j2", **_common(visitor, api_token, open_reads),
                          message="The dashboard has no page at this address.")
            return respond(request, visitor, body, 404)
        allow = ", ".join(sorted(allowed))
        body = render("not_found.html.j2", **_common(visitor, api_token, open_reads), heading="Method not allowed",
                      message=f"This page does not take {request.method}; it takes {allow}.")
        answer = respond(request, visitor, body, 405)
        answer.headers["Allow"] = allow
        return answer

    def back_to_form(section: str) -> Callable[[], Response]:
        """A form's address opened as a page (from the history, a bookmark): the part of the page it is on."""
        async def answer() -> Response:
            return RedirectResponse(section, status_code=303, headers=SECURITY_HEADERS)
        return answer

    routes = Routes(tags=["dashboard"])
    html = {"response_class": HTMLResponse, "include_in_schema": False}
    routes.add_api_route("/", home, methods=["GET"], **html)
    for path in ("/dashboard", "/dashboard/"):  # the pages below it are the dashboard's: so is its own path
        routes.add_api_route(path, to_home, methods=["GET"], **html)
    routes.add_api_route("/dashboard/releases", all_releases, methods=["GET"], **html)  # before one release's
    routes.add_api_route("/dashboard/deadlines", all_deadlines, methods=["GET"], **html)
    routes.add_api_route("/dashboard/releases/{release_id:path}", release, methods=["GET"], **html)
    routes.add_api_route("/dashboard/sign-in", sign_in_form, methods=["GET"], **html)
    routes.add_api_route("/dashboard/sign-in", sign_in, methods=["POST"], **html)
    routes.add_api_route("/dashboard/sign-out", sign_out, methods=["POST"], **html)
    routes.add_api_route("/dashboard/subscriptions", create, methods=["POST"], **html)
    routes.add_api_route("/dashboard/subscriptions/{id}/pause", pause, methods=["POST"], **html)
    routes.add_api_route("/dashboard/subscriptions/{id}/resume", resume, methods=["POST"], **html)
    routes.add_api_route("/dashboard/subscriptions/{id}/resubscribe", resubscribe_address, methods=["POST"], **html)
    routes.add_api_route("/dashboard/subscriptions/{id}/delete", delete_page, methods=["GET"], **html)
    routes.add_api_route("/dashboard/subscriptions/{id}/delete", delete, methods=["POST"], **html)
    form_sections = {"/dashboard/sign-out": "/", "/dashboard/subscriptions": "/#subscriptions",
                     **{f"/dashboard/subscriptions/{{id}}/{change}": "/#subscriptions"
                        for change in ("pause", "resume", "resubscribe")}}
    for form_path, section in form_sections.items():
        routes.add_api_route(form_path, back_to_form(section), methods=["GET"], **html)
    # last, after every page: what no page takes, any method (the dashboard's own paths, "/" and "/dashboard" too);
    # OPTIONS of a page is answered before (its methods), of an address that is no page here
    for path in ("/", "/dashboard", "/dashboard/", "/dashboard/{rest:path}"):
        routes.add_api_route(path, no_page, methods=[*ROUTED_METHODS, "OPTIONS"], route_class_override=FallbackRoute,
                             **html)
    return routes


def address_of(form: dict[str, list[str]]) -> str:
    """The email address a resubscribe form names, lowercased; "" for none that could be one."""
    address = (form.get("address") or [""])[-1].strip().lower()
    return address if "@" in address and len(address) <= MAX_ADDRESS else ""


def _common(visitor: Visitor, api_token: str | None, open_reads: bool) -> dict[str, Any]:
    """What every page needs. ``json_reads``: the JSON reads answer this browser (they take the API token,
    not the session, so with reads closed the pages name them without linking to them)."""
    return {"signed_in": visitor.signed_in, "csrf": visitor.csrf, "can_sign_in": api_token is not None,
            "json_reads": open_reads,
            "channels": CHANNELS, "category_choices": CATEGORY_CHOICES, "kind_choices": KIND_CHOICES,
            "zone_choices": ZONE_CHOICES, "currency_choices": CURRENCIES, "failure": None, "sign_in_error": None}
