"""ASGI middleware of the HTTP server: HEAD answered as GET, OPTIONS and 405 naming every method of a path, a
route's path with a trailing slash told so, the request body's size and time bounds, the bound on Redis's answers,
one log line per client error, and ``nosniff`` on every answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from email.utils import formatdate
from typing import Any

from fastapi.routing import APIRoute
from starlette.datastructures import Headers
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .answer_bound import AnswerBound

log = logging.getLogger("services.common.http")
ROUTED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


class BodyTooLarge(Exception):
    """A request body past the server's bound; the server answers 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"over the {limit}-byte limit")


class HttpMiddleware:
    """ASGI middleware that looks at HTTP requests only (:meth:`handle`) and passes anything else on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.handle(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class HeadAsGet(HttpMiddleware):
    """Routes a ``HEAD`` request as the ``GET`` of the same path (RFC 9110 9.3.2: the same headers, no body),
    so uptime checks and link checkers get 200 instead of 405. The server leaves the body out itself: it
    still sees the request as ``HEAD``."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] == "HEAD":
            scope = {**scope, "method": "GET"}
        await self.app(scope, receive, send)


class MethodsOfPath(HttpMiddleware):
    """Answers ``OPTIONS`` with 204 and an ``Allow`` header of every method the path takes (RFC 9110 9.3.7),
    and a method it does not take with 405, the same header and a message naming them. The router alone
    answers OPTIONS with 405, and names in a 405 only the methods of the first route of the path; and, outside
    the token check, a method that cannot work is told so before a token is asked for. A route's path with a
    trailing slash is answered 404 naming the route (:meth:`slash_refusal`); any other unknown path goes on to the
    router's 404. A path a :func:`fallback` route takes (the dashboard's) is answered by it, whatever the method:
    its own 404, or its own 405 of the methods :func:`methods_of` names. A request some route takes as sent goes straight on: the methods of its path are looked for
    only when none does, not on every request."""

    def __init__(self, app: ASGIApp, router: Router) -> None:
        super().__init__(app)
        self.router = router

    def routed(self, scope: Scope) -> bool:
        """Whether some route takes the request of ``scope`` as sent (a ``HEAD`` as the ``GET`` of its path), a
        :func:`fallback` included: it answers a method its path does not take itself, any method but ``OPTIONS``
        (of a path some route takes: its methods, answered here)."""
        method = "GET" if scope["method"] == "HEAD" else scope["method"]
        return method != "OPTIONS" and router_takes(self.router, scope, method, fallbacks=True)

    def allowed(self, scope: Scope) -> set[str]:
        """The methods some route takes at the path of ``scope`` (:func:`methods_of`)."""
        return methods_of(self.router, scope)

    def slash_refusal(self, scope: Scope) -> Response | None:
        """404 naming the route, for a path no route takes that is a route's with a trailing slash added (the
        router's ``redirect_slashes`` is off: its 307 pointed at ``http://<Host>/…``, plain HTTP behind an HTTPS
        proxy not trusted for forwarded headers, where a client following it sent its body again);
        None for any other path."""
        path = scope["path"]
        route = path.rstrip("/")
        if route == path or not route or not self.allowed({**scope, "path": route}):
            return None
        return JSONResponse({"errors": [{"field": "path", "message": (
            f"no route {path}: the route is {route}, without the trailing slash")}]}, status_code=404)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.routed(scope):
            await self.app(scope, receive, send)
            return
        allowed = self.allowed(scope)
        # a fallback answers an OPTIONS of a path no route takes (its own 404) as it answers every other method
        taken = not allowed and router_takes(self.router, scope, scope["method"], fallbacks=True)
        if not allowed and not taken and (refusal := self.slash_refusal(scope)) is not None:
            await refusal(scope, receive, send)
            return
        if not allowed:  # no route of this path: the router's 404, or the fallback's own
            await self.app(scope, receive, send)
            return
        allow = ", ".join(sorted(allowed))
        if scope["method"] == "OPTIONS":
            answer: Response = Response(status_code=204, headers={"Allow": allow})
        else:
            answer = JSONResponse({"errors": [{"field": "method", "message": (
                f"{scope['path']} does not take {scope['method']}; it takes {allow}")}]},
                status_code=405, headers={"Allow": allow})
        await answer(scope, receive, send)


def fallback(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Marks ``endpoint`` as a route's that answers what the other routes of its paths do not take (a site's own
    Not found page, and its 405 of a page asked with a method the page does not take): the methods of a path (an
    ``OPTIONS`` answer, a 405's ``Allow``) are the other routes'."""
    setattr(endpoint, _FALLBACK, True)
    return endpoint


_FALLBACK = "answers_what_no_other_route_takes"


class FallbackRoute(APIRoute):
    """The route of a :func:`fallback`: it takes its paths whatever the method, the methods no route of the app
    is given (``PROPFIND``, ``TRACE``) included, which a route otherwise answers with the router's 405."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child = super().matches(scope)
        return (Match.FULL if match is Match.PARTIAL else match), child

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def _takes(route: BaseRoute, scope: Scope, fallbacks: bool) -> bool:
    """Whether ``route`` takes ``scope``: not when it (or each route of an included router that matches, which
    FastAPI matches through the router without their path parts) does so with a path part matched by nothing,
    nor when it is a :func:`fallback` and ``fallbacks`` is false."""
    if not fallbacks and getattr(getattr(route, "endpoint", None), _FALLBACK, False):
        return False
    match, child = route.matches(scope)
    if match is not Match.FULL:
        return False
    included = getattr(route, "original_router", None)
    if included is None:
        return "" not in child.get("path_params", {}).values()
    inner = [each for each in included.routes if each.matches(scope)[0] is Match.FULL]
    return not inner or any(_takes(each, scope, fallbacks) for each in inner)  # none: matched past them (a prefix)


class BodyTooSlow(Exception):
    """A request body not received in full within the server's bound; the server answers 408."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"not received in full within {seconds:g} s")


def client_of(scope: Scope) -> str:
    return str((scope.get("client") or ("?",))[0])


def body_refused(status: int, exc: Exception, headers: dict[str, str] | None = None) -> JSONResponse:
    """``status`` with ``exc`` as the error of the field ``body``."""
    return JSONResponse({"errors": [{"field": "body", "message": str(exc)}]}, status_code=status, headers=headers)


def too_large(limit: int) -> JSONResponse:
    return body_refused(413, BodyTooLarge(limit))


class BodyLimit(HttpMiddleware):
    """Refuses a body over ``limit`` bytes: at once when Content-Length says so, else when a route reads
    past it (a chunked body), by raising :class:`BodyTooLarge` from ``receive``; and one not received in full
    within ``seconds()`` of the request's start (a client sending it a byte at a time), by raising
    :class:`BodyTooSlow`. What is received once the body is complete (a disconnect) is not bounded."""

    def __init__(self, app: ASGIApp, limit: int, seconds: Callable[[], float] = lambda: float("inf")) -> None:
        super().__init__(app)
        self.limit, self.seconds = limit, seconds

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > self.limit:
            await too_large(self.limit)(scope, receive, send)
            return
        received, complete = 0, False
        seconds = self.seconds()
        deadline = asyncio.get_running_loop().time() + seconds

        async def bounded() -> Message:
            nonlocal received, complete
            if complete:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(deadline - asyncio.get_running_loop().time(), 0))
            except asyncio.TimeoutError:
                raise BodyTooSlow(seconds) from None
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            received += len(message.get("body", b""))
            if received > self.limit:
                raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, bounded, send)


# Paths whose rest is a credential: a signed unsubscribe link in an email (whoever holds it can use it).
CREDENTIAL_PREFIXES = ("/unsubscribe/",)


def router_takes(router: Router, scope: Scope, method: str, *, fallbacks: bool = False) -> bool:
    """Whether some route of ``router`` takes ``method`` at the path of ``scope``, tried as the router would route
    it (the routes of an included router are matched through it), in order, up to the first that does; a route
    whose path part is matched by nothing does not take it, nor a :func:`fallback` unless ``fallbacks``
    (:func:`_takes`)."""
    sent = {**scope, "method": method}  # matching writes into the scope it is given
    return any(_takes(route, sent, fallbacks) for route in router.routes)


def methods_of(router: Router, scope: Scope) -> set[str]:
    """The methods some route of ``router`` takes at the path of ``scope``, ``HEAD`` with ``GET`` and ``OPTIONS``
    with any; none for a path no route takes. A route whose path part is matched by nothing (``/ledger/releases/``:
    an empty release id) does not take it: that is its list's path with a trailing slash; nor a :func:`fallback`."""
    methods = {method for method in ROUTED_METHODS if router_takes(router, scope, method)}
    if "GET" in methods:
        methods.add("HEAD")
    return methods | {"OPTIONS"} if methods else methods


def logged_path(path: str) -> str:
    """``path`` as a log line may show it: a credential in it left out."""
    for prefix in CREDENTIAL_PREFIXES:
        if ("/" + path.lstrip("/")).startswith(prefix):  # "//unsubscribe/…" too, which a client may send
            return prefix + "…"
    return path

class ClientErrorLog(HttpMiddleware):
    """Logs each answer of 400 to 499 at WARNING, one line (the client's mistake, not ours); a 401 is logged by
    the token check, with its reason, and a 429 (too many wrong tokens) once per client and window by
    :mod:`~services.common.wrong_tokens`; server errors where they are raised."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def logged(message: Message) -> None:
            if message["type"] == "http.response.start" and 400 <= message["status"] < 500 \
                    and message["status"] not in (401, 429):
                log.warning("%s %s: %d for %s", scope["method"], logged_path(scope["path"]), message["status"],
                            client_of(scope))
            await send(message)

        await self.app(scope, receive, logged)


class RedisAnswersBounded(HttpMiddleware):
    """Each request's Redis commands wait ``bound`` for an answer (:mod:`~services.common.answer_bound`)."""

    def __init__(self, app: ASGIApp, bound: AnswerBound) -> None:
        super().__init__(app)
        self.bound = bound

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        with self.bound.applied():
            await self.app(scope, receive, send)


NOSNIFF = (b"x-content-type-options", b"nosniff")
DATE = b"date"


class HeaderIfMissing(HttpMiddleware):
    """Adds the header :meth:`header` gives to every answer that does not carry one of its name already."""

    def header(self) -> tuple[bytes, bytes]:
        raise NotImplementedError

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def added(message: Message) -> None:
            if message["type"] == "http.response.start":
                name, value = self.header()
                headers = list(message.get("headers", []))
                if all(each.lower() != name for each, _ in headers):
                    message = {**message, "headers": [*headers, (name, value)]}
            await send(message)

        await self.app(scope, receive, added)


class NoSniff(HeaderIfMissing):
    """Every answer says ``X-Content-Type-Options: nosniff``: a browser takes it as the type it names, never guessing
    another from its bytes (a release's words in a JSON, Atom, iCalendar or CSV answer run as HTML or a script).
    Wrapped around the whole app, so the 500 of an unexpected error says it too; an answer saying it already is
    left as it is."""

    def header(self) -> tuple[bytes, bytes]:
        return NOSNIFF


class DatedWhenSent(HeaderIfMissing):
    """Every answer's ``Date`` is the time its head is sent (RFC 9110 6.6.1), in place of uvicorn's, a copy of the
    time its main loop makes about once a second: an answer made while the loop was held (a large calendar) carried
    a time before it was made, and so before its own ``Last-Modified`` (8.8.2.1). An answer dated already is left
    as it is."""

    def header(self) -> tuple[bytes, bytes]:
        return dated_now()


def dated_now() -> tuple[bytes, bytes]:
    """The ``Date`` header of an answer whose head is sent now."""
    return DATE, formatdate(usegmt=True).encode()
