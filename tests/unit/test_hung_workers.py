"""Which workers of `pledgewatch run --workers N` the run kills as hung: silent past the limit, and only while the
beats can be believed."""

from datetime import datetime, timezone

from pledgewatch.hung_workers import Hung, Seen, hung_workers
from services.common.worker_liveness import Beat, Expected, start_grace

EVERY = 5.0  # a beat every 5 s: reported stopped past 20 s without one
HANG = 60.0
NOW = datetime(2026, 12, 6, 7, 32, 0, tzinfo=timezone.utc).timestamp()
RUN, WORKER_2, WORKER_3 = Expected(1, 100, NOW - 3600), Expected(2, 200, NOW - 3600), Expected(3, 300, NOW - 3600)
BELIEVED = Seen(believed_since=NOW - 3600)  # beats read, and worker 1's fresh, since the run began


def _hung(beats, *, processes=(RUN, WORKER_2, WORKER_3), seen=BELIEVED, now=NOW, hang=HANG):
    return hung_workers(list(processes), beats, seen, now=now, heartbeat_seconds=EVERY, hang_seconds=hang)


def test_a_worker_silent_past_the_limit_is_killed_and_one_within_it_is_not():
    hung, _ = _hung({1: Beat(100, NOW - 1), 2: Beat(200, NOW - 61), 3: Beat(300, NOW - 59)})
    assert hung == [Hung(2, 200, NOW - 61, 61.0)]


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
    hung, seen = _hung({1: Beat(100, NOW - 61), 2: Beat(200, NOW - 61), 3: Beat(300, NOW - 61)})
    assert hung == [] and seen.believed_since is None


def test_no_worker_is_killed_while_worker_1_s_own_beat_is_silent_or_missing():
    assert _hung({1: Beat(100, NOW - 21), 2: Beat(200, NOW - 600), 3: Beat(300, NOW - 1)})[0] == []
    assert _hung({2: Beat(200, NOW - 600), 3: Beat(300, NOW - 1)})[0] == []


def test_after_an_outage_silence_counts_from_when_the_beats_could_be_believed_again():
    """Redis was down for 5 minutes: worker 1 beats again first, worker 2 a few seconds later; not killed."""
    before = Seen({100: NOW - 300, 200: NOW - 300}, believed_since=NOW - 3600)
    _, during = _hung(None, processes=(RUN, WORKER_2), seen=before, now=NOW - 10)
    back = {1: Beat(100, NOW - 1), 2: Beat(200, NOW - 300)}
    hung, after = _hung(back, processes=(RUN, WORKER_2), seen=during)
    assert hung == [] and after.believed_since == NOW
    later = {1: Beat(100, NOW + HANG), 2: Beat(200, NOW - 300)}
    still_silent, _ = _hung(later, processes=(RUN, WORKER_2), seen=after, now=NOW + HANG + 1)
    assert still_silent == [Hung(2, 200, NOW - 300, HANG + 301)]


def test_a_beat_lost_from_redis_is_remembered():
    """A Redis restarted empty loses the hash: a worker's last beat seen still counts, not its start."""
    seen = Seen({100: NOW - 2, 200: NOW - 3}, believed_since=NOW - 3600)
    assert _hung({1: Beat(100, NOW - 1)}, processes=(RUN, WORKER_2), seen=seen)[0] == []
