"""What the dashboard answers a browser while Redis cannot be reached or does not answer: a page of its own, not
the API's JSON, saying so, what may have been done, and whether trying again is safe."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from redis.exceptions import RedisError

from services.common.answer_bound import may_have_been_done, not_answering
from services.common.http import log_redis_unavailable, redis_unavailable

Route = Callable[..., Awaitable[Response]]
# The page of a route Redis failed: its heading, the error, and for a change why trying it again is safe.
OutagePage = Callable[[Request, str, RedisError, "str | None"], Response]


def outage_message(exc: RedisError, then: str | None) -> str:
    """The page's words: what is wrong with Redis; for a change (``then``: why a retry is safe) whether it may
    have been done."""
    trouble = str(exc) if not_answering(exc) else f"Redis cannot be reached ({type(exc).__name__})"
    if then is None:
        return f"{trouble}. Try again in a moment."
    done = "it may not have been done" if may_have_been_done(exc) else "nothing was changed"
    return f"{trouble}: {done}. Try again in a moment: {then}."


def page_when_redis_fails(page: OutagePage, heading: Callable[[Request], str],
                          then: str | None = None) -> Callable[[Route], Route]:
    """A route answering ``page`` (with ``heading(request)``) when Redis cannot take its work, instead of the
    server's JSON 503; any other failure, a command Redis refused included, is raised as before."""
    def wrap(route: Route) -> Route:
        @functools.wraps(route)
        async def served(request: Request, *args: Any, **kwargs: Any) -> Response:
            try:
                return await route(request, *args, **kwargs)
            except RedisError as exc:
                if not redis_unavailable(exc):
                    raise
                log_redis_unavailable(request, exc)
                return page(request, heading(request), exc, then)
        return served
    return wrap
