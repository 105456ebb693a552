"""The extra worker processes of ``pledgewatch run --workers N``.

The run's own process is worker 1: ingest, the HTTP API, and one replica of the classifier, the notifier
and the ledger. Workers 2..N are processes of their own (:mod:`.worker`), each running another replica of
those three on the same Redis under a consumer name of its own, so the consumer groups share the work
between them; every effect is exactly once however many replicas read a group (docs/SCALING.md).

Each worker gets the run's settings through its standard input, already checked; it sits in a session of
its own, so Ctrl+C reaches the run alone, which then stops the workers (SIGTERM, each finishing what it
holds) before it stops Redis. A worker also gets SIGTERM if the run dies, even by SIGKILL (Linux: the worker asks
for it at its start, :mod:`services.common.parent_death`), and one that exits while
the run goes on is started again, after a pause that grows while it keeps failing at once. One whose heartbeat
has been silent past ``PLEDGEWATCH_WORKER_HANG_SECONDS`` is hung: the run kills it, and so starts it again
(:mod:`.hung_workers`). With ``PLEDGEWATCH_DELIVERY_PROCESS`` one more process, numbered N+1, sends the outbox's
deliveries (the delivery worker alone), watched, stopped and started again as the workers are.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from redis.exceptions import RedisError

from services.common.embedded_redis import exit_text
from services.common.errors import failure_text
from services.common.heartbeats import Beats
from services.common.outages import UNREACHABLE
from services.common.settings import Settings
from services.common.worker_liveness import (
    Beat, Expected, WorkerHealth, as_seen, clock_text, duration_text, judge, note_beats)

from .hung_workers import Seen, hung_workers

log = logging.getLogger("pledgewatch")

WORKER_MODULE = "pledgewatch.worker"
RUN_PID_OPTION = "--run-pid"  # the worker's parent: one whose parent is another has lost its run, and exits
DELIVERY_OPTION = "--delivery"  # the run's delivery process (PLEDGEWATCH_DELIVERY_PROCESS): the delivery worker alone
STOP_SECONDS = 20.0  # a worker finishing its batch and closing its connections; then SIGKILL
WATCH_SECONDS = 1.0
FIRST_PAUSE_SECONDS, LONGEST_PAUSE_SECONDS = 1.0, 60.0
STEADY_SECONDS = 60.0  # a worker that ran this long before it exited is started again at once
READ_BEATS_SECONDS = 2.0  # a Redis slower than this to answer is taken for unreadable: no worker is killed


def run_processes(settings: Settings) -> int:
    """The run's processes: its workers, and its delivery process with ``PLEDGEWATCH_DELIVERY_PROCESS``."""
    return settings.workers + (1 if settings.notifier.delivery_process else 0)


def delivers(settings: Settings, number: int) -> bool:
    """Whether process ``number`` of the run is its delivery process (numbered after the workers)."""
    return number > settings.workers


def process_name(settings: Settings, number: int) -> str:
    """How the run's logs name process ``number``: ``worker 2``, or ``delivery process``."""
    return "delivery process" if delivers(settings, number) else f"worker {number}"


def worker_consumer(consumer: str, number: int) -> str:
    """The consumer name of worker ``number`` in every group: the run's, numbered (worker 1 keeps it)."""
    return consumer if number == 1 else f"{consumer}-w{number}"


def next_pause(pause: float, ran_seconds: float) -> float:
    """How long to wait before starting again a worker that exited after ``ran_seconds``, ``pause`` being
    the wait before its last start: none after a steady run, then 1 s, doubling up to a minute."""
    if ran_seconds >= STEADY_SECONDS:
        return 0.0
    return min(LONGEST_PAUSE_SECONDS, max(FIRST_PAUSE_SECONDS, 2 * pause))


@dataclass
class _Worker:
    number: int
    process: subprocess.Popen[bytes]
    started: float = field(default_factory=time.monotonic)  # its silence is judged on this clock
    started_at: float = field(default_factory=time.time)  # the same, on the wall clock: shown, and in run.json
    pause: float = 0.0
    restart_at: float | None = None  # exited: when to start it again (monotonic); None while it runs


class Workers:
    """Workers 2..``settings.workers`` of a run; ``on_change(pids, started_times)`` after one is started again."""

    def __init__(self, settings: Settings, *,
                 on_change: Callable[[list[int], list[float]], None] = lambda pids, started: None) -> None:
        self.settings, self.on_change = settings, on_change
        self._workers: list[_Worker] = []
        self._run_started, self._run_started_at = time.monotonic(), time.time()
        self._seen = Seen()

    @property
    def pids(self) -> list[int]:
        return [worker.process.pid for worker in self._workers]

    @property
    def started_times(self) -> list[float]:
        """When each process of the run was last started (seconds since the epoch): this one, then 2..N."""
        return [self._run_started_at, *(worker.started_at for worker in self._workers)]

    def _processes(self) -> list[Expected]:
        """Every process of the run, this one (worker 1) first, started on the monotonic clock; one that has
        exited, and is not started again yet, with how it ended."""
        return [Expected(1, os.getpid(), self._run_started),
                *(Expected(worker.number, worker.process.pid, worker.started,
                           None if (code := worker.process.poll()) is None else exit_text(code),
                           delivers(self.settings, worker.number))
                  for worker in self._workers)]

    async def health(self, beats: Beats) -> list[WorkerHealth]:
        """Every process of the run, this one (worker 1) first, judged by when this process saw its heartbeat."""
        read = await beats.read()
        processes, now, wall_now = self._processes(), time.monotonic(), time.time()
        self._seen = replace(self._seen, last_beats=note_beats(self._seen.last_beats, processes, read, now=now))
        expected, seen = as_seen(processes, self._seen.last_beats, now=now, wall_now=wall_now)
        return judge(expected, seen, now=wall_now, heartbeat_seconds=self.settings.heartbeat_seconds)

    async def kill_hung(self, beats: Beats) -> None:
        """SIGKILL to every worker silent past the hang limit; :meth:`watch` then starts it again. No SIGTERM
        first: a hung worker cannot act on it (its event loop is what is held, or it is stopped), and what it
        held unacknowledged is reclaimed by another replica, each effect still once."""
        read = await _read_or_none(beats)
        hung, self._seen = hung_workers(self._processes(), read, self._seen, now=time.monotonic(),
                                        heartbeat_seconds=self.settings.heartbeat_seconds,
                                        hang_seconds=self.settings.worker_hang_seconds)
        by_pid = {worker.process.pid: worker for worker in self._workers}
        for found in hung:
            silence = (f"no heartbeat since {clock_text(found.last_beat)}" if found.last_beat is not None
                       else "no heartbeat since it was started")
            log.warning("%s (pid %d) hung: %s (%s ago), past PLEDGEWATCH_WORKER_HANG_SECONDS=%g; killing it "
                        "to start it again", process_name(self.settings, found.number), found.pid, silence, duration_text(found.silent_seconds),
                        self.settings.worker_hang_seconds)
            by_pid[found.pid].process.kill()

    def start(self) -> None:
        for number in range(2, run_processes(self.settings) + 1):
            self._workers.append(_Worker(number, self._spawn(number)))
        if self.settings.notifier.delivery_process:
            log.info("delivery process started (pid %d)", self._workers[-1].process.pid)
        if self.settings.workers > 1:
            if self.settings.workers == 2:
                log.info("worker 2 started (pid %d)", self.pids[0])
            else:
                log.info("workers 2-%d started (pids %s)", self.settings.workers,
                         ", ".join(str(pid) for pid in self.pids[:self.settings.workers - 1]))

    def _spawn(self, number: int) -> subprocess.Popen[bytes]:
        settings = self.settings.model_copy(update={"consumer": worker_consumer(self.settings.consumer, number)})
        # No preexec_fn (unsafe in a process with threads): the worker asks to die with this process itself
        # (services.common.parent_death). The kernel takes the thread that starts it for its parent: this is
        # called on the event loop's thread, which lives as long as the run.
        role = [DELIVERY_OPTION] if delivers(self.settings, number) else []
        process = subprocess.Popen([sys.executable, "-m", WORKER_MODULE, RUN_PID_OPTION, str(os.getpid()), *role],
                                   stdin=subprocess.PIPE, start_new_session=True)
        assert process.stdin is not None
        with process.stdin:
            process.stdin.write(pickle.dumps((settings, number, self.settings.consumer)))
        return process

    async def watch(self, beats: Beats | None = None) -> None:
        """Start again, until cancelled, every worker that exits, and, with ``beats``, kill first every hung one."""
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            try:
                if beats is not None:
                    await self.kill_hung(beats)
                self._restart_exited()
            except Exception as exc:  # run.json not written (a full disk), say: the next round goes on watching
                log.error("watching the workers: %s; looking again in %g s", failure_text(exc), WATCH_SECONDS)

    def _restart_exited(self) -> None:
        """Start again every worker that has exited and whose pause is over. A pause is waited out by each worker
        on its own, between the looks: one failing at start holds up no other's restart, nor the hung ones'
        killing."""
        for worker in self._workers:
            now = time.monotonic()
            if worker.restart_at is None:
                code = worker.process.poll()
                if code is None:
                    continue
                ran = now - worker.started
                worker.pause = next_pause(worker.pause, ran)
                worker.restart_at = now + worker.pause
                log.error("%s (pid %d) %s after %.0f s; starting it again%s",
                          process_name(self.settings, worker.number), worker.process.pid, exit_text(code), ran,
                          f" in {worker.pause:.0f} s" if worker.pause else "")
            if now < worker.restart_at:
                continue
            try:
                process = self._spawn(worker.number)
            except OSError as exc:  # no process or descriptor to spare, say: tried again, as a failed start is
                worker.pause = next_pause(worker.pause, 0.0)
                worker.restart_at = now + worker.pause
                log.error("%s could not be started again (%s); trying again in %.0f s",
                          process_name(self.settings, worker.number), exc, worker.pause)
                continue
            worker.process, worker.started, worker.restart_at = process, now, None
            worker.started_at = time.time()
            self.on_change(self.pids, self.started_times)

    def stop(self) -> None:
        """SIGTERM to every worker, then wait for all (SIGKILL past ``STOP_SECONDS``)."""
        for worker in self._workers:
            if worker.process.poll() is None:
                worker.process.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        for worker in self._workers:
            try:
                worker.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("%s (pid %d) did not stop within %.0f s: killed",
                            process_name(self.settings, worker.number), worker.process.pid, STOP_SECONDS)
                worker.process.kill()
                worker.process.wait()
        self._workers.clear()


async def _read_or_none(beats: Beats) -> dict[int, Beat] | None:
    """The run's beats, or None when Redis does not answer them in time."""
    try:
        return await asyncio.wait_for(beats.read(), READ_BEATS_SECONDS)
    except (*UNREACHABLE, RedisError):
        return None
