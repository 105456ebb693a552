"""The subscribers' records of a run, read by one script: what each field and member is, absent ones included."""

import pytest

from services.notifier.record_reads import RecordReader

pytestmark = pytest.mark.integration


async def test_each_lookup_reads_its_fields_and_members_as_they_are(redis_client, key_prefix):
    client, p = redis_client, key_prefix
    await client.hset(f"{p}sent:a", mapping={"c1": "1:abc", "c3": "2:removed"})
    await client.sadd(f"{p}elapsed:a", "c1:0")
    many = [f"c{i}" for i in range(2500)]  # past one HMGET's slice
    await client.hset(f"{p}sent:b", mapping={"c2499": "1:fff"})
    read = await RecordReader(client).read([
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


async def test_no_lookups_read_nothing(redis_client):
    assert await RecordReader(redis_client).read([]) == []
