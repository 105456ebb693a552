"""``GET /subscriptions/{id}/alerts.atom``: what a subscription was sent, as an Atom feed, served by the notifier.

Open to reads like the subscription's calendar feed (``deadlines.ics``): a feed reader sends no token. It
answers a conditional GET (``If-None-Match`` with the ETag it was given, or ``If-Modified-Since``) with 304 while
nothing new was sent (:mod:`services.common.conditional`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from fastapi import Path, Request
from fastapi.responses import Response
from typing_extensions import Annotated

from schemas.envelope import CloudEvent
from services.common.api import Routes, answers, field_error
from services.common.conditional import CONDITIONAL_ANSWERS, Validators, conditional_answer, strong_etag
from services.common.cpu_work import CpuWork
from services.common.representation_times import Served

from .atom import MEDIA_TYPE, alerts_feed
from .release_pages import release_pages
from .subscriptions import Subscription
from .unreadable import readable


def feed_routes(subscription: Callable[[str], Awaitable[Subscription | None]],
                events: Callable[[str], Awaitable[list[CloudEvent[Any]]]], *, public_url: str | None,
                since: Callable[[str], Awaitable[datetime]], served: Callable[[str, str], Awaitable[Served | None]],
                cpu: CpuWork, dashboard_url: str | None = None) -> Routes:
    """The feed of each subscription: ``events(id)`` are what it was sent, newest first, ``since(id)`` when its
    feed was first read (its ``updated`` while it is empty), ``served(id, etag)`` when that answer was first
    served (its ``Last-Modified``) and Redis's time (:mod:`services.common.representation_times`); links are made
    under ``public_url`` (``PLEDGEWATCH_PUBLIC_URL``), else under the address the request came to; a release's
    dashboard page under ``dashboard_url`` (``PLEDGEWATCH_DASHBOARD_URL``: the ledger's container under compose)
    when it is set. The feed is written by ``cpu`` in a worker thread: a hundred alerts of many commitments take a
    few hundred ms."""

    async def alerts(request: Request,
                     sub_id: Annotated[str, Path(alias="id", description="The subscription's id.")]) -> Response:
        sub = await readable(subscription, sub_id)
        if sub is None:
            raise field_error(404, "id", f"no subscription {sub_id!r}")
        base = (public_url or str(request.base_url)).rstrip("/")
        dashboard = (dashboard_url or base).rstrip("/")
        sent = await events(sub.id)
        empty_since = await since(sub.id)
        body = await cpu.run(alerts_feed, sent, subscription_id=sub.id,
                             self_url=f"{base}/subscriptions/{quote(sub.id)}/alerts.atom",
                             release_page=release_pages(dashboard), empty_since=empty_since)
        tag = strong_etag(body)
        first = await served(sub.id, tag)
        return conditional_answer(request.headers.getlist, body, Validators(tag, first.since if first else None),
                                  media_type=MEDIA_TYPE, now=datetime.now(timezone.utc),  # the Date the server writes
                                  judged_at=first.now if first else None)

    routes = Routes(tags=["subscriptions"])
    routes.add_api_route("/subscriptions/{id}/alerts.atom", alerts, methods=["GET"], response_class=Response,
                         responses={200: {"content": {"application/atom+xml": {"schema": {"type": "string"}}}},
                                    **CONDITIONAL_ANSWERS, **answers(404, 409, 412)},
                         summary="What a subscription was sent, newest first, as an Atom feed (RFC 4287); "
                                 "the latest 100")
    return routes
