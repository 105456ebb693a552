"""What release files edited again and again keep in ``ingest:file-contents``, for this checkout and an earlier
revision side by side, and what the sweep of fields an earlier version wrote costs (decision 0056).

    .venv/bin/python benchmarks/file_contents_growth.py [--before 3ae85bda] [--files 20] [--edits 50] [--sweep 300000]

- **growth**: ``--files`` release files in one folder, each published and then edited ``--edits`` times, every
  text read through ``IngestService.ingest_file`` (as the watch reads it); then the fields and bytes
  (``MEMORY USAGE``) of ``ingest:file-contents`` and of the releases' records, and the mean time of a read. Each
  revision runs in its own process with its own embedded Redis; the earlier one is exported with ``git archive``.
- **sweep** (this checkout): ``--sweep`` fields as an earlier version left them (six a release: three texts read,
  the last its latest), swept a page at a time as the running service does: pages, Redis's time
  (``INFO commandstats``), the slowest page as the client saw it, and the fields left.

Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
SEED = HERE / "seeds" / "2017-11-29-uk-counterterror-iraq.txt"


async def measure_growth(files: int, edits: int) -> dict[str, float]:
    """Fields and bytes kept after ``files`` files were each read as ``edits + 1`` texts, with the code on
    ``sys.path``."""
    from services.common.embedded_redis import EmbeddedRedis
    from services.common.settings import Settings
    from services.ingest.service import IngestService

    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp) / "redis", appendonly=False) as redis_url:
        folder = Path(tmp) / "seeds"
        folder.mkdir()
        settings = Settings(redis_url=redis_url, data_dir=Path(tmp) / "data", watch=[], http_port=0)
        service = IngestService(settings, watch=[], sources=[])
        await service.start()
        seconds = []
        try:
            for edit in range(edits + 1):
                for n in range(files):
                    path = folder / f"2017-11-29-release-{n}.txt"
                    text = f"\n\nThe UK will invest £{edit + 1}m in port {n} screening.\n"
                    path.write_text(SEED.read_text() + text)
                    started = time.perf_counter()
                    await service.ingest_file(path, within=[folder])
                    seconds.append(time.perf_counter() - started)
            client = service.runtime.streams.client
            table = settings.key("ingest:file-contents")
            records = [key async for key in client.scan_iter(match=settings.key("ingest:release:*"))]
            return {"fields": await client.hlen(table),
                    "bytes": await client.memory_usage(table, samples=0) or 0,
                    "record_bytes": sum([await client.memory_usage(key, samples=0) or 0 for key in records]),
                    "releases": len(records), "read_ms": statistics.mean(seconds) * 1000}
        finally:
            await service.stop()


async def measure_sweep(fields: int) -> dict[str, float]:
    """The sweep of ``fields`` fields an earlier version wrote, six a release."""
    from services.common.embedded_redis import EmbeddedRedis
    from services.common.settings import Settings
    from services.common.service import Runtime
    from services.ingest.file_contents import FILE_CONTENTS, sweep_earlier_fields

    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp) / "redis", appendonly=False) as redis_url:
        settings = Settings(redis_url=redis_url, data_dir=Path(tmp) / "data", watch=[], http_port=0)
        runtime = Runtime(settings, source="/benchmark")
        streams = await runtime.open()
        client, table = streams.client, streams.key(FILE_CONTENTS)
        try:
            for first in range(0, fields // 6, 1000):
                async with client.pipeline(transaction=False) as pipe:
                    for n in range(first, min(first + 1000, fields // 6)):
                        release = f"rel-{n:016x}"
                        pipe.hset(streams.key(f"ingest:release:{release}"), mapping={"version": 3})
                        pipe.hset(table, mapping={
                            field: f"{release} {version} seeds//2017/release-{n}.txt"
                            for version in (1, 2, 3)
                            for field in (f"sha256:{n:060x}{version:04x} 2017/release-{n}.txt",
                                          f"sha256:{n:060x}{version:04x}")})
                    await pipe.execute()
            before = (await client.info("commandstats")).get("cmdstat_evalsha", {"calls": 0, "usec": 0})
            pages, slowest = 0, 0.0
            while True:
                started = time.perf_counter()
                if await sweep_earlier_fields(streams) < 0:
                    break
                slowest = max(slowest, time.perf_counter() - started)
                pages += 1
            after = (await client.info("commandstats"))["cmdstat_evalsha"]
            return {"fields": fields // 6 * 6, "pages": pages, "redis_s": (after["usec"] - before["usec"]) / 1e6,
                    "slowest_ms": slowest * 1000, "left": await client.hlen(table)}
        finally:
            await runtime.close()


def _child(root: str, files: int, edits: int) -> dict[str, float]:
    code = (f"import asyncio, json, sys; sys.path.insert(0, {root!r}); sys.path.insert(1, {str(HERE)!r});"
            "from benchmarks.file_contents_growth import measure_growth;"
            f"print(json.dumps(asyncio.run(measure_growth({files}, {edits}))))")
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    sys.path.insert(0, str(HERE))  # this checkout's code for the sweep, whatever is installed
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="3ae85bda",
                        help="the revision to compare with (default: 3ae85bda, the last before decision 0056)")
    parser.add_argument("--files", type=int, default=20, help="release files in the folder")
    parser.add_argument("--edits", type=int, default=50, help="edits of each, after its first text")
    parser.add_argument("--sweep", type=int, default=300_000, help="fields an earlier version wrote, to sweep")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "archive", args.before], cwd=HERE, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        print(f"{args.files} files, each read as {args.edits + 1} texts, embedded Redis")
        for name, root in ((args.before, tmp), ("this checkout", str(HERE))):
            got = _child(root, args.files, args.edits)
            print(f"{name:<14} ingest:file-contents {got['fields']:>6,.0f} fields {got['bytes']:>9,.0f} B "
                  f"({got['bytes'] / got['releases']:,.0f} B a release); records {got['record_bytes']:,.0f} B "
                  f"({got['record_bytes'] / got['releases']:,.0f} B a release); a read {got['read_ms']:.2f} ms")
    swept = asyncio.run(measure_sweep(args.sweep))
    print(f"sweep of {swept['fields']:,.0f} fields an earlier version wrote: {swept['pages']:,.0f} pages, "
          f"{swept['redis_s']:.2f} s of Redis, slowest page {swept['slowest_ms']:.1f} ms, "
          f"{swept['left']:,.0f} fields left")


if __name__ == "__main__":
    main()
