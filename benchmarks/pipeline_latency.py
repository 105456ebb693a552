"""Latency of the whole pipeline: a release file dropped into a watched folder to
the signed webhook POST, on an embedded Redis, with the default settings.

    .venv/bin/python benchmarks/pipeline_latency.py [--releases 20] [--poll 1.0]

Prints, per release: drop -> POST, and classified event -> POST (the notifier's
share; the classified entry's id carries Redis's clock). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from loopback_receiver import LoopbackReceiver  # noqa: E402
from pledgewatch.runner import build_all  # noqa: E402
from schemas.streams import CLASSIFIED  # noqa: E402
from services.common.embedded_redis import EmbeddedRedis  # noqa: E402
from services.common.settings import Settings  # noqa: E402

SEED = ROOT / "seeds" / "2017-11-29-uk-counterterror-iraq.txt"


def _receiver(received: dict[str, float]) -> LoopbackReceiver:
    def hook(path: bytes, body: bytes) -> None:
        received[json.loads(body)["data"]["release"]["url"]] = time.time()

    return LoopbackReceiver(hook)


def _summary(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
    return (f"{name:<28} n={len(ms):<3} median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   "
            f"max {ms[-1]:7.1f} ms")


async def main(releases: int, poll: float) -> None:
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp) / "redis") as redis_url:
        inbox = Path(tmp) / "inbox"
        inbox.mkdir()
        received: dict[str, float] = {}
        receiver = _receiver(received)
        hook_url = await receiver.start() + "/hook"
        subscriptions = Path(tmp) / "subscriptions.yaml"
        subscriptions.write_text(
            "subscriptions:\n  - id: bench\n    filter: {counter_terrorism: true}\n    channels:\n"
            f'      - webhook: {{url: "{hook_url}", secret: "bench"}}\n')
        settings = Settings(redis_url=redis_url, data_dir=Path(tmp) / "data", watch=[inbox], http_port=0,
                            poll_seconds=poll, subscriptions=subscriptions, api_token="bench-token-0123456789",
                            allow_private_targets=["127.0.0.0/8"])
        app = build_all(settings)
        await app.start()
        dropped: dict[str, float] = {}
        try:
            for i in range(releases):
                staging = Path(tmp) / f"2017-11-29-release-{i}.txt"
                staging.write_text(SEED.read_text() + f"\n\nThe UK will invest £{i + 1}m in port screening.\n")
                target = inbox / staging.name
                dropped[target.resolve().as_uri()] = time.time()
                staging.rename(target)  # appears whole, as a finished download would
                deadline = time.monotonic() + 30
                while target.resolve().as_uri() not in received and time.monotonic() < deadline:
                    await asyncio.sleep(0.005)
            streams = app.services[1].runtime.streams  # type: ignore[attr-defined]
            classified_at = {}
            for entry_id, fields in await streams.client.xrange(settings.key(CLASSIFIED)):
                event = json.loads(fields[b"__data__"])
                classified_at[event["data"]["url"]] = int(entry_id.split(b"-")[0]) / 1000
        finally:
            await app.stop()
            await receiver.close()
    end_to_end = [received[u] - t for u, t in dropped.items() if u in received]
    notifier = [received[u] - classified_at[u] for u in received if u in classified_at]
    print(f"{releases} releases, folder watched (every {poll:g}s where it must poll), embedded Redis")
    print(_summary("file dropped -> webhook POST", end_to_end))
    print(_summary("classified -> webhook POST", notifier))
    if len(end_to_end) < releases:
        print(f"missing alerts: {releases - len(end_to_end)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=20)
    parser.add_argument("--poll", type=float, default=Settings.model_fields["poll_seconds"].default)
    args = parser.parse_args()
    asyncio.run(main(args.releases, args.poll))
