import pytest

from services.common.redis_writes import keyspace_needed, replica_refusal, write_refusal

OVER = {"maxmemory": 100, "used_memory": 150}
KEYS = {"db0": {"keys": 3, "expires": 0, "avg_ttl": 0}}
EXPIRING = {"db0": {"keys": 3, "expires": 1, "avg_ttl": 5000}}


@pytest.mark.parametrize(("memory", "keyspace", "refused"), [
    ({"maxmemory": 0, "maxmemory_policy": "noeviction", "used_memory": 10**9}, None, False),
    ({"maxmemory": 100, "maxmemory_policy": "noeviction", "used_memory": 100}, None, False),
    ({"maxmemory": 100, "maxmemory_policy": "noeviction", "used_memory": 101}, None, True),
    ({"maxmemory": 100, "maxmemory_policy": "noeviction", "used_memory": 150, "mem_not_counted_for_evict": 60}, None,
     False),
    ({**OVER, "maxmemory_policy": "allkeys-lru"}, KEYS, False),
    ({**OVER, "maxmemory_policy": "allkeys-lru"}, {}, True),
    ({**OVER, "maxmemory_policy": "volatile-lru"}, EXPIRING, False),
    ({**OVER, "maxmemory_policy": "volatile-ttl"}, KEYS, True),
    ({"maxmemory": 100, "maxmemory_policy": "volatile-lru", "used_memory": 90}, {}, False),
], ids=["no-maxmemory", "at-maxmemory", "past-maxmemory", "past-only-by-buffers-not-counted", "evicting",
        "allkeys-nothing-left", "volatile-with-expiring-keys", "volatile-none-expiring", "volatile-under"])
def test_write_refusal_of_info_memory(memory, keyspace, refused):
    assert (write_refusal(memory, keyspace) is not None) == refused


def test_the_keyspace_is_read_only_over_maxmemory_under_an_evicting_policy():
    assert keyspace_needed({**OVER, "maxmemory_policy": "volatile-lru"})
    assert not keyspace_needed({**OVER, "maxmemory_policy": "noeviction"})
    assert not keyspace_needed({"maxmemory": 100, "used_memory": 90, "maxmemory_policy": "allkeys-lru"})


@pytest.mark.parametrize(("replication", "read_only", "refusal"), [
    ({"role": "master", "connected_slaves": 1}, True, None),
    ({"role": "slave", "master_host": "10.0.0.5", "master_port": 6379, "master_link_status": "up"}, True,
     "Redis refuses writes: a read-only replica (master at 10.0.0.5:6379)"),
    ({"role": "slave", "master_host": "fd00::5", "master_port": 6380}, True,
     "Redis refuses writes: a read-only replica (master at [fd00::5]:6380)"),
    ({"role": "slave", "master_host": "10.0.0.5", "master_port": 6379}, False, None),
], ids=["primary", "read-only-replica", "replica-of-an-ipv6-master", "writable-replica"])
def test_replica_refusal_of_info_replication(replication, read_only, refusal):
    found = replica_refusal(replication, read_only=read_only)
    assert found == refusal if refusal is None else found.startswith(refusal + ": "), found


def test_a_replica_refusal_says_what_to_do():
    refusal = replica_refusal({"role": "slave", "master_host": "10.0.0.5", "master_port": 6379}, read_only=True)
    assert "REDIS_URL" in refusal
