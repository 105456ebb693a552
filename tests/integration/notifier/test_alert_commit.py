"""The alerts' transaction script: it writes only while what the plan read is still there, and a write to
what the plan did not read does not stop it."""

import pytest

from schemas.streams import EVENT_FIELD
from services.common.redis_clock import redis_now
from services.notifier.alert_commit import AlertCommitter, Commit
from services.notifier.outbox import DeliveryJob

CONSOLE_JOB = DeliveryJob(job_id="j1", subscription_id="desk", channel={"type": "console"}, kind="alert",
                          message={"alert_id": "a1"})

pytestmark = pytest.mark.integration


def _committer(client, p):
    return AlertCommitter(client, alerts=f"{p}alerts", event_field=EVENT_FIELD, outbox_zset=f"{p}outbox",
                          job_dests=f"{p}job-dest", job_prefix=f"{p}job:", done_prefix=f"{p}done:",
                          event_prefix=f"{p}job-event:", common=2, job_generations=f"{p}job-generation")


async def _commit_as_read(client, p) -> Commit:
    """A run's commit built from what it reads now: one told field, one untold, a member, a release record, an
    index set; and one alert with its job, its records and a chain."""
    commit = Commit()
    sent = dict(zip(["c-told", "c-new"], await client.hmget(f"{p}sent", ["c-told", "c-new"])))
    commit.expect_fields(f"{p}sent", sent)
    commit.expect_members(f"{p}elapsed", {"c-told:0": bool(await client.sismember(f"{p}elapsed", "c-told:0"))})
    commit.expect_value(f"{p}release", await client.get(f"{p}release"))
    commit.expect_sizes({f"{p}index": await client.scard(f"{p}index")})
    commit.alert(b'{"id": "a1"}', feed=f"{p}feed", digest=None)
    commit.job(CONSOLE_JOB)
    commit.hset(f"{p}sent", {"c-new": "1:abc"})
    commit.hset(f"{p}announced", {"c-new": '{"chain": "c-told"}'}, documents=True)
    commit.sadd(f"{p}index", ["c-new"], capped=True)
    commit.zadd(f"{p}chain", {"m": 1_511_949_600.654321})
    commit.set(f"{p}release", '{"version": 2}', ex=60)
    return commit


async def _seed(client, p):
    await client.hset(f"{p}sent", mapping={"c-told": "1:fff"})
    await client.sadd(f"{p}index", "c-told")
    await client.set(f"{p}release", '{"version": 1}')


async def test_a_commit_whose_reads_still_hold_writes_every_effect(redis_client, key_prefix):
    client, p = redis_client, key_prefix
    await _seed(client, p)
    commit = await _commit_as_read(client, p)
    await client.hset(f"{p}sent", "c-other", "1:000")  # another release's commitment: not read by this run

    before = await redis_now(client)
    assert await _committer(client, p).commit(commit) is True
    after = await redis_now(client)
    assert [f[EVENT_FIELD.encode()] for _, f in await client.xrange(f"{p}alerts")] == [b'{"id": "a1"}']
    assert await client.lrange(f"{p}feed", 0, -1) == [b'{"id": "a1"}']
    assert DeliveryJob.model_validate_json(await client.get(f"{p}job:j1")).job_id == "j1"
    assert before <= await client.zscore(f"{p}outbox", "j1") <= after  # due at Redis's now
    assert await client.hget(f"{p}job-dest", "j1") == CONSOLE_JOB.destination.encode()
    assert await client.hget(f"{p}sent", "c-new") == b"1:abc"
    assert await client.hget(f"{p}announced", "c-new") == b'{"chain": "c-told"}'
    assert await client.smembers(f"{p}index") == {b"c-told", b"c-new"}
    assert await client.zscore(f"{p}chain", "m") == 1_511_949_600.654321  # not cut to 14 digits
    assert await client.get(f"{p}release") == b'{"version": 2}' and 0 < await client.ttl(f"{p}release") <= 60


@pytest.mark.parametrize("meanwhile", [
    pytest.param(lambda c, p: c.hset(f"{p}sent", "c-new", "1:abc"), id="an-untold-commitment-told"),
    pytest.param(lambda c, p: c.hset(f"{p}sent", "c-told", "2:eee"), id="a-told-commitment-told-again"),
    pytest.param(lambda c, p: c.sadd(f"{p}elapsed", "c-told:0"), id="a-passed-deadline-told"),
    pytest.param(lambda c, p: c.set(f"{p}release", '{"version": 3}'), id="another-version-recorded"),
    pytest.param(lambda c, p: c.delete(f"{p}release"), id="the-release-record-gone"),
    pytest.param(lambda c, p: c.sadd(f"{p}index", "c-elsewhere"), id="an-announcement-indexed"),
])
async def test_a_commit_whose_reads_changed_writes_nothing(redis_client, key_prefix, meanwhile):
    client, p = redis_client, key_prefix
    await _seed(client, p)
    commit = await _commit_as_read(client, p)
    await meanwhile(client, p)

    assert await _committer(client, p).commit(commit) is False
    assert not await client.exists(f"{p}alerts", f"{p}feed", f"{p}job:j1", f"{p}outbox", f"{p}chain")
    assert not await client.sismember(f"{p}index", "c-new")


async def test_an_index_set_past_its_bound_is_left_as_it_is(redis_client, key_prefix):
    client, p = redis_client, key_prefix
    await client.sadd(f"{p}index", "a", "b", "c")  # past the bound (2)
    commit = await _commit_as_read(client, p)
    assert await _committer(client, p).commit(commit) is True
    assert await client.scard(f"{p}index") == 3


async def test_a_commit_reading_and_writing_thousands_of_fields_is_one_script(redis_client, key_prefix):
    """A release of many commitments in long chains reads thousands of fields of a record: more values than
    Lua passes to one command at once."""
    client, p = redis_client, key_prefix
    ids = [f"c-{i}" for i in range(9000)]
    await client.hset(f"{p}sent", mapping={i: "1:fff" for i in ids[::2]})
    commit = Commit()
    commit.expect_fields(f"{p}sent", dict(zip(ids, await client.hmget(f"{p}sent", ids))))
    commit.expect_members(f"{p}elapsed", {f"{i}:0": False for i in ids})
    commit.hset(f"{p}sent", {i: "2:aaa" for i in ids})
    commit.sadd(f"{p}elapsed", [f"{i}:0" for i in ids])
    commit.sadd(f"{p}after", ["c-1", "c-2"])  # the set after a long one: its members only
    commit.zadd(f"{p}chain", {i: n for n, i in enumerate(ids)})
    assert await _committer(client, p).commit(commit) is True
    assert set(await client.hvals(f"{p}sent")) == {b"2:aaa"} and await client.hlen(f"{p}sent") == 9000
    assert await client.scard(f"{p}elapsed") == 9000 and await client.zcard(f"{p}chain") == 9000
    assert await client.smembers(f"{p}after") == {b"c-1", b"c-2"}

    again = Commit()
    again.expect_fields(f"{p}sent", dict(zip(ids, await client.hmget(f"{p}sent", ids))))
    again.hset(f"{p}sent", {"c-0": "3:bbb"})
    await client.hset(f"{p}sent", "c-8999", "3:ccc")  # the last field read, told meanwhile
    assert await _committer(client, p).commit(again) is False
    assert await client.hget(f"{p}sent", "c-0") == b"2:aaa"


async def test_text_beyond_ascii_in_the_commit_reaches_redis_as_utf8(redis_client, key_prefix):
    p = f"{key_prefix}é:"
    await redis_client.hset(f"{p}sent", mapping={"c-ü": "1:fff"})
    commit = Commit()
    commit.expect_fields(f"{p}sent", dict(zip(["c-ü", "c-ß"], await redis_client.hmget(f"{p}sent", ["c-ü", "c-ß"]))))
    commit.hset(f"{p}sent", {"c-ß": "1:abc — über"})
    commit.sadd(f"{p}elapsed", ["c-ß:0"])

    assert await _committer(redis_client, p).commit(commit) is True
    assert await redis_client.hgetall(f"{p}sent") == {"c-ü".encode(): b"1:fff", "c-ß".encode(): "1:abc — über".encode()}
    assert await redis_client.smembers(f"{p}elapsed") == {"c-ß:0".encode()}


async def test_offered_jobs_are_queued_leased_only_when_new_and_undelivered(redis_client, key_prefix):
    client, p = redis_client, key_prefix
    jobs = [CONSOLE_JOB.model_copy(update={"job_id": j}) for j in ("new", "queued", "delivered", "not-offered")]
    await client.zadd(f"{p}outbox", {"queued": 5.0})  # queued already (a claim may hold it): left as it is
    await client.set(f"{p}done:delivered", "1")  # sent already: queued due, for the claim to finish it
    commit = Commit()
    for job in jobs:
        commit.job(job)
    commit.offer({"new", "queued", "delivered"}, lease=60.5)
    before = await redis_now(client)
    assert await _committer(client, p).commit(commit) is True
    after = await redis_now(client)
    assert commit.handed == {"new"}
    scores = dict(await client.zrange(f"{p}outbox", 0, -1, withscores=True))
    assert scores[b"queued"] == 5.0
    assert before + 60.5 <= scores[b"new"] <= after + 60.5  # leased from Redis's now
    assert all(before <= scores[j] <= after for j in (b"delivered", b"not-offered"))  # due at Redis's now
    assert await client.hget(f"{p}job-dest", "new") == CONSOLE_JOB.destination.encode()
    assert DeliveryJob.model_validate_json(await client.get(f"{p}job:new")) == jobs[0]
