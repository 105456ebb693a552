"""Whether each process of ``pledgewatch run --workers N`` is alive, from its last heartbeat (pure: no I/O).

Each process writes a heartbeat every ``heartbeat_seconds`` (:mod:`.heartbeats`). One whose last beat is
older than :data:`MISSED_BEATS` of them is stopped: killed, crashed, or hung (an event loop that no longer
turns, a process stopped with SIGSTOP). One that has not beaten yet is starting, for :func:`start_grace`
seconds at most. One the run knows has exited is stopped at once, until the run has started it again.

A beat carries its process's wall time, which is only shown: the run itself judges by when it saw each beat
change (:func:`note_beats`), on its monotonic clock, so a step of the wall clock (NTP) neither makes a process
look silent nor hides one that is. ``pledgewatch status``, which looks once, has only the beats' own times.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MISSED_BEATS = 4
START_GRACE_SECONDS = 60.0  # imports, the classifier's model, the first connections: a worker's start


@dataclass(frozen=True)
class Beat:
    pid: int
    at: float  # seconds since the epoch, on the writing process's clock
    count: int = 0  # the process's beats so far: two of its beats differ whatever its clock did
    release: str | None = None  # the process's build (pledgewatch.build_info); None from an earlier version
    commit: str | None = None


@dataclass(frozen=True)
class SeenBeat:
    """A process's last beat, and when the judging process first saw it (on its monotonic clock)."""

    beat: Beat
    at: float


@dataclass(frozen=True)
class Expected:
    """A process the run should have: its number, its pid, when it was started (on the clock the judgement's
    ``now`` is read on; None when not known), how it ended when the run knows it has
    (``"was killed by signal 9"``), and whether it is the run's delivery process (``PLEDGEWATCH_DELIVERY_PROCESS``)."""

    number: int
    pid: int
    started: float | None = None
    ended: str | None = None
    delivery: bool = False


class WorkerHealth(BaseModel):
    # answered whole: every field, those with a default too, is documented as required in answers
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    number: int = Field(description="1 is the run's own process (ingest, the HTTP API); 2.. the others.")
    pid: int
    state: Literal["alive", "starting", "stopped"]
    last_beat: str | None = Field(description="When this process last wrote its heartbeat (UTC, ISO 8601); "
                                              "null before its first.")
    reason: str | None = Field(default=None, description="Why a stopped process is taken for stopped, and since "
                                                         "when.")
    delivery: bool = Field(default=False, description="The run's delivery process (PLEDGEWATCH_DELIVERY_PROCESS), "
                                                      "which sends the outbox's deliveries and reads no stream.")
    release: str | None = Field(default=None, description="The pledgewatch release this process runs, as its last "
                                                          "heartbeat says; null before its first.")
    commit: str | None = Field(default=None, description="The git commit of its build (`unknown` outside a git "
                                                         "checkout), as its last heartbeat says; null before its "
                                                         "first.")

    def named(self) -> str:
        """``worker 2``, or ``delivery process``."""
        return "delivery process" if self.delivery else f"worker {self.number}"


def beat_limit(heartbeat_seconds: float) -> float:
    """How old a last beat may be before its process is taken for stopped."""
    return MISSED_BEATS * heartbeat_seconds


def start_grace(heartbeat_seconds: float) -> float:
    """How long a process started may go without its first beat."""
    return max(START_GRACE_SECONDS, beat_limit(heartbeat_seconds))


def beat_text(beat: Beat) -> str:
    return json.dumps({"pid": beat.pid, "at": beat.at, "count": beat.count, "release": beat.release,
                       "commit": beat.commit})


def parse_beats(fields: Mapping[str, str]) -> dict[int, Beat]:
    """The beats of a run's hash (field: the process's number); a field that does not parse is left out."""
    beats = {}
    for number, text in fields.items():
        try:
            value = json.loads(text)
            beats[int(number)] = Beat(pid=int(value["pid"]), at=float(value["at"]), count=int(value.get("count", 0)),
                                      release=_text_or_none(value.get("release")),
                                      commit=_text_or_none(value.get("commit")))
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
    return beats


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def note_beats(seen: Mapping[int, SeenBeat], processes: Iterable[Expected], beats: Mapping[int, Beat], *,
               now: float) -> dict[int, SeenBeat]:
    """``seen`` (by pid) brought up to ``beats`` as read at ``now`` (monotonic): a process's own beat that changed
    is seen now; one unchanged, or gone from ``beats`` (a Redis restarted empty), keeps when it was seen; a pid no
    longer among ``processes`` is forgotten."""
    processes = list(processes)
    current = {process.pid for process in processes}
    noted = {pid: last for pid, last in seen.items() if pid in current}
    for process in processes:
        beat = beats.get(process.number)
        if beat is None or beat.pid != process.pid:
            continue
        last = noted.get(process.pid)
        if last is None or last.beat != beat:
            noted[process.pid] = SeenBeat(beat, now)
    return noted


def as_seen(processes: Iterable[Expected], seen: Mapping[int, SeenBeat], *, now: float,
            wall_now: float) -> tuple[list[Expected], dict[int, Beat]]:
    """``processes`` (started on the monotonic clock ``now`` is read on) and their beats as they were ``seen``,
    their times moved onto the wall clock as it reads now (``wall_now``), for :func:`judge` at ``wall_now``: how
    long ago each was is the monotonic clock's, whatever the wall clock did meanwhile."""
    def on_wall(at: float) -> float:
        return wall_now - (now - at)

    expected = [Expected(process.number, process.pid, None if process.started is None else on_wall(process.started),
                         process.ended, process.delivery) for process in processes]
    beats = {process.number: replace(last.beat, pid=process.pid, at=on_wall(last.at)) for process in processes
             if (last := seen.get(process.pid)) is not None}
    return expected, beats


def clock_text(at: float) -> str:
    return datetime.fromtimestamp(at, timezone.utc).strftime("%H:%M:%S UTC")


def iso(at: float) -> str:
    return datetime.fromtimestamp(at, timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def duration_text(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def judge(expected: Iterable[Expected], beats: Mapping[int, Beat], *, now: float,
          heartbeat_seconds: float) -> list[WorkerHealth]:
    """Each expected process's state, from its own last beat (a beat of an earlier process of the same number is
    not its own)."""
    limit, grace = beat_limit(heartbeat_seconds), start_grace(heartbeat_seconds)
    report = []
    for process in expected:
        beat = beats.get(process.number)
        own = beat if beat is not None and beat.pid == process.pid else None
        last = own.at if own is not None else None
        state, reason = "alive", None
        if process.ended is not None:
            state = "stopped"
            reason = process.ended + (f" (last heartbeat {clock_text(last)})" if last else "")
        elif last is not None and now - last > limit:
            state = "stopped"
            reason = f"no heartbeat since {clock_text(last)} ({duration_text(now - last)} ago): stopped or hung"
        elif last is None:
            state = "starting"
            if process.started is not None and now - process.started > grace:
                state = "stopped"
                reason = (f"no heartbeat since it was started at {clock_text(process.started)} "
                          f"({duration_text(now - process.started)} ago): stopped or hung")
        report.append(WorkerHealth(number=process.number, pid=process.pid, state=state,
                                   last_beat=iso(last) if last is not None else None, reason=reason,
                                   delivery=process.delivery, release=own.release if own else None,
                                   commit=own.commit if own else None))
    return report


def stopped_text(report: Iterable[WorkerHealth]) -> str | None:
    """One line naming every stopped process, or None when none is."""
    reasons = [f"{worker.named()} (pid {worker.pid}): {worker.reason}" for worker in report
               if worker.state == "stopped"]
    return "; ".join(reasons) or None
