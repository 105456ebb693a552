"""The unsubscribe routes on the notifier's HTTP API.

``GET /unsubscribe/{token}`` shows a form and changes nothing (mail scanners and link previews fetch
every link in a message); ``POST /unsubscribe/{token}`` unsubscribes (the RFC 8058 one-click POST, or
that form). The signed token is the only credential: these two need no API token. For the operator,
``GET /subscriptions/{id}/unsubscribed`` lists who unsubscribed and ``DELETE
/subscriptions/{id}/unsubscribed/{address}`` undoes one (with the API token, as every write).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiohttp import web

from .templates import render
from .unsubscribe import Recipient, UnsubscribeLinks
from .unsubscribed import Unsubscribed

log = logging.getLogger(__name__)

# A page holding a token: never cached, never sent on as a Referer, never indexed.
_PAGE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


def _page(template: str, *, status: int = 200, **context: object) -> web.Response:
    return web.Response(text=render(template, **context), status=status, content_type="text/html",
                        headers=_PAGE_HEADERS)


def unsubscribe_routes(links: UnsubscribeLinks | None,
                       get_unsubscribed: Callable[[], Unsubscribed]) -> list[web.RouteDef]:
    """``links``: None when this notifier makes none (no secret), so every token is refused."""

    def recipient(request: web.Request) -> Recipient:
        found = links.read(request.match_info["token"]) if links is not None else None
        if found is None:
            raise web.HTTPNotFound(text=render("unsubscribe_invalid.html.j2"), content_type="text/html",
                                   headers=_PAGE_HEADERS)
        return found

    async def confirm(request: web.Request) -> web.Response:
        who = recipient(request)
        already = who.address in await get_unsubscribed().of(who.subscription_id)
        return _page("unsubscribe.html.j2", recipient=who, done=False, already=already)

    async def unsubscribe(request: web.Request) -> web.Response:
        who = recipient(request)
        if await get_unsubscribed().add(who.subscription_id, who.address):
            log.info("%s unsubscribed from subscription %s", who.address, who.subscription_id)
        return _page("unsubscribe.html.j2", recipient=who, done=True, already=True)

    async def listing(request: web.Request) -> web.Response:
        addresses = await get_unsubscribed().of(request.match_info["id"])
        return web.json_response({"unsubscribed": sorted(addresses)})

    async def undo(request: web.Request) -> web.Response:
        sub_id, address = request.match_info["id"], request.match_info["address"]
        if not await get_unsubscribed().remove(sub_id, address):
            return web.json_response({"errors": [{"field": "address", "message":
                                                  f"{address!r} has not unsubscribed from {sub_id!r}"}]}, status=404)
        log.info("%s subscribed again to subscription %s", address.lower(), sub_id)
        return web.Response(status=204)

    return [
        web.get("/unsubscribe/{token}", confirm), web.post("/unsubscribe/{token}", unsubscribe),
        web.get("/subscriptions/{id}/unsubscribed", listing),
        web.delete("/subscriptions/{id}/unsubscribed/{address}", undo),
    ]
