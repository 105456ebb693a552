"""What the HTTP server's ``MethodsOfPath`` middleware adds to each request, measured alone.

    .venv/bin/python benchmarks/methods_of_path_cost.py [--requests 20000] [--repeats 5]

The routes are those ``pledgewatch run`` serves (ingest, notifier, the ledger with the dashboard, ``/healthz``,
``/metrics``); the middleware wraps an app that does nothing, and is handed requests as uvicorn hands them on: a
``POST /releases`` (what the latency benchmark sends), a ``GET`` of a ledger entry (a path with a parameter, near
the end of the routes), a ``DELETE /releases`` (405) and an ``OPTIONS`` (204). It prints this process's CPU per
request with and without the middleware (the best of ``--repeats`` runs of ``--requests`` requests): the
middleware's own cost, free of HTTP parsing, the token check and the route. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from starlette.types import Message, Receive, Scope, Send  # noqa: E402

from services.common.auth import ApiAuth  # noqa: E402
from services.common.http import HttpServer  # noqa: E402
from services.common.http_middleware import MethodsOfPath  # noqa: E402
from services.common.metrics import registry_with  # noqa: E402
from services.common.settings import Settings  # noqa: E402
from services.dashboard.service import LedgerWithDashboard  # noqa: E402
from services.ingest.service import IngestService  # noqa: E402
from services.notifier.service import NotifierService  # noqa: E402

REQUESTS = (("POST", "/releases"), ("GET", "/ledger/commitments/some-key"), ("DELETE", "/releases"),
            ("OPTIONS", "/subscriptions/s-1"))


async def nothing(scope: Scope, receive: Receive, send: Send) -> None:
    return None


async def received() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def sent(message: Message) -> None:
    return None


def served_router(data_dir: Path):  # type: ignore[no-untyped-def]
    """The router of the HTTP server ``pledgewatch run`` builds, every service's routes added."""
    settings = Settings(redis_url="redis://127.0.0.1:1", data_dir=data_dir, watch=[], subscriptions=None,
                        api_token="a-token-long-enough-for-the-benchmark-0123456789")
    http = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    for service in (IngestService(settings, watch=[], sources=[]), NotifierService(settings),
                    LedgerWithDashboard(settings)):
        http.add_routes(service.routes())

    async def refresh() -> None:
        return None

    http.add_metrics(registry_with(), refresh)
    return http.app.router


async def per_request(app, method: str, path: str, *, requests: int, repeats: int) -> float:  # type: ignore[no-untyped-def]
    """The best CPU microseconds per request through ``app``, over ``repeats`` runs."""
    scope: Scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                    "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
                    "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 0)}
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        for _ in range(requests):
            await app(scope, received, sent)
        best = min(best, (time.process_time() - start) / requests * 1e6)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        router = served_router(Path(data_dir))
    middleware = MethodsOfPath(nothing, router=router)
    for method, path in REQUESTS:
        bare, measured = (asyncio.run(per_request(app, method, path, requests=args.requests, repeats=args.repeats))
                          for app in (nothing, middleware))
        print(f"{method} {path}: {bare:5.1f} µs without, {measured:6.1f} µs with the middleware: "
              f"{measured - bare:+.1f} µs per request")


if __name__ == "__main__":
    main()
