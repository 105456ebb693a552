"""The subscribers' records of a run, read by one script: what each field and member is, absent ones included."""

import json

import pytest

from services.notifier.record_reads import RecordReader

pytestmark = pytest.mark.integration


async def test_each_lookup_reads_its_fields_and_members_as_they_are(redis_client, key_prefix):
    client, p = redis_client, key_prefix
    await client.hset(f"{p}sent:a", mapping={"c1": "1:abc", "c3": "2:removed"})
    await client.sadd(f"{p}elapsed:a", "c1:0")
    many = [f"c{i}" for i in range(2500)]  # past one HMGET's slice
    await client.hset(f"{p}sent:b", mapping={"c2499": "1:fff"})
    read, rows = await RecordReader(client).read([
        ((f"{p}sent:a", f"{p}elapsed:a"), (["c1", "c2", "c3"], ["c1:0", "c1:1"])),
        ((f"{p}sent:b", f"{p}elapsed:b"), ([], [])),
        ((f"{p}sent:b", f"{p}elapsed:b"), (many, [f"{c}:0" for c in many])),
        ((f"{p}sent:none", f"{p}elapsed:none"), (["c1"], [])),
    ])
    assert read[0] == ({"c1": b"1:abc", "c2": None, "c3": b"2:removed"}, {"c1:0": True, "c1:1": False})
    assert read[1] == ({}, {})
    assert read[2][0] == {**{c: None for c in many[:-1]}, "c2499": b"1:fff"}
    assert read[2][1] == {f"{c}:0": False for c in many}
    assert read[3] == ({"c1": None}, {})
    assert rows == []


async def test_no_lookups_read_nothing(redis_client):
    assert await RecordReader(redis_client).read([]) == ([], [])


async def test_a_lookup_reads_the_fields_of_the_members_of_the_chains_it_names(redis_client, key_prefix):
    client, p = redis_client, key_prefix
    await client.hset(f"{p}sent:a", mapping={"c1": "1:abc", "x2": "1:def"})
    await client.zadd(f"{p}chain:x1", {json.dumps(["x1", "r1"]): 10.0, json.dumps(["x2", "r2"]): 20.0,
                                       json.dumps(["x3", "r3"]): 30.0})
    await client.zadd(f"{p}chain:y1", {json.dumps(["y1", "r1"]): 10.0})
    read, rows = await RecordReader(client).read(
        [((f"{p}sent:a", f"{p}elapsed:a"), (["c1"], [])), ((f"{p}sent:a", f"{p}elapsed:a"), (["c1"], [])),
         ((f"{p}sent:a", f"{p}elapsed:a"), (["c1"], []))],
        [f"{p}chain:x1", f"{p}chain:y1", f"{p}chain:none"], [[0], [], [1, 0]], chain_limit=2)
    assert read[0] == ({"c1": b"1:abc", "x1": None, "x2": b"1:def"}, {})  # the first two members: the limit
    assert read[1] == ({"c1": b"1:abc"}, {})
    assert read[2] == ({"c1": b"1:abc", "y1": None, "x1": None, "x2": b"1:def"}, {})
    assert rows == [[(json.dumps(["x1", "r1"]).encode(), 10.0), (json.dumps(["x2", "r2"]).encode(), 20.0)],
                    [(json.dumps(["y1", "r1"]).encode(), 10.0)], []]


async def test_chains_are_read_when_there_is_no_lookup(redis_client, key_prefix):
    await redis_client.zadd(f"{key_prefix}chain:x1", {json.dumps(["x1", "r1"]): 10.0})
    assert await RecordReader(redis_client).read([], [f"{key_prefix}chain:x1"], []) == (
        [], [[(json.dumps(["x1", "r1"]).encode(), 10.0)]])


async def test_a_chain_member_whose_id_json_escapes_is_read_by_its_id(redis_client, key_prefix):
    client, p = redis_client, key_prefix
    odd = ['x"q', "é1", "back\\slash"]
    await client.hset(f"{p}sent:a", mapping={cid: f"1:{n}" for n, cid in enumerate(odd)})
    await client.zadd(f"{p}chain:x", {json.dumps([cid, "r"]): float(n) for n, cid in enumerate(odd)})
    read, _ = await RecordReader(client).read([((f"{p}sent:a", f"{p}elapsed:a"), ([], []))], [f"{p}chain:x"], [[0]])
    assert read == [({cid: f"1:{n}".encode() for n, cid in enumerate(odd)}, {})]
