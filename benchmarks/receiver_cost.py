"""The CPU a loopback webhook receiver spends per request, for the servers the benchmarks could use.

    .venv/bin/python benchmarks/receiver_cost.py [--requests 20000] [--runs 5] [--servers aiohttp-app,...]

Each server runs in a process of its own and answers 204 to every POST; this process sends it ``--requests``
signed webhook POSTs (the notifier's ``WebhookSender`` over its shared, keep-alive session, 16 in flight as the
notifier's default per destination, an alert-sized CloudEvent body), after 500 to warm it, and reads the server
process's CPU time (user + system, /proc) before and after. Servers alternate within each run; the median of
``--runs`` runs is printed for each:

- ``aiohttp-app``: aiohttp's ``web.Application`` (router, ``AppRunner``), as the benchmarks used;
- ``aiohttp-server``: aiohttp's low-level ``web.Server`` (a handler, no router);
- ``httptools``: ``loopback_receiver.LoopbackReceiver``, an ``asyncio.Protocol`` over httptools' parser;
- ``uvicorn``: uvicorn with its httptools protocol and a bare ASGI app.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from harness import cpu_seconds  # noqa: E402
from services.common.outbound import TargetPolicy, guarded_session  # noqa: E402
from services.notifier.channels.webhook import WebhookSender  # noqa: E402

SERVERS = ("aiohttp-app", "aiohttp-server", "httptools", "uvicorn")
IN_FLIGHT = 16
WARM_UP = 500


async def serve_aiohttp_app() -> str:
    from aiohttp import web

    async def hook(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/{path}", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]


async def serve_aiohttp_server() -> str:
    from aiohttp import web

    async def hook(request: web.BaseRequest) -> web.Response:
        await request.read()
        return web.Response(status=204)

    server = await asyncio.get_running_loop().create_server(web.Server(hook, access_log=None), "127.0.0.1", 0)
    return f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"


async def serve_httptools() -> str:
    from loopback_receiver import LoopbackReceiver

    return await LoopbackReceiver(lambda path, body: None).start()


async def serve_uvicorn() -> str:
    import uvicorn

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]  # a bare ASGI app
        more = True
        while more:
            message = await receive()
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, http="httptools", lifespan="off", access_log=False, log_level="warning",
                            loop="asyncio")
    server = uvicorn.Server(config)
    asyncio.get_running_loop().create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    return f"http://127.0.0.1:{sock.getsockname()[1]}"


async def serve(kind: str) -> None:
    url = await {"aiohttp-app": serve_aiohttp_app, "aiohttp-server": serve_aiohttp_server,
                 "httptools": serve_httptools, "uvicorn": serve_uvicorn}[kind]()
    print(url, flush=True)
    await asyncio.Event().wait()  # until terminated


def alert_body(i: int) -> bytes:
    """An alert-sized structured CloudEvent (about 2 KB)."""
    return json.dumps({"specversion": "1.0", "type": "pledgewatch.alert", "source": "/notifier", "id": f"a-{i}",
                       "data": {"kind": "alert", "release": {"release_id": f"bench-{i:07d}", "title": "A release"},
                                "commitments": [{"text": "The government will invest £10m. " * 8}] * 6}}).encode()


async def send(url: str, count: int) -> None:
    """``count`` signed POSTs to ``url``, ``IN_FLIGHT`` at a time over one keep-alive session; every one 2xx."""
    policy = TargetPolicy.parse(["127.0.0.0/8"])
    async with guarded_session(policy, timeout=aiohttp.ClientTimeout(total=30), limit=64) as session:
        sender = WebhookSender(f"{url}/everything", "s3cret", timeout=30, targets=policy, session=session)
        queue = iter(range(count))

        async def worker() -> None:
            for i in queue:
                result = await sender.send_rendered(alert_body(i), f"a-{i}")
                if not result.ok:
                    raise SystemExit(f"request {i}: {result.error}")
        await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))


def measure(kind: str, requests: int) -> float:
    """The server's CPU per request, ms."""
    process = subprocess.Popen([sys.executable, __file__, "--serve", kind], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        if not url:
            raise SystemExit(f"{kind}: the server did not start")
        asyncio.run(send(url, WARM_UP))
        before = cpu_seconds(process.pid)
        asyncio.run(send(url, requests))
        return 1000 * (cpu_seconds(process.pid) - before) / requests
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--servers", default=",".join(SERVERS), help="comma-separated, of: " + ", ".join(SERVERS))
    parser.add_argument("--serve", choices=SERVERS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.serve))
        return
    kinds = args.servers.split(",")
    results: dict[str, list[float]] = {kind: [] for kind in kinds}
    for run in range(args.runs):
        for kind in kinds:
            started = time.perf_counter()
            results[kind].append(measure(kind, args.requests))
            print(f"run {run + 1} {kind:<15}{results[kind][-1]:.3f} ms/request "
                  f"({time.perf_counter() - started:.1f} s)", flush=True)
    print(f"\nserver CPU per request, median of {args.runs} runs of {args.requests:,} requests:")
    for kind, values in results.items():
        print(f"  {kind:<15}{statistics.median(values):.3f} ms  (runs {min(values):.3f}-{max(values):.3f})")


if __name__ == "__main__":
    main()
