"""A loopback webhook receiver in a process of its own, as a subscriber's endpoint is: it answers 204 to every
POST and notes when each arrived, so what the benchmarks time is the sender, not a receiver sharing its
event loop.

    python benchmarks/webhook_receiver.py    # prints its base URL on the first line of stdout

``GET /arrivals?kind=reminder&count=1000&timeout=60`` answers the arrival times (unix seconds, JSON) of the POSTs
whose CloudEvent has that data kind (all of them without ``kind``) once ``count`` have arrived, or when
``timeout`` seconds have passed: one request waits for a burst, so the sender is not polled during it.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from aiohttp import web


class Arrivals:
    def __init__(self) -> None:
        self.times: list[tuple[float, str | None]] = []  # (arrival, the data's kind)
        self.counts: Counter[str | None] = Counter()  # arrivals by kind, so a waiter's check is not a scan of all
        self.arrived = asyncio.Condition()

    async def hook(self, request: web.Request) -> web.Response:
        body = await request.read()
        kind = json.loads(body).get("data", {}).get("kind")
        self.times.append((time.time(), kind))
        self.counts[kind] += 1
        async with self.arrived:
            self.arrived.notify_all()
        return web.Response(status=204)

    def count(self, kind: str | None) -> int:
        return len(self.times) if kind is None else self.counts[kind]

    def of_kind(self, kind: str | None) -> list[float]:
        return [at for at, of in self.times if kind is None or of == kind]

    async def arrivals(self, request: web.Request) -> web.Response:
        kind, count = request.query.get("kind"), int(request.query.get("count", 0))
        try:
            async with self.arrived:
                await asyncio.wait_for(self.arrived.wait_for(lambda: self.count(kind) >= count),
                                       timeout=float(request.query.get("timeout", 60)))
        except asyncio.TimeoutError:
            pass
        return web.json_response(self.of_kind(kind))


async def main() -> None:
    arrivals = Arrivals()
    app = web.Application()
    app.router.add_post("/hook", arrivals.hook)
    app.router.add_get("/arrivals", arrivals.arrivals)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}", flush=True)  # type: ignore[union-attr]
    await asyncio.Event().wait()  # until the benchmark terminates it


def start_receiver() -> tuple[subprocess.Popen[str], str]:
    """This receiver as a subprocess, and its base URL (terminate the process when done)."""
    process = subprocess.Popen([sys.executable, str(Path(__file__))], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    if not url:
        process.kill()
        raise SystemExit("the webhook receiver did not start")
    return process, url


if __name__ == "__main__":
    asyncio.run(main())
