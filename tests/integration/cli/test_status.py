"""`pledgewatch status` against a real Redis: stream lengths, group lag and pending, dead letters."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from schemas.streams import RELEASES

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent


def _pledgewatch(*args, env):
    full = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    return subprocess.run([str(BIN / "pledgewatch"), *map(str, args)], capture_output=True, text=True,
                          env={**full, **env}, timeout=60)


def test_status_counts_lag_pending_and_dead_letters_of_a_redis_url(redis_url, key_prefix, seed_file, tmp_path):
    env = {"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix, "PLEDGEWATCH_HOME": str(tmp_path / "home")}
    empty = tmp_path / "2020-01-01-empty.txt"
    empty.write_text("")
    assert _pledgewatch("ingest", seed_file, env=env).returncode == 0
    assert _pledgewatch("ingest", empty, env=env).returncode == 1  # kept on the dead-letter stream
    client = redis.Redis.from_url(redis_url)
    try:
        client.xgroup_create(f"{key_prefix}{RELEASES}", "reader", id="0")
        client.xgroup_create(f"{key_prefix}{RELEASES}", "taker", id="0")
        client.xreadgroup("taker", "c1", {f"{key_prefix}{RELEASES}": ">"}, count=1)  # read, never acknowledged
    finally:
        client.close()

    result = _pledgewatch("status", "--json", env=env)
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    releases = next(s for s in status["streams"] if s["name"] == RELEASES)
    assert releases["length"] == 1
    groups = {g["name"]: g for g in releases["groups"]}
    assert (groups["reader"]["lag"], groups["reader"]["pending"]) == (1, 0)
    assert (groups["taker"]["lag"], groups["taker"]["pending"], groups["taker"]["consumers"]) == (0, 1, 1)
    [newest] = status["dead_letters"].pop("newest")
    assert (newest["origin"], newest["from"], newest["reason"]) == ("file", str(empty), f"{empty}: empty file")
    assert status["dead_letters"] == {"total": 1, "by_origin": {"file": 1}, "cap": 1_000_000, "near_cap": False}
    assert status["run"] is None and status["api"] is None

    text = _pledgewatch("status", env=env)
    assert text.returncode == 0, text.stderr
    line = f"  {newest['id']}  {newest['at']}  file  {empty}  {empty}: empty file"
    assert f"dead letters  1 (file 1)\n{line}\n" in text.stdout
    assert f"redis     {redis_url}  from REDIS_URL (redis-cli -u {redis_url})" in text.stdout


def test_status_warns_of_dead_letters_near_their_own_cap(redis_url, key_prefix, tmp_path):
    env = {"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix, "PLEDGEWATCH_HOME": str(tmp_path / "home"),
           "PLEDGEWATCH_DEAD_LETTERS_MAXLEN": "2"}
    first, second = tmp_path / "2020-01-01-empty.txt", tmp_path / "2020-01-02-empty.txt"
    first.write_text("")
    second.write_text("")
    assert _pledgewatch("ingest", first, env=env).returncode == 1  # one dead letter of two kept at most: not near
    assert json.loads(_pledgewatch("status", "--json", env=env).stdout)["dead_letters"]["near_cap"] is False
    assert _pledgewatch("ingest", second, env=env).returncode == 1

    status = json.loads(_pledgewatch("status", "--json", env=env).stdout)
    assert len(status["dead_letters"].pop("newest")) == 2
    assert status["dead_letters"] == {"total": 2, "by_origin": {"file": 2}, "cap": 2, "near_cap": True}
    text = _pledgewatch("status", env=env)
    assert text.returncode == 0, text.stderr
    assert "  WARNING: 2 dead letters, 100% of the 2 kept at most (PLEDGEWATCH_DEAD_LETTERS_MAXLEN)" in text.stdout


def test_status_with_an_unanswering_redis_is_one_line(tmp_path):
    from services.common.embedded_redis import free_port

    result = _pledgewatch("status", env={"REDIS_URL": f"redis://:hunter2@127.0.0.1:{free_port()}/0",
                                         "PLEDGEWATCH_HOME": str(tmp_path)})
    assert result.returncode == 1
    assert result.stderr.startswith("error: pledgewatch status: Redis at redis://:***@127.0.0.1:")
    assert "(REDIS_URL) did not answer (" in result.stderr and "hunter2" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_status_of_a_running_pledgewatch_whose_redis_does_not_answer_names_the_run(tmp_path):
    """Before: "is pledgewatch still running? (`pledgewatch run`, or check REDIS_URL)", of a run that was; later
    "though the pledgewatch using it runs (pid …): see its log", the same words for any command's Redis."""
    from pledgewatch.runlock import RunLock
    from pledgewatch.runstate import write_run_state
    from services.common.embedded_redis import free_port
    from services.common.settings import Settings

    settings = Settings(data_dir=tmp_path, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    with RunLock(tmp_path):  # this process stands for the run: it holds the folder and its pid is alive
        write_run_state(settings, http_url=f"http://127.0.0.1:{free_port()}")
        result = _pledgewatch("status", env={"PLEDGEWATCH_HOME": str(tmp_path)})
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: pledgewatch status: the Redis at {settings.redis_url} of the pledgewatch "
                                    f"running in {tmp_path} (pid {os.getpid()}) did not answer (")
    assert result.stderr.rstrip().endswith("see the run's log")
    assert len(result.stderr.splitlines()) == 1


def test_status_of_another_redis_than_the_runs_is_refused_before_it_reads_it(tmp_path):
    """Before: REDIS_URL naming another Redis than the run's was read, its streams shown beside the run's pid and API
    (and, unanswering, said not to be the run's only after the wait)."""
    from pledgewatch.runlock import RunLock
    from pledgewatch.runstate import write_run_state
    from services.common.embedded_redis import free_port
    from services.common.settings import Settings

    settings = Settings(data_dir=tmp_path, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    other = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    with RunLock(tmp_path):  # this process stands for the run: it holds the folder and its pid is alive
        write_run_state(settings, http_url=f"http://127.0.0.1:{free_port()}")
        result = _pledgewatch("status", env={"PLEDGEWATCH_HOME": str(tmp_path), "REDIS_URL": other})
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"error: REDIS_URL=redis://:***@127.0.0.1:{other.rsplit(':', 1)[1]} but the "
                                    f"pledgewatch running in {tmp_path} uses the Redis at {settings.redis_url}: ")
    assert "hunter2" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_status_of_a_run_whose_redis_is_frozen_says_what_it_knows(tmp_path, frozen_port):
    """Before: only the error line, after the API's health check and then Redis's reply had each timed out in
    turn (about 10 s); now the two are asked at once, and the run and its API are shown above the error."""
    from pledgewatch.runlock import RunLock
    from pledgewatch.runstate import write_run_state
    from services.common.settings import Settings

    settings = Settings(data_dir=tmp_path, redis_url=f"redis://127.0.0.1:{frozen_port}/0")
    with RunLock(tmp_path):
        write_run_state(settings, http_url=f"http://127.0.0.1:{frozen_port}")
        result = _pledgewatch("status", env={"PLEDGEWATCH_HOME": str(tmp_path)})
        as_json = _pledgewatch("status", "--json", env={"PLEDGEWATCH_HOME": str(tmp_path)})
    assert result.returncode == 1
    assert f"pledgewatch running, pid {os.getpid()}" in result.stdout
    assert f"api       http://127.0.0.1:{frozen_port}  not answering" in result.stdout
    assert "stream" not in result.stdout  # nothing known of them
    assert result.stderr.startswith(f"error: pledgewatch status: the Redis at {settings.redis_url} of the pledgewatch "
                                    f"running in {tmp_path} (pid {os.getpid()}) did not answer (Timeout")
    assert len(result.stderr.splitlines()) == 1
    status = json.loads(as_json.stdout)
    assert (status["api"]["status"], status["streams"], status["dead_letters"]) == ("not answering", None, None)


def test_status_takes_a_worker_that_never_beat_for_stopped_past_the_start_grace(redis_url, key_prefix, tmp_path):
    """Before: run.json did not say when each worker was started, so one that never beat stayed "starting" in
    `status` forever (while the run's /healthz took it for stopped after the start grace)."""
    import time

    from pledgewatch.runlock import RunLock
    from pledgewatch.runstate import write_run_state
    from services.common.embedded_redis import free_port
    from services.common.heartbeats import hash_name
    from services.common.settings import Settings
    from services.common.worker_liveness import Beat, beat_text, start_grace

    settings = Settings(data_dir=tmp_path, redis_url=redis_url, prefix=key_prefix, heartbeat_seconds=5)
    started_long_ago = time.time() - start_grace(5) - 10
    silent = subprocess.Popen(["sleep", "60"])
    try:
        with RunLock(tmp_path):  # this process stands for the run (worker 1), `sleep` for a worker that never beat
            write_run_state(settings, http_url=f"http://127.0.0.1:{free_port()}", workers=[silent.pid],
                            started=[started_long_ago, started_long_ago])
            client = redis.Redis.from_url(redis_url)
            try:
                client.hset(settings.key(hash_name(settings.consumer)), "1", beat_text(Beat(os.getpid(), time.time())))
            finally:
                client.close()
            result = _pledgewatch("status", "--json", env={"PLEDGEWATCH_HOME": str(tmp_path)})
    finally:
        silent.kill()
        silent.wait()
    workers = json.loads(result.stdout)["run"]["workers"]
    assert [(w["number"], w["state"]) for w in workers] == [(1, "alive"), (2, "stopped")], result.stdout
    assert workers[1]["reason"].startswith("no heartbeat since it was started at ")
    assert result.returncode == 1



OLDEST_MS = 1_700_000_000_000  # 2023-11-14 22:13:20 UTC: the entries' ids give their times


def _stream_of_twelve(redis_url, key, *, archive_reads, archive_acknowledges):
    """Twelve entries a second apart: pledgewatch's own group (`classifier`) has read and acknowledged them all, an
    outside one (`archive`) read the first ``archive_reads`` (None: all) and acknowledged as many of them."""
    client = redis.Redis.from_url(redis_url)
    try:
        for i in range(12):
            client.xadd(key, {"n": str(i)}, id=f"{OLDEST_MS + 1000 * i}-0")
        for group in ("classifier", "archive"):
            client.xgroup_create(key, group, id="0")
        read = client.xreadgroup("classifier", "c1", {key: ">"})
        client.xack(key, "classifier", *[entry_id for entry_id, _ in read[0][1]])
        if archive_reads != 0:
            entries = client.xreadgroup("archive", "a1", {key: ">"}, count=archive_reads)[0][1]
            client.xack(key, "archive", *[entry_id for entry_id, _ in entries[:archive_acknowledges]])
    finally:
        client.close()


def _capped_at_five(redis_url, key_prefix, tmp_path):
    return {"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix, "PLEDGEWATCH_HOME": str(tmp_path / "home"),
            "PLEDGEWATCH_STREAM_MAXLEN": "5"}


@pytest.mark.parametrize(("read", "acknowledged", "held_back", "since"), [
    pytest.param(0, 0, 7, "2023-11-14 22:13:20 UTC", id="read-nothing"),
    pytest.param(6, 3, 4, "2023-11-14 22:13:23 UTC", id="stopped-part-way"),  # the 4th entry still pending
])
def test_status_warns_of_an_outside_group_holding_back_trimming(redis_url, key_prefix, tmp_path, read, acknowledged,
                                                               held_back, since):
    """Before: a group that stopped reading showed only as lag, however much it kept past the streams' cap."""
    env = _capped_at_five(redis_url, key_prefix, tmp_path)
    key = f"{key_prefix}{RELEASES}"
    _stream_of_twelve(redis_url, key, archive_reads=read, archive_acknowledges=acknowledged)

    result = _pledgewatch("status", "--json", env=env)
    assert result.returncode == 0, result.stderr  # a warning, like the dead letters near their cap
    releases = next(s for s in json.loads(result.stdout)["streams"] if s["name"] == RELEASES)
    assert releases["cap"] == 5
    groups = {g["name"]: g for g in releases["groups"]}
    assert (groups["archive"]["held_back"], groups["archive"]["held_back_since"]) == (
        held_back, since.replace(" UTC", "Z").replace(" ", "T"))
    assert (groups["classifier"]["held_back"], groups["classifier"]["held_back_since"]) == (0, None)

    text = _pledgewatch("status", env=env)
    assert text.returncode == 0, text.stderr
    [warning] = [line for line in text.stdout.splitlines() if "WARNING" in line]
    assert warning.startswith(f"  WARNING: group archive of {RELEASES} holds back {held_back} entries past the cap of 5 "
                              f"(PLEDGEWATCH_STREAM_MAXLEN), unread since {since} (")
    assert warning.endswith(f"if it is retired, XGROUP DESTROY {key} archive; else fix its consumer")


def test_status_warns_of_no_group_that_has_caught_up(redis_url, key_prefix, tmp_path):
    env = _capped_at_five(redis_url, key_prefix, tmp_path)
    _stream_of_twelve(redis_url, f"{key_prefix}{RELEASES}", archive_reads=None, archive_acknowledges=None)

    status = json.loads(_pledgewatch("status", "--json", env=env).stdout)
    releases = next(s for s in status["streams"] if s["name"] == RELEASES)
    assert {g["name"]: g["held_back"] for g in releases["groups"]} == {"classifier": 0, "archive": 0}
    assert "WARNING" not in _pledgewatch("status", env=env).stdout


def test_status_of_a_redis_out_of_memory_says_so_rather_than_not_answering(tmp_path):
    """Before: "did not answer (… command not allowed when used memory > 'maxmemory')", and to start that Redis
    again, of a Redis that answers every command but refuses writes and transactions at its maxmemory."""
    from services.common.embedded_redis import EmbeddedRedis

    server = EmbeddedRedis(tmp_path / "redis", appendonly=False)
    url = server.start()
    try:
        redis.Redis.from_url(url).config_set("maxmemory", 1)  # noeviction, the default policy: every write refused
        result = _pledgewatch("status", env={"REDIS_URL": url, "PLEDGEWATCH_HOME": str(tmp_path / "home")})
    finally:
        server.stop()
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"error: pledgewatch status: Redis at {url} (REDIS_URL) is out of memory (")
    assert "maxmemory" in result.stderr and "did not answer" not in result.stderr


def test_status_shows_the_deliveries_queued_and_how_long_the_oldest_due_has_waited(redis_url, key_prefix, tmp_path):
    """Before: nothing of the notifier's outbox: deliveries backing up (an endpoint slow, the notifier stopped or
    behind) and retries waiting were seen only with redis-cli."""
    import time

    env = {"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix, "PLEDGEWATCH_HOME": str(tmp_path / "home")}
    now = time.time()
    client = redis.Redis.from_url(redis_url)
    try:  # two jobs due (one for 10 minutes), one waiting for its retry in a minute
        client.zadd(f"{key_prefix}notifier:outbox", {"job-a": now - 600, "job-b": now - 5, "job-c": now + 60})
    finally:
        client.close()

    status = json.loads(_pledgewatch("status", "--json", env=env).stdout)
    deliveries = status["deliveries"]
    assert (deliveries["queued"], deliveries["due"]) == (3, 2) and 600 <= deliveries["oldest_due_seconds"] < 660
    text = _pledgewatch("status", env=env)
    assert text.returncode == 0, text.stderr
    assert "\ndeliveries    3 queued: 2 due, the oldest for 10 min; 1 not due yet (waiting for a retry, or being sent)\n" in text.stdout


def test_status_shows_the_versions_live_and_warns_of_a_mix(redis_url, key_prefix, tmp_path):
    """Before: nothing told that processes of two versions shared the Redis and prefix (an old `pledgewatch run`
    left going, a container not recreated), but one more consumer in each group."""
    import time

    env = {"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix, "PLEDGEWATCH_HOME": str(tmp_path / "home")}
    client = redis.Redis.from_url(redis_url)

    def record(consumer, release, schema, age=0.0):
        client.hset(f"{key_prefix}versions", consumer,
                    json.dumps({"release": release, "schema": schema, "pid": 7, "at": time.time() - age}))

    try:
        record("new-1", "0.2.0", 1)
        record("new-2", "0.2.0", 1)
        record("killed-1", "0.0.1", 0, age=3600)  # a process killed long ago: not live
        text = _pledgewatch("status", env=env)
        assert "\nversions      0.2.0 (key schema 1): 2 processes\n" in text.stdout and "WARNING" not in text.stdout

        record("old-1", "0.1.0", 1)  # a rolling upgrade
        text = _pledgewatch("status", env=env).stdout
        assert ("WARNING: several releases run (key schema 1): 0.1.0 (old-1), 0.2.0 (new-1, new-2): finish the "
                "upgrade, stop the old ones") in text, text

        record("other-1", "0.9.0", 2)
        status = json.loads(_pledgewatch("status", "--json", env=env).stdout)
    finally:
        client.close()
    assert sorted(p["consumer"] for p in status["versions"]["live"]) == ["new-1", "new-2", "old-1", "other-1"]
    assert status["versions"]["warnings"] == [
        "processes of different key schemas share this Redis and prefix: schema 1: 0.1.0 (old-1), 0.2.0 (new-1, "
        "new-2); schema 2: 0.9.0 (other-1): stop those of the other version"]


def test_status_warns_of_deliveries_due_with_no_delivery_process_live(redis_url, key_prefix, tmp_path):
    """Before: with PLEDGEWATCH_DELIVERY_PROCESS=true and no delivery process started, alerts were queued for ever
    and `status` showed only the outbox growing, exiting 0."""
    import time

    from services.notifier.delivery_presence import KEY, beat_text

    env = {"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix, "PLEDGEWATCH_HOME": str(tmp_path / "home"),
           "PLEDGEWATCH_DELIVERY_PROCESS": "true"}
    now = time.time()
    client = redis.Redis.from_url(redis_url)
    try:
        client.zadd(f"{key_prefix}notifier:outbox", {"job-a": now - 600})
        client.hset(f"{key_prefix}{KEY}", "delivery-gone", beat_text(4242, now - 3600))  # crashed an hour ago

        result = _pledgewatch("status", "--json", env=env)
        assert result.returncode == 1, result.stderr
        processes = json.loads(result.stdout)["deliveries"]["delivery_processes"]
        assert processes["live"] == []
        assert processes["warning"].startswith("1 delivery due, the oldest for 10 min, and no delivery process has "
                                               "written a heartbeat within 20 s")
        text = _pledgewatch("status", env=env).stdout
        assert "\ndelivery processes  none live\n  WARNING: 1 delivery due, the oldest for 10 min" in text

        client.hset(f"{key_prefix}{KEY}", "delivery-1", beat_text(4243, time.time()))
        result = _pledgewatch("status", env=env)
        assert result.returncode == 0, result.stderr
        assert "\ndelivery processes  1 live: delivery-1\n" in result.stdout and "WARNING" not in result.stdout
    finally:
        client.close()


def test_status_says_nothing_of_delivery_processes_when_the_notifier_sends(redis_url, key_prefix, tmp_path):
    import time

    env = {"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix, "PLEDGEWATCH_HOME": str(tmp_path / "home")}
    client = redis.Redis.from_url(redis_url)
    try:
        client.zadd(f"{key_prefix}notifier:outbox", {"job-a": time.time() - 600})
    finally:
        client.close()
    result = _pledgewatch("status", "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["deliveries"]["delivery_processes"] is None


async def test_status_of_a_run_whose_embedded_redis_is_stopped_names_its_process(tmp_path, redis_server, frozen):
    """Before: "the run starts its embedded Redis again when it exits: try again in a moment", of a Redis stopped
    (SIGSTOP): it has not exited, and the run does not start it again."""
    import asyncio

    from pledgewatch.runlock import RunLock
    from pledgewatch.runstate import write_run_state
    from services.common.embedded_redis import free_port
    from services.common.settings import Settings

    server, url = redis_server  # in tmp_path / "redis", where a run keeps its embedded Redis
    settings = Settings(data_dir=tmp_path, redis_url=url)
    pid_file = tmp_path / "redis" / "redis.pid"
    assert pid_file.read_text().strip() == str(server.pid)  # written by the server itself
    with RunLock(tmp_path), frozen(server):
        write_run_state(settings, http_url=f"http://127.0.0.1:{free_port()}", embedded=True)
        result = await asyncio.to_thread(_pledgewatch, "status", env={"PLEDGEWATCH_HOME": str(tmp_path)})
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1
    assert "did not answer (Timeout reading" in result.stderr, result.stderr
    assert result.stderr.rstrip().endswith(
        f"it takes connections but answers nothing: it is stopped or hung, not exited, so the run does not start it "
        f"again; see to its process (pid {server.pid}, in {pid_file}): `kill -CONT {server.pid}` if it was stopped, "
        "else stop the run (Ctrl+C) and start it again"), result.stderr


def test_status_names_each_stored_subscription_this_version_cannot_read(redis_url, key_prefix, tmp_path):
    """Before: stored by an earlier version before subscriptions were bounded (more than 20 reminders), it received
    nothing, and `status` said nothing of it."""
    env = {"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix, "PLEDGEWATCH_HOME": str(tmp_path / "home")}
    assert json.loads(_pledgewatch("status", "--json", env=env).stdout)["subscriptions"] == {"unreadable": []}
    older = {"id": "older", "channels": [{"type": "console"}], "reminders": [f"P{day}D" for day in range(1, 25)]}
    client = redis.Redis.from_url(redis_url)
    try:
        client.hset(f"{key_prefix}notifier:subscriptions", mapping={
            "older": json.dumps(older), "desk": json.dumps({"id": "desk", "channels": [{"type": "console"}]})})
    finally:
        client.close()

    status = json.loads(_pledgewatch("status", "--json", env=env).stdout)
    problem = {"field": "reminders", "message": "List should have at most 20 items after validation, not 24"}
    assert status["subscriptions"] == {"unreadable": [{"id": "older", "problems": [problem]}]}
    text = _pledgewatch("status", env=env)
    assert text.returncode == 0, text.stderr
    assert ("\nsubscriptions 1 stored that this version cannot read\n  WARNING: stored subscription 'older' cannot "
            "be read by this version (reminders: List should have at most 20 items after validation, not 24): it "
            "receives nothing; replace it (`pledgewatch subscriptions add FILE --replace`) or delete it "
            "(`pledgewatch subscriptions delete older`)\n") in text.stdout + "\n"

    # under an id the subscriptions file defines, the file's is the one used: nothing to replace or delete here
    defined = tmp_path / "subscriptions.yaml"
    defined.write_text("subscriptions: [{id: older, channels: [console]}]\n")
    status = json.loads(_pledgewatch("status", "--json", env={**env, "PLEDGEWATCH_SUBSCRIPTIONS": str(defined)}).stdout)
    assert status["subscriptions"] == {"unreadable": []}
