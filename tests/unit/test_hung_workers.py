"""Which workers of `pledgewatch run --workers N` the run kills as hung: silent past the limit, and only while the
beats can be believed. Silence is timed on the run's monotonic clock, from when it saw each beat change: ``now`` and
the processes' start times are on that clock, the beats' own times (the workers' wall clocks) only shown."""

from datetime import datetime, timezone

from pledgewatch.hung_workers import Hung, Seen, hung_workers
from services.common.worker_liveness import Beat, Expected, SeenBeat, start_grace

EVERY = 5.0  # a beat every 5 s: reported stopped past 20 s without one
HANG = 60.0
NOW = datetime(2026, 12, 6, 7, 32, 0, tzinfo=timezone.utc).timestamp()
RUN, WORKER_2, WORKER_3 = Expected(1, 100, NOW - 3600), Expected(2, 200, NOW - 3600), Expected(3, 300, NOW - 3600)
BELIEVED = Seen(believed_since=NOW - 3600)  # beats read, and worker 1's fresh, since the run began


def _hung(beats, *, processes=(RUN, WORKER_2, WORKER_3), seen=BELIEVED, now=NOW, hang=HANG):
    return hung_workers(list(processes), beats, seen, now=now, heartbeat_seconds=EVERY, hang_seconds=hang)


def _seen(**seen_at: float) -> Seen:
    """Each pid's beat (``p200=NOW - 61``: pid 200's beat, first seen then, its own time the same)."""
    return Seen({int(pid[1:]): SeenBeat(Beat(int(pid[1:]), at), at) for pid, at in seen_at.items()},
                believed_since=NOW - 3600)


def test_a_worker_silent_past_the_limit_is_killed_and_one_within_it_is_not():
    beats = {1: Beat(100, NOW - 1), 2: Beat(200, NOW - 61), 3: Beat(300, NOW - 59)}
    hung, _ = _hung(beats, seen=_seen(p100=NOW - 1, p200=NOW - 61, p300=NOW - 59))
    assert hung == [Hung(2, 200, NOW - 61, 61.0)]


def test_silence_counts_from_when_the_run_saw_the_beat_change_not_from_the_time_it_carries():
    """A beat first seen now is fresh, whatever its time says; one seen long enough unchanged is silence."""
    old_clock = NOW - 600  # the worker's wall clock, far behind the run's
    seen = _seen(p100=NOW - 1, p200=NOW - 61)
    hung, seen = _hung({1: Beat(100, NOW - 1), 2: Beat(200, old_clock, 7)}, processes=(RUN, WORKER_2), seen=seen)
    assert hung == []
    unchanged = {1: Beat(100, NOW + HANG), 2: Beat(200, old_clock, 7)}
    assert _hung(unchanged, processes=(RUN, WORKER_2), seen=seen, now=NOW + HANG - 1)[0] == []
    assert _hung(unchanged, processes=(RUN, WORKER_2), seen=seen, now=NOW + HANG + 1)[0] == [
        Hung(2, 200, old_clock, HANG + 1)]


def _checks(wall_at, *, until: float, hang: float, worker_2_stops_at: float = float("inf")):
    """The run's checks, every second of its monotonic clock up to ``until``, of worker 1 beating at 0, 5, 10…
    and worker 2 at 1.5, 6.5, 11.5… (till ``worker_2_stops_at``), each beat carrying its wall time ``wall_at(t)``:
    the workers killed, with when."""
    every, run, worker_2 = 5.0, Expected(1, 10, 0.0), Expected(2, 20, 0.0)
    seen, killed = Seen(), []

    def last_beat(pid: int, first: float, now: float) -> Beat:
        count = int((now - first) // every)
        return Beat(pid, wall_at(first + count * every), count)

    now = 2.0
    while now <= until:
        beats = {1: last_beat(10, 0.0, now), 2: last_beat(20, 1.5, min(now, worker_2_stops_at))}
        hung, seen = hung_workers([run, worker_2], beats, seen, now=now, heartbeat_seconds=every, hang_seconds=hang)
        killed += [(now, found.number) for found in hung]
        now += 1.0
    return killed


def test_a_wall_clock_stepped_forward_gets_no_healthy_worker_killed():
    """Before: silence was the run's wall clock less the beat's: stepped 18 s forward (NTP) just after worker 1
    beat, worker 2, which had beaten 3.5 s before it, was taken for 22.5 s silent, past a 21 s limit, and killed."""
    assert _checks(lambda t: NOW + t + (18.0 if t > 100.3 else 0.0), until=130.0, hang=21.0) == []


def test_a_worker_hung_after_a_wall_clock_stepped_back_is_killed_on_time():
    """Before: the latest beat of each pid was the greatest time seen, so after a step back of 10 min the beats of a
    worker counted as none, and one that then hung was killed only 10 min late."""
    killed = _checks(lambda t: NOW + t - (600.0 if t > 100.3 else 0.0), until=160.0, hang=21.0,
                     worker_2_stops_at=120.0)
    assert killed and killed[0][1] == 2 and 116.5 + 21.0 < killed[0][0] <= 116.5 + 23.0, killed


def test_no_worker_is_killed_when_the_limit_is_0():
    hung, _ = _hung({1: Beat(100, NOW - 1), 2: Beat(200, NOW - 6000), 3: Beat(300, NOW - 1)}, hang=0)
    assert hung == []


def test_a_starting_worker_is_not_killed_within_the_start_grace_even_past_the_limit():
    """It has not beaten yet (imports, the model); the beat of the process it replaced is not its own."""
    grace = start_grace(EVERY)
    starting = Expected(2, 201, NOW - grace + 1)
    beats = {1: Beat(100, NOW - 1), 2: Beat(200, NOW - 600)}
    assert _hung(beats, processes=(RUN, starting), hang=10)[0] == []
    never_beat = Expected(2, 201, NOW - grace - 1)
    assert _hung(beats, processes=(RUN, never_beat), hang=10)[0] == [Hung(2, 201, None, grace + 1)]


def test_a_worker_the_run_saw_exit_is_left_to_its_restart():
    exited = Expected(2, 200, NOW - 3600, ended="was killed by signal 9")
    assert _hung({1: Beat(100, NOW - 1), 2: Beat(200, NOW - 600)}, processes=(RUN, exited))[0] == []


def test_no_worker_is_killed_while_the_beats_cannot_be_read():
    hung, seen = _hung(None)
    assert hung == [] and seen.believed_since is None


def test_no_worker_is_killed_when_every_process_is_silent_at_once():
    """Worker 1 checks, so it runs: its beat silent too says the beats do not reach Redis, not that all hang."""
    hung, seen = _hung({1: Beat(100, NOW - 61), 2: Beat(200, NOW - 61), 3: Beat(300, NOW - 61)},
                       seen=_seen(p100=NOW - 61, p200=NOW - 61, p300=NOW - 61))
    assert hung == [] and seen.believed_since is None


def test_no_worker_is_killed_while_worker_1_s_own_beat_is_silent_or_missing():
    assert _hung({1: Beat(100, NOW - 21), 2: Beat(200, NOW - 600), 3: Beat(300, NOW - 1)},
                 seen=_seen(p100=NOW - 21, p200=NOW - 600, p300=NOW - 1))[0] == []
    assert _hung({2: Beat(200, NOW - 600), 3: Beat(300, NOW - 1)}, seen=_seen(p200=NOW - 600, p300=NOW - 1))[0] == []


def test_after_an_outage_silence_counts_from_when_the_beats_could_be_believed_again():
    """Redis was down for 5 minutes: worker 1 beats again first, worker 2 a few seconds later; not killed."""
    before = _seen(p100=NOW - 300, p200=NOW - 300)
    _, during = _hung(None, processes=(RUN, WORKER_2), seen=before, now=NOW - 10)
    back = {1: Beat(100, NOW - 1), 2: Beat(200, NOW - 300)}
    hung, after = _hung(back, processes=(RUN, WORKER_2), seen=during)
    assert hung == [] and after.believed_since == NOW
    later = {1: Beat(100, NOW + HANG), 2: Beat(200, NOW - 300)}
    still_silent, _ = _hung(later, processes=(RUN, WORKER_2), seen=after, now=NOW + HANG + 1)
    assert still_silent == [Hung(2, 200, NOW - 300, HANG + 301)]


def test_a_beat_lost_from_redis_is_remembered():
    """A Redis restarted empty loses the hash: a worker's last beat seen still counts, not its start."""
    seen = _seen(p100=NOW - 2, p200=NOW - 3)
    assert _hung({1: Beat(100, NOW - 1)}, processes=(RUN, WORKER_2), seen=seen)[0] == []
