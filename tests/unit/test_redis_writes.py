import pytest

from services.common.redis_writes import write_refusal


@pytest.mark.parametrize(("memory", "refused"), [
    ({"maxmemory": 0, "maxmemory_policy": "noeviction", "used_memory": 10**9}, False),
    ({"maxmemory": 100, "maxmemory_policy": "noeviction", "used_memory": 100}, False),
    ({"maxmemory": 100, "maxmemory_policy": "noeviction", "used_memory": 101}, True),
    ({"maxmemory": 100, "maxmemory_policy": "noeviction", "used_memory": 150, "mem_not_counted_for_evict": 60}, False),
    ({"maxmemory": 100, "maxmemory_policy": "allkeys-lru", "used_memory": 150}, False),
], ids=["no-maxmemory", "at-maxmemory", "past-maxmemory", "past-only-by-buffers-not-counted", "evicting"])
def test_write_refusal_of_info_memory(memory, refused):
    assert (write_refusal(memory) is not None) == refused
