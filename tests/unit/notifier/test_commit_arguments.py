"""The alerts' script receives what it received before: the bytes on the connection are those redis-py wrote for
the plain arguments."""

import hiredis
import pytest
from redis.asyncio.connection import Connection

from services.notifier.alert_commit import script_args

HEAD = ["alerts", "event", "outbox", "dests", "job:", 50, 250, "done:", "job-event:"]


@pytest.mark.parametrize("docs", [
    [],
    [b'{"id": "a1"}', '{"job_id": "j1"}', "réponse – 日本 😀", b"", "", b"\x00\xff" * 5000, "x" * 20_000],
])
def test_the_scripts_arguments_reach_redis_as_the_same_bytes(docs):
    plan = b'{"fields": [], "sets": ["k", 1, "c-1"]}'
    plain = ("EVALSHA", "0" * 40, 0, plan, *HEAD, *docs)
    viewed = ("EVALSHA", "0" * 40, 0, *script_args(plan, HEAD, docs))
    connection = Connection()
    encoded = tuple(a if isinstance(a, bytes) else connection.encoder.encode(a) for a in plain)
    assert b"".join(bytes(chunk) for chunk in connection.pack_command(*viewed)) == hiredis.pack_command(encoded)

