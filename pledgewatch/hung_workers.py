"""Which workers of ``pledgewatch run --workers N`` to kill as hung (pure: no I/O, time passed in).

A worker whose event loop no longer turns, or that was stopped with SIGSTOP, does not exit, so the run would
never start it again: past ``PLEDGEWATCH_WORKER_HANG_SECONDS`` without a heartbeat, the run kills it and its
restart path replaces it. Worker 1, the run's own process, is never judged here: it is the one judging.

Silence is only believed while the beats can be believed: the run reads them now, and its own beat (written
from the same event loop as this check runs on) is fresh. After a time they could not be, every worker's
silence counts from when they could again, so a worker slower than worker 1 to reconnect is not killed for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from services.common.worker_liveness import Beat, Expected, beat_limit, start_grace


@dataclass(frozen=True)
class Seen:
    """What the run knows of the beats between two checks: the latest beat of each pid, and since when the
    beats have been believable without a break (None: not now)."""

    last_beats: Mapping[int, float] = field(default_factory=dict)
    believed_since: float | None = None


@dataclass(frozen=True)
class Hung:
    number: int
    pid: int
    last_beat: float | None  # None: it has not beaten since it was started
    silent_seconds: float


def hung_workers(processes: Sequence[Expected], beats: Mapping[int, Beat] | None, seen: Seen, *, now: float,
                 heartbeat_seconds: float, hang_seconds: float) -> tuple[list[Hung], Seen]:
    """The workers to kill, and what to remember for the next check.

    ``processes``: worker 1 first, then workers 2..N (one the run knows has exited is left to its restart);
    ``beats``: the run's hash as read now, None when it could not be read; ``hang_seconds`` 0: never kill.
    A worker that has not beaten since it was started is killed only past the start grace too.
    """
    own, workers = processes[0], processes[1:]
    if beats is None:
        return [], Seen(seen.last_beats, None)
    current = {process.pid for process in processes}
    last_beats = {pid: at for pid, at in seen.last_beats.items() if pid in current}
    for process in processes:
        beat = beats.get(process.number)
        if beat is not None and beat.pid == process.pid:
            last_beats[process.pid] = max(beat.at, last_beats.get(process.pid, beat.at))
    # Worker 1 runs this check, so it is alive: if its own beat is silent too (and so when every process is
    # silent at once), the beats do not reach Redis (an outage, a Redis restarted empty, read-only or out of
    # memory) and say nothing about the others; killing them would only throw their work away.
    own_last = last_beats.get(own.pid)
    if own_last is None or now - own_last > beat_limit(heartbeat_seconds):
        return [], Seen(last_beats, None)
    believed_since = seen.believed_since if seen.believed_since is not None else now
    if not hang_seconds:
        return [], Seen(last_beats, believed_since)
    hung = []
    for worker in workers:
        if worker.ended is not None:
            continue
        last = last_beats.get(worker.pid)
        limit = hang_seconds if last is not None else max(hang_seconds, start_grace(heartbeat_seconds))
        silent_from = max(at for at in (last, worker.started, believed_since) if at is not None)
        if now - silent_from > limit:
            hung.append(Hung(worker.number, worker.pid, last, now - (last if last is not None else silent_from)))
    return hung, Seen(last_beats, believed_since)
