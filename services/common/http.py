"""The HTTP side of the services: one FastAPI app served by uvicorn, routes from each service, one token check.

The server runs inside the FastStream app's lifecycle (:func:`services.common.service.build_app`), on a task
of its own, never installing signal handlers: the FastStream app handles those and stops it. ``/openapi.json`` documents every route
from its pydantic models.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import socket
from contextlib import AbstractContextManager, nullcontext
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import h11
import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.registry import Collector
from pydantic import BaseModel, Field
from redis.exceptions import RedisError
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from uvicorn.protocols.http.h11_impl import H11Protocol

from pledgewatch import __version__

from .answer_bound import AnswerBound, RedisNotAsked, not_answering
from .api import SERVER, ApiError, Routes
from .errors import readable_message
from .openapi_answers import complete
from .redis_refusals import redis_unavailable
from .auth import ApiAuth, Authenticate
from .bounded_wait import NoAnswer, within
from .worker_liveness import WorkerHealth, stopped_text
from .http_middleware import (NOSNIFF, BodyLimit, BodyTooLarge, BodyTooSlow, ClientErrorLog, DatedWhenSent, HeadAsGet,
                              MethodsOfPath, NoSniff, RedisAnswersBounded, body_refused, dated_now, logged_path,
                              router_takes, too_large)

log = logging.getLogger(__name__)

HealthCheck = Callable[[], Awaitable[None]]
WorkersReport = Callable[[], Awaitable[list[WorkerHealth]]]
Refresh = Callable[[], Awaitable[None]]
RETRY_AFTER_SECONDS = 5  # what a client is told to wait while Redis cannot be reached
MAX_BODY = 4 * 1024 * 1024
SHUTDOWN_GRACE_SECONDS = 5
# How long a request waits on Redis for each answer, and a health check for its own (PLEDGEWATCH_HTTP_REDIS_SECONDS):
# a probe gets a 503 naming the check, and a person a 503 saying Redis is not answering, not a hang while it is frozen.
HEALTH_CHECK_SECONDS = 2.0
HEAD_TIMEOUT_SECONDS = 10.0  # a request's line and headers must have arrived this long after connecting or the last answer
BODY_TIMEOUT_SECONDS = 60.0  # a request body must have arrived in full this long after its head
_NAMED_PATHS = (("dashboard", "/"), ("health", "/healthz"), ("metrics", "/metrics"))


async def _bounded(check: HealthCheck, seconds: float) -> str:
    """A health check's answer: "ok", or why not; never raises, never waits past ``seconds``
    (:func:`~services.common.bounded_wait.within`: not even for a Redis client stuck on a frozen server)."""
    try:
        await within(check(), seconds)
    except NoAnswer as exc:
        return str(exc)
    except Exception as exc:  # a health check reports, it never raises
        return str(exc) if not_answering(exc) else f"{type(exc).__name__}: {exc}"
    return "ok"


async def _read_into(report: list[WorkerHealth], read: WorkersReport) -> None:
    report.extend(await read())


class HealthReport(BaseModel):
    status: str = Field(description='"ok"; "unhealthy" (503) when a service\'s check fails; "degraded" (200) when '
                                    'every check passes but a process of `pledgewatch run --workers` has stopped.')
    checks: dict[str, str] = Field(description='Each service\'s check: "ok", or why not; with several workers, '
                                               '"workers" too, naming each one stopped and since when.')
    workers: list[WorkerHealth] | None = Field(
        default=None, description="With `pledgewatch run --workers N`: each process, its state and last heartbeat.")


class _HeadInTime(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing a connection whose request head has not arrived in full within
    :data:`HEAD_TIMEOUT_SECONDS` of its connecting or of its last answer. uvicorn bounds neither: a client sending
    nothing, or its headers a byte at a time (slow-loris), would hold its socket, a file descriptor of the process
    that also reaches Redis and the channels, for ever. A request once read is not bounded here."""

    _head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_head()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        """uvicorn's 400 to a request it cannot parse (a malformed request line or header, a head past h11's bound),
        answered before the app sees a request, which closes the connection; a route the request's head started
        is then told the client is gone. Otherwise its answer, sent after this one, raised in uvicorn's send: an
        ERROR with a traceback, which any client could write to the log at will. uvicorn's h11 protocol sends this
        400 without the headers of ``Config(headers=...)``, and so without those every other answer carries
        (``nosniff``, ``Date``, added by the app's middleware): it is written here as uvicorn writes it, a fixed
        text/plain sentence, nothing of the request's, with those two."""
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close"), NOSNIFF, dated_now()]
        for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
                      h11.Data(data=msg.encode("ascii")), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event))
        self.transport.close()
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True
            self.cycle.message_event.set()  # a route waiting for the body reads that the client disconnected

    def _await_head(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
        self._head_deadline = self.loop.call_later(HEAD_TIMEOUT_SECONDS, self._head_overdue)

    def _head_overdue(self) -> None:
        serving = self.cycle is not None and not self.cycle.response_complete
        if not serving and not self.transport.is_closing():
            try:
                self.conn.send(h11.ConnectionClosed())
            except h11.LocalProtocolError:  # h11 in a state that cannot say so: the socket closes all the same
                pass
            self.transport.close()


class _Quiet(uvicorn.Server):
    """uvicorn without signal handlers: the FastStream app that runs it handles the signals."""

    def capture_signals(self) -> AbstractContextManager[None]:
        return nullcontext()


class HttpServer:
    """Serves the given routes plus ``GET /healthz`` on ``host:port``; ``auth`` guards every route but health.

    ``trusted_proxies`` (addresses and CIDR networks): the reverse proxies whose ``X-Forwarded-For`` and
    ``X-Forwarded-Proto`` are believed, by uvicorn's proxy-headers middleware, in front of everything else: for
    a request from one of them, the client's address (what the log names, and what the limit of wrong tokens
    counts) and the scheme (``https``: the dashboard's cookie is Secure) are the ones it forwards. None by
    default: the headers are ignored, whoever sends them. The routes find the count of wrong tokens, which the
    dashboard's sign-in shares with the token check, at ``request.app.state.wrong_tokens``: counted in Redis once
    it is given one (:meth:`~services.common.wrong_tokens.WrongTokens.share`, as :func:`~services.common.service.build_app`
    does), so that every process serving HTTP against that Redis shares them.

    ``redis_seconds``: how long a request waits on Redis for each answer, through a
    :class:`~services.common.runtime.Runtime`'s pool (:mod:`~services.common.answer_bound`), and ``/healthz`` for each
    check; past it, 503 saying Redis is not answering, and at once so for the requests of the cool-down after."""

    def __init__(self, host: str, port: int, *, auth: ApiAuth, title: str = "pledgewatch",
                 trusted_proxies: Sequence[str] = (), redis_seconds: float = HEALTH_CHECK_SECONDS) -> None:
        self.host, self.port = host, port
        self.redis_answers = AnswerBound(redis_seconds)
        self.trusted_proxies = list(trusted_proxies)
        # no redirect to a path without its trailing slash: a 404 names it (MethodsOfPath)
        self.app = FastAPI(title=title, version=__version__, docs_url=None, redoc_url=None, redirect_slashes=False)
        self.app.state.wrong_tokens = auth.wrong_tokens
        self.app.add_middleware(HeadAsGet)  # innermost: the token check and the log see the method sent
        self.app.add_middleware(BodyLimit, limit=MAX_BODY, seconds=lambda: BODY_TIMEOUT_SECONDS)
        self.app.add_middleware(Authenticate, auth=auth)
        self.app.add_middleware(MethodsOfPath, router=self.app.router)  # asking what a path takes needs no token
        self.app.add_middleware(ClientErrorLog)
        self.app.add_middleware(RedisAnswersBounded, bound=self.redis_answers)  # the token check's commands too
        self.app.add_exception_handler(RedisError, _redis_error)
        self.app.add_exception_handler(ApiError, lambda _, exc: exc.response())
        self.app.add_exception_handler(BodyTooLarge, lambda _, exc: too_large(MAX_BODY))
        self.app.add_exception_handler(BodyTooSlow, lambda _, exc: body_refused(408, exc, {"Connection": "close"}))
        self.app.add_exception_handler(RequestValidationError, _invalid_request)
        self.app.add_exception_handler(HTTPException, _http_error)
        # a client gone before its body was in full (or whose body uvicorn could not parse): a client error, answered
        # to no one but logged as one, not an ERROR with a traceback any client could write
        self.app.add_exception_handler(ClientDisconnect, lambda _, exc: body_refused(400, ClientGone()))
        # anything else a route or a middleware raises: a 500 in the shape of every error, not Starlette's line of
        # text; still logged by uvicorn as an ERROR with its traceback, which the handler lets through
        self.app.add_exception_handler(Exception, _unexpected)
        self.app.openapi = self._openapi  # type: ignore[method-assign]
        self.app.add_api_route("/healthz", self._health, methods=["GET"], response_model=HealthReport,
                               responses={503: {"model": HealthReport}}, summary="Health of each service")
        self._models: list[type[BaseModel]] = []  # for the document: bodies routes read themselves, answers
        self._checks: dict[str, HealthCheck] = {}
        self._workers: WorkersReport | None = None
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    def add_routes(self, routes: Routes) -> None:
        self.app.include_router(routes)
        self._models += routes.body_models + routes.answer_models
        self.app.openapi_schema = None

    def add_check(self, name: str, check: HealthCheck) -> None:
        self._checks[name] = check

    def add_workers(self, report: WorkersReport) -> None:
        """``/healthz`` lists the processes ``report`` judges, and is "degraded" while one of them has stopped."""
        self._workers = report

    def add_metrics(self, registry: Collector, refresh: Refresh) -> None:
        """``GET /metrics``: what ``registry`` collects, in the Prometheus text format, ``refresh`` awaited before each scrape
        (it reads what the registry's collectors report). A read like any other: see
        :func:`~services.common.auth.needs_token`."""
        async def metrics() -> Response:
            await refresh()
            return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)  # type: ignore[arg-type]

        self.app.add_api_route("/metrics", metrics, methods=["GET"], response_class=Response,
                               responses={200: {"content": {"text/plain": {}}, "description": (
                                   "Every series, also while Redis is out of reach: then the values read from Redis "
                                   "are left out and `pledgewatch_redis_up` is 0.")}},
                               summary="Counters and stream values in the Prometheus text format")
        self.app.openapi_schema = None

    async def start(self) -> None:
        family, kind, proto, _, _ = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)[0]
        # proto IPPROTO_TCP, not 0: asyncio turns Nagle off only on such sockets (else a kept-alive client
        # waits 40 ms for each answer's body, held back until its head is acknowledged)
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]  # port 0 picks a free port
        # uvicorn's own INFO lines (started, shutting down, each request) are noise beside ours. NoSniff is around the
        # app's own middleware, so that the 500 of an unexpected error is marked too; and so is DatedWhenSent, whose
        # Date takes the place of uvicorn's.
        config = uvicorn.Config(DatedWhenSent(NoSniff(self.app)), log_config=None, log_level=logging.WARNING,
                                access_log=False, date_header=False,
                                lifespan="off", http=_HeadInTime,
                                proxy_headers=bool(self.trusted_proxies),
                                forwarded_allow_ips=self.trusted_proxies, server_header=False,
                                timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS)
        self._server = _Quiet(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]), name="http")
        while not self._server.started:
            if self._task.done():
                await self._task  # raises what stopped it
                raise RuntimeError(f"HTTP server on {self.host}:{self.port} stopped while starting")
            await asyncio.sleep(0.005)
        log.info("HTTP on http://%s:%d (%s)", self.host, self.port, self._served())

    def _served(self) -> str:
        """What the start-up line names: each of the dashboard, health and metrics that is served, and the API."""
        served = [f"{name}: {path}" for name, path in _NAMED_PATHS
                  if router_takes(self.app.router, {"type": "http", "path": path, "root_path": ""}, "GET")]
        return ", ".join([*served, "API: /openapi.json"])

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
            self._server = self._task = None

    async def _health(self) -> JSONResponse:
        names = list(self._checks)
        workers: list[WorkerHealth] = []
        checks = {name: self._checks[name] for name in names}
        if self._workers is not None:
            names.append("workers")
            checks["workers"] = functools.partial(_read_into, workers, self._workers)
        answers = await asyncio.gather(*(_bounded(checks[name], self.redis_answers.seconds) for name in names))
        results = dict(zip(names, answers))
        if results.get("workers") == "ok":  # read: now judged
            results["workers"] = stopped_text(workers) or "ok"
        services_ok = all(answer == "ok" for name, answer in results.items() if name != "workers")
        status = "unhealthy" if not services_ok else "ok" if all(a == "ok" for a in results.values()) else "degraded"
        body = HealthReport(status=status, checks=results, workers=workers).model_dump()
        if self._workers is None:
            del body["workers"]  # a process alone: as ever, its checks
        # degraded stays 200: the API and every service answer, so a probe keeps sending traffic here
        return JSONResponse(body, status_code=200 if services_ok else 503)

    def _openapi(self) -> dict[str, Any]:
        if self.app.openapi_schema is None:
            document = get_openapi(title=self.app.title, version=self.app.version, routes=self.app.routes,
                                   description="pledgewatch's HTTP API: releases in, subscriptions, the "
                                               "commitments ledger.")
            self.app.openapi_schema = complete(document, self._models)
        return self.app.openapi_schema


def _redis_trouble(exc: RedisError) -> str:
    """What keeps Redis from the work, for a person: not answering within the bound, or not reached."""
    return str(exc) if not_answering(exc) else f"cannot reach Redis ({type(exc).__name__})"


def log_redis_unavailable(request: Request, exc: RedisError) -> None:
    """A line for a request Redis failed; at DEBUG for one not sent to it, which the bound told once already."""
    log.log(logging.DEBUG if isinstance(exc, RedisNotAsked) else logging.WARNING, "%s %s: Redis unavailable: %s",
            request.method, logged_path(request.url.path), exc)


async def _redis_error(request: Request, exc: Exception) -> JSONResponse:
    """503 with the reason and Retry-After, on every route, while Redis cannot be reached or cannot take
    writes: a client should retry later, not read a 500 as a bug in what it sent. A command Redis refused
    is a 500, logged with its traceback: retrying would not help."""
    assert isinstance(exc, RedisError)
    if not redis_unavailable(exc):
        log.error("%s %s: Redis refused a command: %s", request.method, logged_path(request.url.path), exc,
                  exc_info=exc)
        return server_error(500, f"internal error: Redis refused a command ({type(exc).__name__}); see the "
                                 "server's log")
    log_redis_unavailable(request, exc)
    return server_error(503, f"service unavailable: {_redis_trouble(exc)}; try again later",
                        {"Retry-After": str(RETRY_AFTER_SECONDS)})


def server_error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """``status`` with ``message`` as the error of the field ``server``: the server's own failure, not the request's."""
    return JSONResponse({"errors": [{"field": SERVER, "message": message}]}, status_code=status, headers=headers)


class ClientGone(Exception):
    def __init__(self) -> None:
        super().__init__("the client left before sending it in full")


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    """A failure no handler of its own answers: a Redis error raised outside a route (by a middleware) as a route's
    is answered, anything else as a 500 naming nothing of the failure (the log has it)."""
    if isinstance(exc, RedisError):
        return await _redis_error(request, exc)
    return server_error(500, "internal error: see the server's log")


async def _invalid_request(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"field": str(error["loc"][-1]) if error["loc"] else "request", "message": readable_message(error)}
              for error in exc.errors()]
    return JSONResponse({"errors": errors}, status_code=422)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404 and "route" not in request.scope:  # the router's: no route has this path
        error = {"field": "path", "message": f"no route {request.url.path}: /openapi.json lists every route"}
    else:
        error = {"field": "request", "message": str(exc.detail)}
    return JSONResponse({"errors": [error]}, status_code=exc.status_code, headers=exc.headers)
