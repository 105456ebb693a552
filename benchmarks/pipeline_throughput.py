"""Throughput of the pipeline, side by side with its ceilings, measured in the same run.

    .venv/bin/python benchmarks/pipeline_throughput.py [--releases 5000] [--classifiers 1] [--notifiers 1]
    .venv/bin/python benchmarks/pipeline_throughput.py --workers 2
    .venv/bin/python benchmarks/pipeline_throughput.py --releases 2000 --distinct

One embedded Redis (AOF, appendfsync everysec, as ``pledgewatch run``), the classifier and the notifier
as separate ``faststream run`` processes (or, with ``--workers N``, N processes each running the classifier,
the notifier and the ledger, as ``pledgewatch run --workers N`` does), four webhook subscribers on a loopback receiver (everything,
counter-terrorism, funding, one keyword). Real-shaped releases (the labelled training releases and the seed,
cycled, each copy with its own id) are written to the releases stream as a backlog in pipelined batches, as
ingest publishes them, and the run times how long the services take to:

- classify them all (``release.classified``);
- publish every alert (the notifier's group has read and acknowledged every classified entry);
- deliver every alert to the receiver.

In the same run it measures the two ceilings:

- **raw Redis streams**: redis-py XADD (pipelined, 100 a batch), then XREADGROUP COUNT 100 and XACK per batch,
  with the same payloads, on another stream;
- **the pure work alone**: ``classify`` over every release and the notifier's pure ``matching_commitments`` over
  every classified release and subscriber, in this process, on one core.

By default every copy after the first announces its commitments again (the re-announcement index's worst
case); with ``--distinct`` each copy's actors are its own, so that almost nothing repeats.

It prints releases/s for each stage, the ratio to each ceiling, the CPU each process (and each service's main
thread, and this process: the backlog written, its polls, the receiver) spent per release, the share of the
services' CPU that is not the pure work (messaging, framework, Redis), and, phase by phase, the cores each process
kept busy, the machine's CPU other work took, the idle, and each main thread's time on a core, waiting for one,
and waiting for something else. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import signal
import string
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from harness import cpu_seconds, cpu_split, main_thread_time, start_service, start_worker, wait_until  # noqa: E402
from loopback_receiver import LoopbackReceiver  # noqa: E402
from schemas import ReleasePublished, ReleasePublishedEvent  # noqa: E402
from schemas.streams import ALERTS, CLASSIFIED, CLASSIFIER_GROUP, EVENT_FIELD, NOTIFIER_GROUP, RELEASES  # noqa: E402
from services.classifier.core import classify  # noqa: E402
from services.common.embedded_redis import EmbeddedRedis  # noqa: E402
from services.common.settings import Settings  # noqa: E402
from services.ingest.identity import content_hash  # noqa: E402
from services.notifier.matching import matching_commitments  # noqa: E402
from services.notifier.store import load_file  # noqa: E402

PREFIX = "bench:"
BATCH = 100


def corpus() -> list[dict]:
    """The labelled training releases and the seed, as ``ReleasePublished`` fields."""
    releases = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "tests/data/releases").glob("*.json"))]
    seed = ROOT / "seeds" / "2017-11-29-uk-counterterror-iraq.txt"
    releases.append({"title": "UK support to Iraq", "url": "https://www.gov.uk/government/news/seed",
                     "published_at": "2017-11-29T00:00:00+00:00", "body": seed.read_text(encoding="utf-8")})
    return releases


def events(n: int, base: list[dict], *, size: int = 1, recent: bool = False, distinct: bool = False
           ) -> list[tuple[ReleasePublished, bytes]]:
    """``n`` releases, each with its own id and URL, cycling through ``base``; with their encoded events.
    ``size``: each body that many times over; ``recent``: published yesterday, so that relative deadlines fall
    in the future (and get reminders); ``distinct``: each copy's actors made its own (see :func:`distinct_copy`),
    so that a copy announces again nothing of an earlier one."""
    out = []
    now = datetime.now(timezone.utc)
    actors = base_actors(base) if distinct else []
    for i in range(n):
        item = base[i % len(base)]
        if distinct:
            item = distinct_copy(item, actors[i % len(base)], i // len(base))
        body = "\n\n".join([item["body"]] * size)
        release = ReleasePublished(
            release_id=f"bench-{i:06d}", version=1, url=f"https://example.org/releases/{i}", title=item["title"],
            published_at=now - timedelta(days=1) if recent else item["published_at"], source="bench", body=body,
            content_hash=content_hash(item["title"], body), organisations=item.get("organisations", []))
        event = ReleasePublishedEvent.wrap(release, id=f"{release.release_id}/v1", source="/bench", time=now,
                                           subject=release.release_id)
        out.append((release, event.to_json()))
    return out


def base_actors(base: list[dict]) -> list[re.Pattern[str] | None]:
    """For each release of ``base``: the actors its commitments name, as one pattern (None when none)."""
    out = []
    for item in base:
        release = ReleasePublished(release_id="actors", version=1, url="https://example.org/releases/actors",
                                   title=item["title"], published_at=item["published_at"], source="bench",
                                   body=item["body"], content_hash=content_hash(item["title"], item["body"]))
        names = sorted({c.actor for c in classify(release).commitments}, key=len, reverse=True)
        out.append(re.compile("|".join(rf"\b{re.escape(a)}\b" for a in names)) if names else None)
    return out


def distinct_copy(item: dict, actors: re.Pattern[str] | None, copy: int) -> dict:
    """The ``copy``-th copy of ``item`` (0: itself), its actors its own: a word of the copy's after every actor
    its commitments name, in the title, and as its publisher (the actor of its "we" and its passive pledges).
    The classifier keeps the word in the actor, so the copy's commitments share no actor with another copy's
    (a few whose actor the text names otherwise still do)."""
    if copy == 0:
        return item
    word = "Copy" + "".join(string.ascii_lowercase[int(d)] for d in str(copy)).capitalize()
    body = actors.sub(lambda m: f"{m.group()} {word}", item["body"]) if actors else item["body"]
    return {**item, "title": f"{item['title']} ({word})", "body": body, "organisations": [f"Bench Office {word}"]}


SUBSCRIPTION_SET = """  - {{id: everything{k}, reminders: {r}, channels: [{{webhook: {{url: "{hook}/everything"}}}}]}}
  - {{id: ct-desk{k}, filter: {{counter_terrorism: true}}, reminders: {r}, channels: [{{webhook: {{url: "{hook}/ct"}}}}]}}
  - {{id: funding{k}, filter: {{categories: [funding]}}, reminders: {r}, channels: [{{webhook: {{url: "{hook}/funding"}}}}]}}
  - {{id: police{k}, filter: {{keywords: [police]}}, reminders: {r}, channels: [{{webhook: {{url: "{hook}/police"}}}}]}}
"""


def subscriptions_yaml(hook: str, *, sets: int, reminders: int) -> str:
    """``sets`` copies of four webhook subscribers (everything, counter-terrorism, funding, a keyword), each
    reminded ``reminders`` times before a deadline (1 to ``reminders`` days)."""
    offsets = "[" + ", ".join(f"P{d}D" for d in range(1, reminders + 1)) + "]"
    return "subscriptions:\n" + "".join(SUBSCRIPTION_SET.format(hook=hook, k=f"-{k}" if k else "", r=offsets)
                                        for k in range(sets))


def max_rss_mb(pid: int) -> float:
    """Peak resident memory of process ``pid`` so far, in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def command_calls(client: redis.Redis, measure: str = "calls") -> Counter[str]:
    """Calls of each Redis command so far (INFO commandstats); ``measure="usec"``: the microseconds Redis spent
    in each (a script's include those of the commands it calls, which are counted too)."""
    return Counter({name.removeprefix("cmdstat_"): stats[measure]
                    for name, stats in client.info("commandstats").items()})


def traffic(client: redis.Redis) -> Counter[str]:
    """Bytes Redis has read from and written to its clients so far (INFO stats)."""
    stats = client.info("stats")
    return Counter({"in": stats["total_net_input_bytes"], "out": stats["total_net_output_bytes"]})


def raw_ceiling(client: redis.Redis, payloads: list[bytes]) -> float:
    """Messages per second through XADD + XREADGROUP + XACK, batches of ``BATCH``, on a stream of its own."""
    stream, group = f"{PREFIX}ceiling", "ceiling"
    client.delete(stream)
    client.xgroup_create(stream, group, id="0", mkstream=True)
    start = time.perf_counter()
    for i in range(0, len(payloads), BATCH):
        with client.pipeline(transaction=False) as pipe:
            for payload in payloads[i:i + BATCH]:
                pipe.xadd(stream, {EVENT_FIELD: payload})
            pipe.execute()
    done = 0
    while done < len(payloads):
        batch = client.xreadgroup(group, "c", {stream: ">"}, count=BATCH)
        ids = [entry_id for _, entries in batch for entry_id, _ in entries]
        client.xack(stream, group, *ids)
        done += len(ids)
    elapsed = time.perf_counter() - start
    client.delete(stream)
    return len(payloads) / elapsed


def feed_backlog(client: redis.Redis, payloads: list[bytes]) -> None:
    """Write ``payloads`` to the releases stream as ingest publishes a backlog: pipelined, ``BATCH`` at a time."""
    for i in range(0, len(payloads), BATCH):
        with client.pipeline(transaction=False) as pipe:
            for payload in payloads[i:i + BATCH]:
                pipe.xadd(PREFIX + RELEASES, {EVENT_FIELD: payload})
            pipe.execute()


def pure_work(releases: list[ReleasePublished], subscriptions: Path) -> tuple[float, float]:
    """(CPU seconds to classify every release, CPU seconds to match every classified release against every
    subscriber), in this process."""
    start = time.process_time()
    classified = [classify(release) for release in releases]
    classify_cpu = time.process_time() - start
    subs = load_file(subscriptions)
    start = time.process_time()
    for result in classified:
        for sub in subs:
            matching_commitments(sub.filter, result)
    return classify_cpu, time.process_time() - start


class Receiver:
    """A loopback webhook receiver counting what arrives, and when the last one did."""

    def __init__(self) -> None:
        self.count, self.last = 0, 0.0
        self.server = LoopbackReceiver(self.hook)

    def hook(self, path: bytes, body: bytes) -> None:
        self.count += 1
        self.last = time.perf_counter()

    async def start(self) -> str:
        return await self.server.start()


def profile_process(pid: int, output: Path) -> subprocess.Popen[bytes]:
    """py-spy sampling ``pid`` into ``output`` (collapsed stacks: one line per stack, for flame graphs)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(pid), "--format",
                             "raw", "--rate", "100", "--gil", "--output", str(output)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def machine_cpu() -> tuple[float, float]:
    """(CPU seconds spent, CPU seconds idle) of the whole machine so far, all cores (Linux /proc/stat)."""
    fields = [int(f) / os.sysconf("SC_CLK_TCK") for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return sum(fields[:8]) - idle, idle


def cores_busy(procs: dict[str, subprocess.Popen[bytes]], redis_pid: int) -> dict[str, float]:
    """CPU seconds so far of each process of the run and of this one (the backlog's writer, the polls and the
    webhook receiver), and of the whole machine, busy and idle; of each service's main thread (its event loop) and
    of Redis's, the seconds on a core and the seconds ready to run with no core free."""
    busy, idle = machine_cpu()
    pids = {name: p.pid for name, p in procs.items()} | {"redis": redis_pid}
    loops = {name: main_thread_time(pid) for name, pid in pids.items()}
    return ({name: cpu_seconds(pid) for name, pid in pids.items()} | {"benchmark": time.process_time()}
            | {f"{name} loop": on_core for name, (on_core, _) in loops.items()}
            | {f"{name} no core": waiting for name, (_, waiting) in loops.items()}
            | {"machine": busy, "idle": idle})


def print_phases(marks: list[tuple[str, float, dict[str, float]]]) -> None:
    """For each phase of the run: the cores busy, by whom (the run's processes, the rest of the machine) and idle;
    the share of the phase each main thread spent on a core, ready with no core free, and waiting (an answer from
    Redis, the GIL, work)."""
    print("\ncores busy by phase (CPU seconds / wall seconds; 'other work': the machine's CPU the run's processes did "
          "not spend);\n  each main thread (a service's event loop, Redis's): share of the phase on a core / ready "
          "with no core free / waiting")
    for (_, at_before, before), (name, at, after) in zip(marks, marks[1:]):
        wall = at - at_before
        if wall <= 0:
            continue
        used = {key: (after[key] - before[key]) / wall for key in after}
        processes = [key for key in used if key not in ("machine", "idle") and " " not in key]
        ours = sum(used[key] for key in processes)
        print(f"  {name:<22}{wall:6.2f} s: " + ", ".join(f"{key} {used[key]:.2f}" for key in processes)
              + f"; other work {max(0.0, used['machine'] - ours):.2f}; idle {used['idle']:.2f}")
        print(" " * 34 + "; ".join(
            f"{key} {used[key + ' loop']:.2f} / {used[key + ' no core']:.2f} / "
            f"{max(0.0, 1 - used[key + ' loop'] - used[key + ' no core']):.2f}"
            for key in processes if key + " loop" in used))


class Polls:
    """The CPU this process spends polling Redis for the run's progress."""

    def __init__(self) -> None:
        self.cpu = 0.0

    def timed(self, predicate: Callable[[], bool]) -> Callable[[], bool]:
        def polled() -> bool:
            start = time.thread_time()
            try:
                return predicate()
            finally:
                self.cpu += time.thread_time() - start
        return polled


def caught_up(client: redis.Redis, stream: str, group: str) -> bool:
    """Whether ``group`` has read and acknowledged everything in ``stream``."""
    try:
        info = {g["name"].decode(): g for g in client.xinfo_groups(stream)}
    except redis.ResponseError:
        return False
    last = client.xinfo_stream(stream)["last-generated-id"]
    g = info.get(group)
    return g is not None and g["last-delivered-id"] == last and g["pending"] == 0


async def run(n: int, classifiers: int, notifiers: int, profile: Path | None, *, size: int = 1,
              subscriber_sets: int = 1, reminders: int = 0, workers: int = 0, distinct: bool = False,
              delivery_process: bool = False) -> None:
    base = corpus()
    batch = events(n, base, size=size, recent=reminders > 0, distinct=distinct)
    size_mb = sum(len(r.body.encode()) for r, _ in batch) / 1e6
    processes = (f"{workers} worker process(es) (classifier, notifier and ledger in each)" if workers else
                 f"{classifiers} classifier and {notifiers} notifier process(es)")
    if delivery_process:
        processes += " and a delivery process"
    copies = "each copy distinct" if distinct else "each copy after the first announcing them again"
    print(f"{n} releases ({size_mb:.1f} MB of body text; {len(base)} cycled, {copies}), {processes}, "
          f"{4 * subscriber_sets} subscribers with {reminders} reminder(s) each, {os.cpu_count()} CPUs")
    receiver = Receiver()
    hook = await receiver.start()
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp) / "redis") as redis_url:
        subscriptions = Path(tmp) / "subscriptions.yaml"
        subscriptions.write_text(subscriptions_yaml(hook, sets=subscriber_sets, reminders=reminders))
        client = redis.Redis.from_url(redis_url)
        ceiling = raw_ceiling(client, [payload for _, payload in batch])
        classify_cpu, match_cpu = pure_work([r for r, _ in batch], subscriptions)
        alone = n / classify_cpu

        env = {**os.environ, "REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": PREFIX, "PLEDGEWATCH_LOG_LEVEL": "WARNING",
               "PLEDGEWATCH_SUBSCRIPTIONS": str(subscriptions), "PLEDGEWATCH_ALLOW_PRIVATE_TARGETS": "127.0.0.0/8",
               "PLEDGEWATCH_HTTP_PORT": "0", "PYTHONPATH": str(ROOT),
               "PLEDGEWATCH_API_TOKEN": secrets.token_urlsafe(32)}
        if delivery_process:
            env["PLEDGEWATCH_DELIVERY_PROCESS"] = "true"
        procs = {}
        if delivery_process:
            procs["delivery-0"] = start_service("delivery", {**env, "PLEDGEWATCH_CONSUMER": "delivery-0"},
                                                Path(tmp) / "delivery-0.log")
        for kind, count in (("classifier", classifiers), ("notifier", notifiers)):
            for i in range(0 if workers else count):
                procs[f"{kind}-{i}"] = start_service(kind, {**env, "PLEDGEWATCH_CONSUMER": f"{kind}-{i}"},
                                                     Path(tmp) / f"{kind}-{i}.log")
        settings = Settings(redis_url=redis_url, prefix=PREFIX, log_level="WARNING", subscriptions=subscriptions,
                            allow_private_targets=["127.0.0.0/8"], http_port=0, api_token=env["PLEDGEWATCH_API_TOKEN"],
                            workers=max(workers, 1), notifier={"delivery_process": delivery_process})
        for i in range(workers):
            procs[f"worker-{i}"] = start_worker(settings.model_copy(update={"consumer": f"worker-{i}"}), i + 1,
                                                Path(tmp) / f"worker-{i}.log")
        redis_pid = int(client.info("server")["process_id"])
        try:
            def groups_ready() -> bool:
                try:
                    return (any(g["name"] == CLASSIFIER_GROUP.encode() for g in client.xinfo_groups(PREFIX + RELEASES))
                            and any(g["name"] == NOTIFIER_GROUP.encode()
                                    for g in client.xinfo_groups(PREFIX + CLASSIFIED)))
                except redis.ResponseError:
                    return False
            try:
                await wait_until(groups_ready, timeout=60, what="the services to start", step=0.2)
            except SystemExit:
                for name in procs:
                    print(f"--- {name}:\n" + (Path(tmp) / f"{name}.log").read_text()[-1500:], file=sys.stderr)
                raise
            await asyncio.sleep(1.0)  # subscribers reading
            cpu_before = {name: cpu_seconds(p.pid) for name, p in procs.items()} | {"redis": cpu_seconds(redis_pid)}
            sys_before = {name: cpu_split(p.pid)[1] for name, p in procs.items()} | {"redis": cpu_split(redis_pid)[1]}
            calls_before, traffic_before = command_calls(client), traffic(client)
            usec_before = command_calls(client, "usec")
            spies = [profile_process(p.pid, profile / f"{name}.collapsed") for name, p in procs.items()] if profile else []

            marks = [("start", time.perf_counter(), cores_busy(procs, redis_pid))]
            start = marks[0][1]
            feed_backlog(client, [payload for _, payload in batch])
            fed = time.perf_counter()
            marks.append(("backlog written", fed, cores_busy(procs, redis_pid)))
            polls = Polls()
            classified_at = await wait_until(polls.timed(lambda: client.xlen(PREFIX + CLASSIFIED) >= n), timeout=600,
                                             what="every release to be classified")
            marks.append(("-> classified", classified_at, cores_busy(procs, redis_pid)))
            alerted_at = await wait_until(polls.timed(lambda: caught_up(client, PREFIX + CLASSIFIED, NOTIFIER_GROUP)),
                                          timeout=600, what="every alert to be published")
            marks.append(("-> alerts published", alerted_at, cores_busy(procs, redis_pid)))
            alerts = client.xlen(PREFIX + ALERTS)
            await wait_until(polls.timed(lambda: receiver.count >= alerts), timeout=600,
                             what="every alert to be delivered")
            delivered_at = receiver.last
            marks.append(("-> alerts delivered", time.perf_counter(), cores_busy(procs, redis_pid)))
            cpu_after = {name: cpu_seconds(p.pid) for name, p in procs.items()} | {"redis": cpu_seconds(redis_pid)}
            in_kernel = {name: cpu_split(pid)[1] - sys_before[name]
                         for name, pid in [(name, p.pid) for name, p in procs.items()] + [("redis", redis_pid)]}
            calls, moved = command_calls(client) - calls_before, traffic(client) - traffic_before
            usec = command_calls(client, "usec") - usec_before
            peak_rss = {name: max_rss_mb(p.pid) for name, p in procs.items()}
            for spy in spies:
                spy.send_signal(signal.SIGINT)
                spy.wait(timeout=30)
        finally:
            for p in procs.values():
                p.terminate()
            for p in procs.values():
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
            client.close()
        await receiver.server.close()

    cpu = {name: cpu_after[name] - cpu_before[name] for name in cpu_after}
    services_cpu = sum(cpu.values())
    pure = classify_cpu + match_cpu
    print(f"\nfed the backlog in {fed - start:.2f} s ({n / (fed - start):,.0f} releases/s)")
    rows = [("ingest -> classified", classified_at), ("-> alerts published", alerted_at),
            ("-> alerts delivered", delivered_at)]
    for name, at in rows:
        rate = n / (at - start)
        print(f"  {name:<24}{rate:>9,.0f} releases/s   ({at - start:6.2f} s)   "
              f"ratio to the classifier alone {rate / alone:.2f}")
    print(f"  alerts: {alerts:,} published, {receiver.count:,} delivered")
    print("\nceilings measured in this run")
    print(f"  raw redis-py streams (XADD + XREADGROUP + XACK, batch {BATCH}){ceiling:>10,.0f} msg/s")
    print(f"  classify alone, one core{alone:>42,.0f} releases/s ({size_mb / classify_cpu:.2f} MB/s)")
    print(f"  matching alone, one core{n / match_cpu if match_cpu else float('inf'):>42,.0f} releases/s")
    print("\nCPU per release (ms): " + ", ".join(f"{name} {1000 * s / n:.2f}" for name, s in sorted(cpu.items()))
          + f"; total {1000 * services_cpu / n:.2f}")
    print("  of which each main thread (a service's event loop; the rest: a notifier's delivery thread, the threads "
          "FastStream and redis-py start): " + ", ".join(
              f"{name} {1000 * (marks[-1][2][name + ' loop'] - marks[0][2][name + ' loop']) / n:.2f}"
              for name in sorted(procs)))
    own = marks[-1][2]["benchmark"] - marks[0][2]["benchmark"]
    written = marks[1][2]["benchmark"] - marks[0][2]["benchmark"]
    print(f"  not counted above, this benchmark's own process on the same cores: {1000 * own / n:.2f} (the backlog "
          f"written {1000 * written / n:.2f}, the polls for the run's progress {1000 * polls.cpu / n:.2f}, the "
          f"webhook receiver and its loop {1000 * (own - written - polls.cpu) / n:.2f})")
    print("  of which in the kernel (system time): " + ", ".join(
        f"{name} {1000 * s / n:.2f}" for name, s in sorted(in_kernel.items())))
    print("peak RSS (MB): " + ", ".join(f"{name} {mb:.0f}" for name, mb in sorted(peak_rss.items())))
    print("Redis commands per release: " + ", ".join(
        f"{name} {count / n:.1f}" for name, count in calls.most_common()) + f"; all {sum(calls.values()) / n:.1f}"
        " (those a script calls counted too)")
    print(f"  reads of the streams in the run: {calls['xreadgroup']:,} XREADGROUP (a backlog read in full takes "
          f"{-(-n // Settings.model_fields['read_count'].default)} a service), {calls['xautoclaim']:,} XAUTOCLAIM")
    print("Redis µs per release in commands: " + ", ".join(
        f"{name} {count / n:.1f}" for name, count in usec.most_common(12)) + " (a script's include those it calls)")
    print(f"Redis traffic per release: {moved['in'] / n / 1024:.1f} KB in, {moved['out'] / n / 1024:.1f} KB out")
    print(f"  the pure work (classify + match) {1000 * pure / n:.2f} ms; messaging, framework and Redis "
          f"{100 * (1 - pure / services_cpu):.0f} % of the services' CPU")
    print_phases(marks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--releases", type=int, default=5000)
    parser.add_argument("--classifiers", type=int, default=1, help="classifier processes (one consumer group)")
    parser.add_argument("--notifiers", type=int, default=1, help="notifier processes (one consumer group)")
    parser.add_argument("--workers", type=int, default=0, metavar="N",
                        help="instead: N processes running the classifier, the notifier and the ledger each, as "
                             "`pledgewatch run --workers N` does")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="sample each service with py-spy during the timed run; collapsed stacks go to DIR")
    parser.add_argument("--size", type=int, default=1, help="each release body that many times over")
    parser.add_argument("--subscriber-sets", type=int, default=1, help="copies of the four subscribers")
    parser.add_argument("--reminders", type=int, default=0,
                        help="reminders per subscriber (releases are then dated yesterday, so deadlines lie ahead)")
    parser.add_argument("--distinct", action="store_true",
                        help="each copy of a cycled release with actors of its own, so that it announces again "
                             "nothing (by default every copy after the first is a re-announcement)")
    parser.add_argument("--delivery-process", action="store_true",
                        help="the notifiers send nothing: a delivery process of its own sends (PLEDGEWATCH_DELIVERY_PROCESS)")
    args = parser.parse_args()
    asyncio.run(run(args.releases, args.classifiers, args.notifiers, args.profile, size=args.size,
                    subscriber_sets=args.subscriber_sets, reminders=args.reminders, workers=args.workers,
                    distinct=args.distinct, delivery_process=args.delivery_process))


if __name__ == "__main__":
    main()
