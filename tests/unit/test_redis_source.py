"""What a command says of a Redis it did not reach depends on where that Redis came from."""

from pathlib import Path

import pytest

from pledgewatch.errors import one_line
from pledgewatch.redis_source import RedisSource

HOME = Path("/home/me/.local/share/pledgewatch")
URL = "redis://:hunter2@127.0.0.1:6390/0"
SOURCES = {
    "redis-url": (RedisSource(URL, HOME), "Redis at redis://:***@127.0.0.1:6390/0 (REDIS_URL)", "set REDIS_URL"),
    "run-embedded": (RedisSource(URL, HOME, run_pid=42, embedded=True),
                     f"the embedded Redis at redis://:***@127.0.0.1:6390/0 of the pledgewatch running in {HOME} "
                     "(pid 42)", "starts its embedded Redis again"),
    "run-redis-url": (RedisSource(URL, HOME, run_pid=42, embedded=False),
                      f"the Redis at redis://:***@127.0.0.1:6390/0 of the pledgewatch running in {HOME} (pid 42)",
                      "start that Redis again"),
    "run-json-of-an-older-version": (RedisSource(URL, HOME, run_pid=42),
                                     f"the Redis at redis://:***@127.0.0.1:6390/0 of the pledgewatch running in "
                                     f"{HOME} (pid 42)", "see the run's log"),
}


@pytest.mark.parametrize(("source", "named", "advice"), SOURCES.values(), ids=SOURCES.keys())
def test_a_redis_not_answering_is_told_by_its_source(source: RedisSource, named: str, advice: str):
    line, code = one_line(source.not_answering("Connection refused", wait=3), "pledgewatch dlq list")
    assert line.startswith(f"pledgewatch dlq list: {named} did not answer within 3 s (Connection refused): ")
    assert advice in line and "hunter2" not in line and code == 1
    assert ("REDIS_URL" in line.split("): ", 1)[1]) == (source.run_pid is None)  # advice on it for its Redis only


def test_refused_credentials_are_told_by_their_source():
    assert one_line(SOURCES["redis-url"][0].refusing("WRONGPASS"))[0].endswith(
        "refused the credentials (WRONGPASS): put its user and password in REDIS_URL "
        "(redis://USER:PASSWORD@HOST:PORT/DB)")
    assert "start the run again" in one_line(SOURCES["run-redis-url"][0].refusing("WRONGPASS"))[0]


def test_a_redis_out_of_memory_is_one_line_saying_so_not_an_unexpected_error():
    """Before: `pledgewatch run` on a Redis at its maxmemory (noeviction) stopped with "unexpected OutOfMemoryError
    … report it", as for a bug; and `status` said the Redis "did not answer" and to start it again."""
    from redis.exceptions import OutOfMemoryError

    refusal = OutOfMemoryError("command not allowed when used memory > 'maxmemory'.")
    line, code = one_line(refusal, "pledgewatch run")
    assert line.startswith("Redis is out of memory (command not allowed when used memory > 'maxmemory'.): ")
    assert "unexpected" not in line and "CONFIG SET maxmemory" in line and code == 1
    told, _ = one_line(SOURCES["run-redis-url"][0].out_of_memory(str(refusal)), "pledgewatch status")
    assert told.startswith(f"pledgewatch status: {SOURCES['run-redis-url'][1]} is out of memory (command not allowed")
    assert "did not answer" not in told and "CONFIG SET maxmemory" in told


# before: "the run starts its embedded Redis again when it exits: try again in a moment", of a Redis that was
# stopped (SIGSTOP) or hung: it has not exited, and the run does not start it again
@pytest.mark.parametrize("reason", ["Timeout reading from 127.0.0.1:6390", "TimeoutError"])
def test_an_embedded_redis_that_takes_the_connection_but_does_not_answer_is_told_so_with_its_pid(tmp_path, reason):
    (tmp_path / "redis").mkdir()
    (tmp_path / "redis" / "redis.pid").write_text("4321\n")
    source = RedisSource(URL, tmp_path, run_pid=42, embedded=True)
    line, code = one_line(source.not_answering(reason, wait=3), "pledgewatch status")
    assert line.endswith(f"did not answer within 3 s ({reason}): it takes connections but answers nothing: it is "
                         f"stopped or hung, not exited, so the run does not start it again; see to its process "
                         f"(pid 4321, in {tmp_path / 'redis' / 'redis.pid'}): `kill -CONT 4321` if it was stopped, "
                         "else stop the run (Ctrl+C) and start it again"), line
    assert "again when it exits" not in line and code == 1


def test_an_embedded_redis_that_does_not_answer_without_a_pid_file_is_told_by_its_port(tmp_path):
    source = RedisSource(URL, tmp_path, run_pid=42, embedded=True)
    line, _ = one_line(source.not_answering("Timeout reading from 127.0.0.1:6390", wait=3), "pledgewatch status")
    assert line.endswith("it takes connections but answers nothing: it is stopped or hung, not exited, so the run "
                         "does not start it again; see to its process (the redis-server listening on port 6390): "
                         "`kill -CONT` it if it was stopped, else stop the run (Ctrl+C) and start it again"), line


def test_an_embedded_redis_refusing_connections_is_told_it_is_started_again(tmp_path):
    (tmp_path / "redis").mkdir()
    (tmp_path / "redis" / "redis.pid").write_text("4321\n")
    source = RedisSource(URL, tmp_path, run_pid=42, embedded=True)
    line, _ = one_line(source.not_answering("Error 111 connecting to 127.0.0.1:6390. Connection refused.", wait=3))
    assert line.endswith("the run starts its embedded Redis again when it exits: try again in a moment; if it goes "
                         "on, see the run's log")
