"""``GET /subscriptions/{id}/alerts.atom``: what a subscription was sent, as an Atom feed, served by the notifier.

Open to reads like the subscription's calendar feed (``deadlines.ics``): a feed reader sends no token. It
answers a conditional GET (``If-None-Match`` with the ETag it was given) with 304 while nothing new was sent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi import Header, Path, Request
from fastapi.responses import Response
from typing_extensions import Annotated

from schemas.envelope import CloudEvent
from services.common.api import Routes, answers, field_error

from .atom import MEDIA_TYPE, alerts_feed
from .release_pages import release_pages
from .subscriptions import Subscription


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether ``If-None-Match`` names ``tag`` (weak comparison, RFC 9110 13.1.2), or is ``*``."""
    if if_none_match is None:
        return False
    names = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in names or tag in names


def feed_routes(subscription: Callable[[str], Awaitable[Subscription | None]],
                events: Callable[[str], Awaitable[list[CloudEvent[Any]]]], *, public_url: str | None,
                since: Callable[[str], Awaitable[datetime]], dashboard_url: str | None = None) -> Routes:
    """The feed of each subscription: ``events(id)`` are what it was sent, newest first, ``since(id)`` when its
    feed was first read (its ``updated`` while it is empty); links are made under ``public_url``
    (``PLEDGEWATCH_PUBLIC_URL``), else under the address the request came to; a release's dashboard page under
    ``dashboard_url`` (``PLEDGEWATCH_DASHBOARD_URL``: the ledger's container under compose) when it is set."""

    async def alerts(request: Request, sub_id: Annotated[str, Path(alias="id", description="The subscription's id.")],
                     if_none_match: Annotated[str | None, Header(include_in_schema=False)] = None) -> Response:
        sub = await subscription(sub_id)
        if sub is None:
            raise field_error(404, "id", f"no subscription {sub_id!r}")
        base = (public_url or str(request.base_url)).rstrip("/")
        dashboard = (dashboard_url or base).rstrip("/")
        sent = await events(sub.id)
        body = alerts_feed(sent, subscription_id=sub.id,
                           self_url=f"{base}/subscriptions/{quote(sub.id)}/alerts.atom",
                           release_page=release_pages(dashboard),
                           empty_since=await since(sub.id))
        tag = etag(body)
        headers = {"ETag": tag, "Cache-Control": "no-cache"}  # kept, but asked again each time: 304 is cheap
        if matches(if_none_match, tag):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=MEDIA_TYPE, headers=headers)

    routes = Routes(tags=["subscriptions"])
    routes.add_api_route("/subscriptions/{id}/alerts.atom", alerts, methods=["GET"], response_class=Response,
                         responses={200: {"content": {"application/atom+xml": {"schema": {"type": "string"}}}},
                                    304: {"description": "Not modified: nothing new since the ETag given"},
                                    **answers(404)},
                         summary="What a subscription was sent, newest first, as an Atom feed (RFC 4287); "
                                 "the latest 100")
    return routes
