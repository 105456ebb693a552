"""The processes of `pledgewatch run --workers N` judged by their heartbeats, and shown by `pledgewatch status`."""

from datetime import datetime, timezone

from pledgewatch.status_view import render
from services.common.worker_liveness import (
    Beat, Expected, SeenBeat, as_seen, beat_limit, beat_text, iso, judge, note_beats, parse_beats, start_grace,
    stopped_text)

EVERY = 5.0  # a beat every 5 s: stopped past 20 s without one
NOW = datetime(2026, 12, 6, 7, 32, 0, tzinfo=timezone.utc).timestamp()


def _judged(*expected: Expected, beats: dict[int, Beat]):
    return judge(expected, beats, now=NOW, heartbeat_seconds=EVERY)


def test_a_process_that_beat_within_four_beats_is_alive_and_one_silent_longer_is_stopped_since_its_last():
    assert beat_limit(EVERY) == 20.0
    report = _judged(Expected(1, 100), Expected(2, 200),
                     beats={1: Beat(100, NOW - 19.9), 2: Beat(200, NOW - 42)})
    assert [(w.number, w.state, w.last_beat, w.reason) for w in report] == [
        (1, "alive", "2026-12-06T07:31:40Z", None),
        (2, "stopped", "2026-12-06T07:31:18Z", "no heartbeat since 07:31:18 UTC (42 s ago): stopped or hung")]
    assert stopped_text(report) == "worker 2 (pid 200): no heartbeat since 07:31:18 UTC (42 s ago): stopped or hung"


def test_a_process_the_run_knows_has_exited_is_stopped_at_once_with_how_it_ended():
    report = _judged(Expected(2, 200, ended="was killed by signal 9"), beats={2: Beat(200, NOW - 1)})
    assert report[0].state == "stopped"
    assert stopped_text(report) == "worker 2 (pid 200): was killed by signal 9 (last heartbeat 07:31:59 UTC)"


def test_a_process_started_again_is_starting_until_its_first_beat_whatever_the_last_one_beat():
    """The beat of the process it replaced is not its own: neither alive nor stopped by it."""
    report = _judged(Expected(2, 201, started=NOW - 3), beats={2: Beat(200, NOW - 60)})
    assert [(w.state, w.last_beat, w.reason) for w in report] == [("starting", None, None)]
    assert stopped_text(report) is None


def test_a_process_that_never_beats_is_stopped_past_the_start_grace():
    grace = start_grace(EVERY)
    assert grace >= beat_limit(EVERY)
    late = _judged(Expected(2, 201, started=NOW - grace - 1), beats={})
    assert late[0].state == "stopped" and late[0].reason.startswith("no heartbeat since it was started at "), late
    unknown_start = _judged(Expected(2, 201), beats={})  # `pledgewatch status` does not know when it started
    assert unknown_start[0].state == "starting"


def test_every_stopped_process_is_named_and_long_silences_in_minutes_or_hours():
    report = _judged(Expected(1, 100), Expected(2, 200), Expected(3, 300),
                     beats={1: Beat(100, NOW), 2: Beat(200, NOW - 600), 3: Beat(300, NOW - 3 * 3600)})
    assert stopped_text(report) == (
        "worker 2 (pid 200): no heartbeat since 07:22:00 UTC (10 min ago): stopped or hung; "
        "worker 3 (pid 300): no heartbeat since 04:32:00 UTC (3.0 h ago): stopped or hung")


def test_beats_are_read_back_as_written_and_an_unreadable_one_is_left_out():
    assert parse_beats({"2": beat_text(Beat(200, NOW, 7)), "3": "{", "x": beat_text(Beat(1, NOW)), "4": "{}"}) == {
        2: Beat(200, NOW, 7)}
    assert parse_beats({"2": '{"pid": 200, "at": 1.5}'}) == {2: Beat(200, 1.5)}  # written without a count


def test_a_beat_is_seen_when_it_changes_and_only_a_process_s_own_counts():
    """Two beats of a process differ by their count, even when its wall clock was stepped back to the same time."""
    processes = [Expected(1, 100), Expected(2, 201)]
    seen = note_beats({}, processes, {1: Beat(100, NOW, 1), 2: Beat(200, NOW)}, now=10.0)
    assert seen == {100: SeenBeat(Beat(100, NOW, 1), 10.0)}  # pid 200's beat is the replaced process's
    assert note_beats(seen, processes, {1: Beat(100, NOW, 1)}, now=11.0) == seen
    assert note_beats(seen, processes, {1: Beat(100, NOW, 2)}, now=12.0) == {100: SeenBeat(Beat(100, NOW, 2), 12.0)}
    assert note_beats(seen, [Expected(1, 101)], {}, now=13.0) == {}  # a process no longer the run's is forgotten


def test_the_run_judges_its_processes_by_when_it_saw_their_beats_whatever_its_wall_clock_did():
    """Before: /healthz took the run's wall clock less each beat's: stepped 18 s forward, a worker seen beating 4 s
    before was reported stopped, 22 s silent. Now the times judged are when the run saw each beat (and started each
    process), on its monotonic clock, shown on its wall clock as it reads now."""
    mono, step = 500.0, 18.0
    processes = [Expected(1, 100, mono - 3600), Expected(2, 200, mono - 3600), Expected(3, 300, mono - 3600),
                 Expected(4, 400, mono - 10)]
    seen = {100: SeenBeat(Beat(100, NOW - step - 1), mono - 1), 200: SeenBeat(Beat(200, NOW - step - 4), mono - 4),
            300: SeenBeat(Beat(300, NOW - step - 30), mono - 30)}  # all written before the wall clock's step
    expected, beats = as_seen(processes, seen, now=mono, wall_now=NOW)
    report = judge(expected, beats, now=NOW, heartbeat_seconds=EVERY)
    assert [(w.state, w.last_beat) for w in report] == [
        ("alive", iso(NOW - 1)), ("alive", iso(NOW - 4)), ("stopped", iso(NOW - 30)), ("starting", None)]
    assert report[2].reason == "no heartbeat since 07:31:30 UTC (30 s ago): stopped or hung"


def _status(workers):
    return {"data_folder": "/d", "run": {"pid": 100, "api": "http://127.0.0.1:8080", "workers": workers},
            "redis_url": "redis://127.0.0.1:1/0", "api": None, "streams": None, "dead_letters": None}


def test_status_lists_each_worker_with_its_last_heartbeat_and_why_a_stopped_one_is():
    report = _judged(Expected(1, 100), Expected(2, 200), beats={1: Beat(100, NOW - 2), 2: Beat(200, NOW - 42)})
    workers = [{"number": w.number, "pid": w.pid, "running": True, **w.model_dump(exclude={"number", "pid"})}
               for w in report]
    assert render(_status(workers)).splitlines()[1:4] == [
        "workers   2",
        "   1  pid 100      alive, last heartbeat 07:31:58 UTC (ingest, api)",
        "   2  pid 200      STOPPED: no heartbeat since 07:31:18 UTC (42 s ago): stopped or hung"]


def test_the_run_s_delivery_process_stopped_is_named_so():
    """Before: `worker 3 (pid 300): …` in /healthz and `status`, a numbered worker, though it runs none of their
    services."""
    report = _judged(Expected(2, 200), Expected(3, 300, ended="was killed by signal 9", delivery=True), beats={})
    assert [w.delivery for w in report] == [False, True]
    assert stopped_text(report) == "delivery process (pid 300): was killed by signal 9"


async def test_the_run_judges_its_delivery_process_as_its_delivery_process():
    from pledgewatch.workers import Workers, _Worker
    from services.common.settings import Settings

    class Process:
        pid = 300

        def poll(self):
            return None

    class NoBeats:
        async def read(self):
            return {}

    run = Workers(Settings(workers=2, notifier={"delivery_process": True}))
    run._workers = [_Worker(2, Process()), _Worker(3, Process())]
    assert [w.delivery for w in await run.health(NoBeats())] == [False, False, True]


def test_a_beat_carries_its_process_s_build_and_status_warns_when_the_run_s_processes_differ():
    """A worker the run started again after the checkout moved on runs another commit than the run's own process."""
    old, new = Beat(100, NOW - 2, 3, "0.1.0", "3c4b5078c66b"), Beat(200, NOW - 1, 1, "0.1.0", "5683ee44a1b2")
    assert parse_beats({"1": beat_text(old), "2": beat_text(new)}) == {1: old, 2: new}
    report = _judged(Expected(1, 100), Expected(2, 200), beats={1: old, 2: new})
    assert [(w.release, w.commit) for w in report] == [("0.1.0", "3c4b5078c66b"), ("0.1.0", "5683ee44a1b2")]
    workers = [{"number": w.number, "pid": w.pid, "running": True, **w.model_dump(exclude={"number", "pid"})}
               for w in report]
    assert render(_status(workers)).splitlines()[1:5] == [
        "workers   2",
        "   1  pid 100      alive, last heartbeat 07:31:58 UTC, 0.1.0 (commit 3c4b5078c66b) (ingest, api)",
        "   2  pid 200      alive, last heartbeat 07:31:59 UTC, 0.1.0 (commit 5683ee44a1b2)",
        "  WARNING: the run's processes run different builds: 0.1.0 (commit 3c4b5078c66b) (1), 0.1.0 (commit "
        "5683ee44a1b2) (2): stop the run and start it again, for all of them to run one"]
    mono = 500.0
    expected, seen = as_seen([Expected(1, 100)], {100: SeenBeat(old, mono - 1)}, now=mono, wall_now=NOW)
    assert (seen[1].release, seen[1].commit) == ("0.1.0", "3c4b5078c66b")
