"""What the pipeline benchmarks share: services as processes, their CPU, waiting (the loopback webhook receiver is
loopback_receiver.py)."""

from __future__ import annotations

import asyncio
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FASTSTREAM = str(Path(sys.executable).parent / "faststream")


def start_service(app: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([FASTSTREAM, "run", f"services.{app}.app:app"], env=env, cwd=ROOT,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)


def start_worker(settings, number: int, log: Path,  # type: ignore[no-untyped-def]
                 run_consumer: str = "benchmark") -> subprocess.Popen[bytes]:
    """A worker of ``pledgewatch run --workers`` (classifier, notifier and ledger in one process), given
    ``settings``, its number and the run's consumer name (its counters' key) as the run gives them."""
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "pledgewatch.worker", "--run-pid", str(os.getpid())],
                                   cwd=ROOT, stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT)
    assert process.stdin is not None
    with process.stdin:
        process.stdin.write(pickle.dumps((settings, number, run_consumer)))
    return process


def cpu_seconds(pid: int) -> float:
    """User + system CPU of process ``pid`` so far (Linux /proc)."""
    return sum(cpu_split(pid))


def cpu_split(pid: int) -> tuple[float, float]:
    """User and system CPU of process ``pid`` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) / os.sysconf("SC_CLK_TCK"), int(fields[12]) / os.sysconf("SC_CLK_TCK")


def main_thread_time(pid: int) -> tuple[float, float]:
    """Of the main thread of process ``pid`` (its event loop, for a service), so far: (seconds on a core, seconds
    ready to run but waiting for one) (Linux /proc schedstat). The rest of its time it waited for something else:
    an answer, the GIL, work."""
    on_core, waiting = Path(f"/proc/{pid}/task/{pid}/schedstat").read_text().split()[:2]
    return int(on_core) / 1e9, int(waiting) / 1e9


async def wait_until(predicate, *, timeout: float, what: str, step: float = 0.01) -> float:
    """Polls ``predicate`` until true; returns ``time.perf_counter()`` when it first was."""
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        await asyncio.sleep(step)
    return time.perf_counter()
