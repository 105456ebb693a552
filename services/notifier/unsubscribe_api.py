"""The unsubscribe routes on the notifier's HTTP API.

``GET /unsubscribe/{token}`` shows a form and changes nothing (mail scanners and link previews fetch
every link in a message); ``POST /unsubscribe/{token}`` unsubscribes (the RFC 8058 one-click POST, or
that form); with a slash added to the link, each answers as without it (docs/decisions/0057). The signed token
is the only credential: these need no API token. For the operator,
``GET /subscriptions/{id}/unsubscribed`` lists who unsubscribed and ``DELETE
/subscriptions/{id}/unsubscribed/{address}`` undoes one (with the API token, as every write). While Redis
cannot take a link's work, an unsubscribe is kept in the data folder (:mod:`.unsubscribe_spool`) and answered as
done; the link answers a page of its own (:mod:`.unsubscribe_outage`), not the API's JSON, when that fails too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Path, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel
from redis.exceptions import RedisError

from services.common.api import ApiError, Errors, Routes, answers, errors_response, field_error
from services.common.http import RETRY_AFTER_SECONDS, log_redis_unavailable, redis_unavailable

from .resubscribe import Resubscription, resubscribe
from .templates import render
from .unsubscribe import Recipient, UnsubscribeLinks
from .unsubscribe_outage import Outage, unsubscribe_outage
from .unsubscribe_spool import UnsubscribeSpool
from .store import UnreadableSubscription
from .unreadable import readable
from .unsubscribed import Unsubscribed

log = logging.getLogger(__name__)

# A page holding a token: never cached, never sent on as a Referer, never indexed; and, since its button acts on
# a click, never framed by another site, with nothing run on it but its own inline style.
_PAGE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex",
                 "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                                            "frame-ancestors 'none'; base-uri 'none'",
                 "X-Content-Type-Options": "nosniff"}


Token = Annotated[str, Path(description="The signed token of the link in the email.")]
SubscriptionId = Annotated[str, Path(alias="id", description="The subscription's id.")]
_HTML = {"content": {"text/html": {"schema": {"type": "string"}}}}


class Unsubscribers(BaseModel):
    unsubscribed: list[str]  # addresses, lower-cased


def _page(template: str, *, status: int = 200, **context: object) -> HTMLResponse:
    return HTMLResponse(render(template, **context), status_code=status, headers=_PAGE_HEADERS)


def unsubscribe_routes(links: UnsubscribeLinks | None, get_unsubscribed: Callable[[], Unsubscribed],
                       find_subscription: Callable[[str], Awaitable[object | None]],
                       spool: UnsubscribeSpool | None = None) -> Routes:
    """``links``: None when this notifier makes none (no secret), so every token is refused;
    ``find_subscription(id)``: the subscription, None when there is none (the operator's routes answer 404);
    ``spool``: where an unsubscribe Redis cannot take is kept (None: nowhere, it is answered 503)."""

    async def found(sub_id: str) -> object | None:
        """The subscription; one this version cannot read answers 409 naming its problems."""
        return await readable(find_subscription, sub_id)

    def recipient(token: str) -> Recipient | None:
        return links.read(token) if links is not None else None

    async def current(who: Recipient) -> bool:
        """Whether the subscription ``who``'s link was made for still exists (not deleted, nor made again): one
        this version cannot read does, and sends again once replaced."""
        try:
            exists = await find_subscription(who.subscription_id) is not None
        except UnreadableSubscription:
            exists = True
        return exists and await get_unsubscribed().generation(who.subscription_id) == who.generation

    def gone(who: Recipient) -> HTMLResponse:
        return _page("unsubscribe_invalid.html.j2", status=404, gone=who)

    async def unavailable(request: Request, exc: RedisError, who: Recipient, outage: Outage) -> HTMLResponse:
        """The page while Redis cannot take the link's work; any other Redis failure is raised, as elsewhere."""
        if not redis_unavailable(exc):
            raise exc
        log_redis_unavailable(request, exc)
        if outage is Outage.NOT_SHOWN and await kept(who):
            return _page("unsubscribe.html.j2", recipient=who, done=False, already=True, kept=False)
        if outage is not Outage.NOT_SHOWN and await keep(who):
            return _page("unsubscribe.html.j2", recipient=who, done=True, already=True, kept=True)
        page = _page("unsubscribe_unavailable.html.j2", status=503, recipient=who, outage=outage.value)
        page.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return page

    async def keep(who: Recipient) -> bool:
        """Whether ``who``'s unsubscribe is kept, on disk, for Redis to record once it answers."""
        if spool is None:
            return False
        try:
            await asyncio.to_thread(spool.append, who)  # waits for its lock, syncs: off the event loop
        except OSError as exc:
            log.error("an unsubscribe from subscription %s could not be kept while Redis is unavailable: %s",
                      who.subscription_id, exc)
            return False
        log.warning("%s unsubscribed from subscription %s: kept in %s until Redis records it", who.address,
                    who.subscription_id, spool.path)
        return True

    async def kept(who: Recipient) -> bool:
        try:
            return spool is not None and await asyncio.to_thread(spool.holds, who)
        except OSError:
            return False

    async def confirm(request: Request, token: Token) -> HTMLResponse:
        who = recipient(token)
        if who is None:
            return _page("unsubscribe_invalid.html.j2", status=404, gone=None)
        try:
            if not await current(who):
                return gone(who)
            already = who.address in await get_unsubscribed().of(who.subscription_id)
        except RedisError as exc:
            return await unavailable(request, exc, who, Outage.NOT_SHOWN)
        return _page("unsubscribe.html.j2", recipient=who, done=False, already=already, kept=False)

    async def unsubscribe(request: Request, token: Token) -> HTMLResponse:
        who = recipient(token)
        if who is None:
            return _page("unsubscribe_invalid.html.j2", status=404, gone=None)
        recording = False
        try:
            if not await current(who):
                return gone(who)
            recording = True
            added = await get_unsubscribed().add(who.subscription_id, who.address, who.generation)
        except RedisError as exc:
            return await unavailable(request, exc, who, unsubscribe_outage(exc, recording=recording))
        if added is None:  # checked again as it is recorded: deleted (or made again) since
            return gone(who)
        if added:
            log.info("%s unsubscribed from subscription %s", who.address, who.subscription_id)
        return _page("unsubscribe.html.j2", recipient=who, done=True, already=True, kept=False)

    def unknown(sub_id: str) -> ApiError:
        return field_error(404, "id", f"no subscription {sub_id!r}")

    async def known(sub_id: str) -> None:
        if await found(sub_id) is None:
            raise unknown(sub_id)

    async def replayed() -> None:
        """The unsubscribes kept while Redis could not take them recorded first: the operator sees them, and an
        undo is not undone by their later record."""
        if spool is not None:
            await spool.replay(get_unsubscribed())

    async def listing(sub_id: SubscriptionId) -> JSONResponse:
        await known(sub_id)
        await replayed()
        addresses = await get_unsubscribed().of(sub_id)
        return JSONResponse({"unsubscribed": sorted(addresses)})

    async def undo(sub_id: SubscriptionId, address: str) -> Response:
        await replayed()
        try:
            done = await resubscribe(found, get_unsubscribed(), sub_id, address)
        except ValueError as exc:
            return errors_response(422, [{"field": "address", "message": str(exc)}])
        if done is Resubscription.NO_SUBSCRIPTION:
            raise unknown(sub_id)
        if done is Resubscription.NOT_UNSUBSCRIBED:
            return errors_response(404, [{"field": "address",
                                          "message": f"{address!r} has not unsubscribed from {sub_id!r}"}])
        return Response(status_code=204)

    routes = Routes(tags=["unsubscribe"])
    page = {"response_class": HTMLResponse, "responses": {200: _HTML, 404: _HTML, 503: _HTML}}
    routes.add_api_route("/unsubscribe/{token}", confirm, methods=["GET"], **page,
                         summary="The unsubscribe page of a link in an email (changes nothing)")
    routes.add_api_route("/unsubscribe/{token}", unsubscribe, methods=["POST"], **page,
                         summary="Unsubscribe that recipient (RFC 8058 one-click, or the page's form)")
    # A person's link with a slash added (by a mail client, or by hand) is the same page, whose form posts back to
    # the address shown: no JSON 404 for a person, no redirect (docs/decisions/0057)
    routes.add_api_route("/unsubscribe/{token}/", confirm, methods=["GET"], **page, include_in_schema=False)
    routes.add_api_route("/unsubscribe/{token}/", unsubscribe, methods=["POST"], **page, include_in_schema=False)
    routes.add_api_route("/subscriptions/{id}/unsubscribed", listing, methods=["GET"], response_model=Unsubscribers,
                         responses=answers(404, 409), summary="Who unsubscribed from a subscription")
    routes.add_api_route("/subscriptions/{id}/unsubscribed/{address}", undo, methods=["DELETE"], status_code=204,
                         response_class=Response, responses={**answers(404, 409), 422: {"model": Errors, "description": (
                             "Not an email address: it holds a character no address may, such as U+200B ZERO WIDTH "
                             "SPACE (field `address`).")}},
                         summary="Undo one recipient's unsubscribe")
    return routes
