"""The HTTP side of the services: one aiohttp server, routes from each service, one token check."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable

from aiohttp import web
from redis.exceptions import RedisError

from .auth import ApiAuth, auth_middleware
from .logs import ClientErrorsAsWarnings

log = logging.getLogger(__name__)
logging.getLogger("aiohttp.server").addFilter(ClientErrorsAsWarnings())

HealthCheck = Callable[[], Awaitable[None]]
RETRY_AFTER_SECONDS = 5  # what a client is told to wait while Redis cannot be reached


class HttpServer:
    """Serves the given routes plus ``GET /healthz`` on ``host:port``; ``auth`` guards every route but health."""

    def __init__(self, host: str, port: int, *, auth: ApiAuth) -> None:
        self.host, self.port = host, port
        self.app = web.Application(client_max_size=4 * 1024 * 1024,
                                   middlewares=[client_errors, auth_middleware(auth), redis_unavailable])
        self._checks: dict[str, HealthCheck] = {}
        self._runner: web.AppRunner | None = None
        self.app.router.add_get("/healthz", self._health)

    def add_routes(self, routes: Iterable[web.RouteDef]) -> None:
        self.app.router.add_routes(list(routes))

    def add_check(self, name: str, check: HealthCheck) -> None:
        self._checks[name] = check

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        sockets = site._server.sockets if site._server else []  # port 0 picks a free port
        if sockets:
            self.port = sockets[0].getsockname()[1]
        log.info("HTTP on http://%s:%d (health: /healthz)", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _health(self, request: web.Request) -> web.Response:
        status, results = 200, {}
        for name, check in self._checks.items():
            try:
                await check()
                results[name] = "ok"
            except Exception as exc:  # a health check reports, it never raises
                status, results[name] = 503, f"{type(exc).__name__}: {exc}"
        return web.json_response({"status": "ok" if status == 200 else "unhealthy", "checks": results},
                                 status=status)


@web.middleware
async def redis_unavailable(request: web.Request, handler) -> web.StreamResponse:
    """503 with the reason and Retry-After, on every route, while Redis cannot be reached or cannot take
    writes: a client should retry later, not read a 500 as a bug in what it sent."""
    try:
        return await handler(request)
    except RedisError as exc:  # down, loading, read-only in a failover, out of memory: the server's state
        log.warning("%s %s: Redis unavailable: %s", request.method, request.path, exc)
        return web.json_response(
            {"errors": [f"service unavailable: cannot reach Redis ({type(exc).__name__}); try again later"]},
            status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


@web.middleware
async def client_errors(request: web.Request, handler) -> web.StreamResponse:
    """Every 4xx answered, one WARNING line: what the client asked and the status (a 401 is logged by the
    token check, with its reason)."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        _log_client_error(request, exc.status)
        raise
    _log_client_error(request, response.status)
    return response


def _log_client_error(request: web.Request, status: int) -> None:
    if 400 <= status < 500 and status != 401:
        log.warning("%s %s: %d for %s", request.method, request.path, status, request.remote)
