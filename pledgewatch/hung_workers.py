"""Which workers of ``pledgewatch run --workers N`` to kill as hung (pure: no I/O, time passed in).

Time here is the run's monotonic clock: a worker is silent since the run saw its beat change
(:func:`~services.common.worker_liveness.note_beats`), so a step of the wall clock (NTP) neither kills a healthy
worker nor spares a hung one; the beats' own times are only shown.

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

from services.common.worker_liveness import Beat, Expected, SeenBeat, beat_limit, note_beats, start_grace


@dataclass(frozen=True)
class Seen:
    """What the run knows of the beats between two checks: the last beat of each pid and when it was seen, and
    since when the beats have been believable without a break (None: not now)."""

    last_beats: Mapping[int, SeenBeat] = field(default_factory=dict)
    believed_since: float | None = None


@dataclass(frozen=True)
class Hung:
    number: int
    pid: int
    last_beat: float | None  # the beat's own time (the worker's wall clock), shown; None: none since it started
    silent_seconds: float


def hung_workers(processes: Sequence[Expected], beats: Mapping[int, Beat] | None, seen: Seen, *, now: float,
                 heartbeat_seconds: float, hang_seconds: float) -> tuple[list[Hung], Seen]:
    """The workers to kill, and what to remember for the next check.

    ``processes``: worker 1 first, then workers 2..N (one the run knows has exited is left to its restart), started
    on the monotonic clock ``now`` is read on; ``beats``: the run's hash as read now, None when it could not be
    read; ``hang_seconds`` 0: never kill. A worker that has not beaten since it was started is killed only past
    the start grace too.
    """
    own, workers = processes[0], processes[1:]
    if beats is None:
        return [], Seen(seen.last_beats, None)
    last_beats = note_beats(seen.last_beats, processes, beats, now=now)
    # Worker 1 runs this check, so it is alive: if its own beat is silent too (and so when every process is
    # silent at once), the beats do not reach Redis (an outage, a Redis restarted empty, read-only or out of
    # memory) and say nothing about the others; killing them would only throw their work away.
    own_last = last_beats.get(own.pid)
    if own_last is None or now - own_last.at > beat_limit(heartbeat_seconds):
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
        seen_at = last.at if last is not None else None
        silent_from = max(at for at in (seen_at, worker.started, believed_since) if at is not None)
        if now - silent_from > limit:
            hung.append(Hung(worker.number, worker.pid, last.beat.at if last is not None else None,
                             now - (seen_at if seen_at is not None else silent_from)))
    return hung, Seen(last_beats, believed_since)
