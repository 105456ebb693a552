"""Latency against offered load: a release published to its alert at a webhook, p50 / p95 / p99.

    .venv/bin/pip install -e '.[bench]'        # matplotlib, for the plot
    .venv/bin/python benchmarks/latency.py [--rates 50,100,200,500] [--seconds 10] [--plot latency.png]

One embedded Redis, the classifier and the notifier as separate ``faststream run`` processes (as
``benchmarks/pipeline_throughput.py`` starts them), one webhook subscriber taking everything on a loopback
receiver. At each offered rate, releases that each hold a commitment are published to the releases stream at
an even pace for ``--seconds``, as ingest publishes them; the latency of a release is from its publish to the
arrival of its alert. A rate the pipeline cannot sustain shows as latency that grows with the run. Prints one
line per rate and writes the plot (percentiles against offered rate). Nothing is asserted.

``--stages`` prints, for each rate, where the time went: publish to the release's classification on its stream
(the classifier), to its alert on the alerts stream (the notifier's consumer), to the webhook (delivery). The
stream entries' ids are Redis's clock in milliseconds, so each stage is good to about a millisecond. It prints
too how many releases a consumer's read held on average (both consumers' XREADGROUPs, the empty ones that
time out included), and where Redis spent its time per release (``INFO commandstats``: a script's time holds
its own commands', which show on their own lines as well).

The CPU columns are per release offered, from ``/proc``: the classifier, the notifier, Redis, and this
benchmark's own process (the load generator and the webhook receiver, which share the 2 cores with the rest).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import string
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import redis
import redis.asyncio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from harness import cpu_seconds, start_service, wait_until  # noqa: E402
from loopback_receiver import LoopbackReceiver  # noqa: E402
from schemas import ReleasePublished, ReleasePublishedEvent  # noqa: E402
from schemas.streams import ALERTS, CLASSIFIED, EVENT_FIELD, RELEASES  # noqa: E402
from services.common.embedded_redis import EmbeddedRedis  # noqa: E402
from services.ingest.identity import content_hash  # noqa: E402

PREFIX = "bench:"
BODY = ("The Home Office{actor} will invest £{n}m over the next three years in counter-terrorism policing, "
        "and companies{actor} must remove terrorist content within one hour of being notified.")


def release_event(i: int, *, distinct: bool = False) -> bytes:
    """The ``i``-th release. Its two commitments announce again those of the releases before it (the same
    words; the amount repeats every 90), so each alert lists its chains' announcements (up to 100): the
    notifier's worst case. ``distinct``: the actors are the release's own (a word of its own after each), so
    no commitment repeats another."""
    actor = " Copy" + "".join(string.ascii_lowercase[int(d)] for d in str(i)).capitalize() if distinct else ""
    title, body = f"Release {i}", BODY.format(n=i % 90 + 10, actor=actor)
    release = ReleasePublished(release_id=f"lat-{i:07d}", version=1, url=f"https://example.org/lat/{i}",
                               title=title, published_at=datetime(2026, 1, 5, tzinfo=timezone.utc), source="bench",
                               body=body, content_hash=content_hash(title, body))
    return ReleasePublishedEvent.wrap(release, id=f"{release.release_id}/v1", source="/bench",
                                      time=datetime.now(timezone.utc), subject=release.release_id).to_json()


class Receiver:
    """Records when each release's alert arrived."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.arrived_wall: dict[str, float] = {}
        self.server = LoopbackReceiver(self.hook)

    def hook(self, path: bytes, body: bytes) -> None:
        release_id = json.loads(body)["data"]["release"]["release_id"]
        self.arrived[release_id], self.arrived_wall[release_id] = time.perf_counter(), time.time()

    async def start(self) -> str:
        return await self.server.start() + "/hook"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def entry_ms(entry_id: bytes) -> int:
    return int(entry_id.split(b"-")[0])


def stream_times(client: redis.Redis, stream: str, since: bytes, release_of) -> dict[str, int]:  # noqa: ANN001
    """When each release's entry was added to ``stream`` after ``since`` (Redis's clock, ms)."""
    times: dict[str, int] = {}
    for entry_id, fields in client.xrange(PREFIX + stream, min=since):
        times.setdefault(release_of(json.loads(fields[EVENT_FIELD.encode()])["data"]), entry_ms(entry_id))
    return times


def stages(client: redis.Redis, receiver: Receiver, published: dict[str, bytes]) -> dict[str, tuple[float, float]]:
    """p50 and p99 of each stage of the releases ``published`` (release id -> its entry's id), in ms."""
    since = min(published.values())
    classified = stream_times(client, CLASSIFIED, since, lambda data: data["release_id"])
    alerted = stream_times(client, ALERTS, since, lambda data: data["release"]["release_id"])
    spans: dict[str, list[float]] = {"classifier": [], "notifier": [], "delivery": []}
    for rid, entry_id in published.items():
        at = entry_ms(entry_id)
        spans["classifier"].append(classified[rid] - at)
        spans["notifier"].append(alerted[rid] - classified[rid])
        spans["delivery"].append(1000 * receiver.arrived_wall[rid] - alerted[rid])
    return {name: (statistics.median(ms), percentile(ms, 0.99)) for name, ms in spans.items()}


async def offer(client: redis.Redis, publisher: redis.asyncio.Redis, receiver: Receiver, rate: float, seconds: float,
                first: int, distinct: bool = False, pids: dict[str, int] | None = None) -> dict:
    """Publish ``rate`` releases a second for ``seconds`` (through ``publisher``: the receiver shares this
    process's event loop, and a blocking XADD would hold it while Redis answers, which under load was half the
    run); wait for their alerts; the latency figures, the receiver's loop lag (how late a 5 ms sleep of this
    process woke), and the CPU each of ``pids`` (name -> process id) spent per release meanwhile (ms)."""
    pids = pids or {}
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    calls_before, usec_before = command_calls(client), command_calls(client, "usec")
    count = int(rate * seconds)
    sent: dict[str, float] = {}
    published: dict[str, bytes] = {}
    lags: list[float] = []
    lag_probe = asyncio.create_task(loop_lag(lags))
    start = time.perf_counter()
    for i in range(count):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        n = first + i
        published[f"lat-{n:07d}"] = await publisher.xadd(PREFIX + RELEASES,
                                                         {EVENT_FIELD: release_event(n, distinct=distinct)})
        sent[f"lat-{n:07d}"] = time.perf_counter()
    await wait_until(lambda: all(rid in receiver.arrived for rid in sent), timeout=120 + seconds,
                     what=f"the alerts at {rate:g}/s")
    lag_probe.cancel()
    cpu = {name: 1000 * (cpu_seconds(pid) - cpu_before[name]) / count for name, pid in pids.items()}
    calls = {name: n - calls_before.get(name, 0) for name, n in command_calls(client).items()}
    usec = {name: n - usec_before.get(name, 0) for name, n in command_calls(client, "usec").items()}
    ms = [1000 * (receiver.arrived[rid] - at) for rid, at in sent.items()]
    achieved = count / (time.perf_counter() - start)
    return {"rate": rate, "n": count, "p50": statistics.median(ms), "p95": percentile(ms, 0.95),
            "p99": percentile(ms, 0.99), "max": max(ms), "achieved": achieved,
            "stages": stages(client, receiver, published), "cpu": cpu,
            "reads": calls.get("xreadgroup", 0), "loop_lag": (percentile(lags, 0.5), percentile(lags, 0.99)), "commands": sum(calls.values()) / count,
            "top": sorted(usec.items(), key=lambda kv: -kv[1])[:8], "calls": calls}


async def loop_lag(lags: list[float]) -> None:
    """How late each 5 ms sleep of this process wakes (ms), until cancelled."""
    while True:
        slept = time.perf_counter()
        await asyncio.sleep(0.005)
        lags.append(1000 * (time.perf_counter() - slept) - 5)


def command_calls(client: redis.Redis, measure: str = "calls") -> dict[str, int]:
    """Calls of each Redis command so far (INFO commandstats; a script's commands included); ``measure="usec"``:
    the microseconds Redis spent in them (a script's own commands counted in its EVALSHA too)."""
    return {name.removeprefix("cmdstat_"): stats[measure] for name, stats in client.info("commandstats").items()}


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for name in ("p50", "p95", "p99"):
        ax.plot([r["rate"] for r in rows], [r[name] for r in rows], marker="o", label=name)
    ax.set_xlabel("offered load (releases/s)")
    ax.set_ylabel("publish to webhook (ms)")
    ax.set_yscale("log")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    ax.set_title("pledgewatch: latency against offered load")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


async def run(rates: list[float], seconds: float, plot_path: Path | None, show_stages: bool, distinct: bool,
              delivery_process: bool = False) -> None:
    receiver = Receiver()
    hook = await receiver.start()
    rows = []
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp) / "redis") as redis_url:
        subscriptions = Path(tmp) / "subscriptions.yaml"
        subscriptions.write_text(f'subscriptions:\n  - {{id: all, reminders: [], channels: [{{webhook: {{url: "{hook}"}}}}]}}\n')
        client = redis.Redis.from_url(redis_url)
        publisher = redis.asyncio.Redis.from_url(redis_url)
        env = {**os.environ, "REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": PREFIX, "PLEDGEWATCH_LOG_LEVEL": "WARNING",
               "PLEDGEWATCH_SUBSCRIPTIONS": str(subscriptions), "PLEDGEWATCH_ALLOW_PRIVATE_TARGETS": "127.0.0.0/8",
               "PLEDGEWATCH_HTTP_PORT": "0", "PYTHONPATH": str(ROOT), "PLEDGEWATCH_API_TOKEN": "x" * 32}
        kinds = ("classifier", "notifier", *(("delivery",) if delivery_process else ()))
        if delivery_process:
            env["PLEDGEWATCH_DELIVERY_PROCESS"] = "true"
        procs = [start_service(kind, {**env, "PLEDGEWATCH_CONSUMER": kind}, Path(tmp) / f"{kind}.log")
                 for kind in kinds]
        try:
            def ready() -> bool:
                try:
                    return bool(client.xinfo_groups(PREFIX + RELEASES)) and bool(client.xinfo_groups(PREFIX + CLASSIFIED))
                except redis.ResponseError:
                    return False
            await wait_until(ready, timeout=60, what="the services to start", step=0.2)
            await offer(client, publisher, receiver, 20, 1, first=0, distinct=distinct)  # warm-up: connections, imports, caches
            first = 100
            pids = {kind: p.pid for kind, p in zip(kinds, procs)}
            pids["redis"] = int(client.info("server")["process_id"])
            pids["benchmark"] = os.getpid()  # the load generator and the webhook receiver
            print(f"{'offered/s':>10}{'sent':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
                  f"   CPU ms per release: {' / '.join(name if name != 'redis' else 'Redis' for name in pids)}")
            for rate in rates:
                row = await offer(client, publisher, receiver, rate, seconds, first, distinct, pids)
                first += row["n"]
                rows.append(row)
                print(f"{rate:>10g}{row['n']:>7}{row['p50']:>9.1f}{row['p95']:>9.1f}{row['p99']:>9.1f}{row['max']:>9.1f}"
                      f"   {' / '.join(f'{ms:.2f}' for ms in row['cpu'].values())}", flush=True)
                if show_stages:
                    print("          " + ", ".join(f"{name} {p50:.0f} / {p99:.0f}"
                                                   for name, (p50, p99) in row["stages"].items()) + " ms (p50 / p99)")
                    per_read = 2 * row["n"] / max(1, row["reads"])  # each release is read by both consumers
                    print(f"          releases per XREADGROUP (both consumers' reads, empty ones too) {per_read:.1f}; "
                          f"Redis commands per release {row['commands']:.1f}; the receiver's loop lag "
                          f"{row['loop_lag'][0]:.1f} / {row['loop_lag'][1]:.1f} ms (p50 / p99)")
                    print("          Redis µs per release (calls): " + ", ".join(
                        f"{name} {n / row['n']:.0f} ({row['calls'].get(name, 0) / row['n']:.2f})"
                        for name, n in row["top"]))
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(timeout=15)
            client.close()
            await publisher.aclose()
        await receiver.server.close()
    if plot_path is not None and rows:
        plot(rows, plot_path)
        print(f"plot: {plot_path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rates", default="50,100,200,500", help="offered rates, releases/s, comma-separated")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long each rate is offered")
    parser.add_argument("--plot", type=Path, default=None, help="write the plot here (PNG; needs matplotlib)")
    parser.add_argument("--stages", action="store_true", help="print each stage's p50 and p99 too")
    parser.add_argument("--distinct", action="store_true", help="each release's commitments its own (no re-announcements)")
    parser.add_argument("--delivery-process", action="store_true",
                        help="the notifier sends nothing: a delivery process of its own sends (PLEDGEWATCH_DELIVERY_PROCESS)")
    args = parser.parse_args()
    asyncio.run(run([float(r) for r in args.rates.split(",")], args.seconds, args.plot, args.stages, args.distinct,
                    args.delivery_process))


if __name__ == "__main__":
    main()
