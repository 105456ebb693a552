"""docs/examples/consume_stream.py, as docs/CONTRACTS.md ("Consuming a stream") gives it to other services:
what a consumer read before a crash is handled after it, and an event that comes twice is handled once."""

import json

import pytest
import redis

pytestmark = pytest.mark.integration


def _event(event_id: str) -> dict:
    return {"specversion": "1.0", "id": event_id, "source": "/pledgewatch/notifier", "type": "pledgewatch.alert",
            "data": {"alert_id": event_id}}


def test_entries_read_before_a_crash_are_handled_after_it_and_a_duplicate_once(docs_example, settings):
    consume = docs_example("consume_stream").consume
    client = redis.Redis.from_url(settings.redis_url)
    stream, seen = f"{settings.prefix}alerts", f"{settings.prefix}mine:seen"
    try:
        client.xgroup_create(stream, "mine", id="0", mkstream=True)
        for event_id in ["a-1", "a-2", "a-1", "a-3"]:  # a-1 again: a replayed dead letter, say
            client.xadd(stream, {"__data__": json.dumps(_event(event_id))})
        client.xreadgroup("mine", "replica-1", {stream: ">"}, count=2)  # read, then the process died

        handled = []
        consume(client, stream, "mine", "replica-1", lambda event: handled.append(event["id"]), seen=seen,
                forever=False)

        assert handled == ["a-1", "a-2", "a-3"]
        assert client.xpending(stream, "mine")["pending"] == 0
        consume(client, stream, "mine", "replica-1", handled.append, seen=seen, forever=False)  # a restart
        assert handled == ["a-1", "a-2", "a-3"]
    finally:
        client.close()


def test_an_entry_that_is_no_event_is_set_aside_and_the_events_after_it_handled(docs_example, settings):
    """Before: an entry without ``__data__`` (or not JSON) raised at every start, before any event after it."""
    consume = docs_example("consume_stream").consume
    client = redis.Redis.from_url(settings.redis_url)
    stream, seen, aside = f"{settings.prefix}alerts", f"{settings.prefix}mine:seen", f"{settings.prefix}mine:aside"
    try:
        client.xadd(stream, {"note": "written by hand"})
        client.xadd(stream, {"__data__": "{not json"})
        client.xadd(stream, {"__data__": json.dumps(_event("a-1"))})

        handled = []
        consume(client, stream, "mine", "replica-1", lambda event: handled.append(event["id"]), seen=seen,
                aside=aside, forever=False)

        assert handled == ["a-1"]
        assert client.xpending(stream, "mine")["pending"] == 0
        assert [fields for _, fields in client.xrange(aside)] == [{b"note": b"written by hand"},
                                                                   {b"__data__": b"{not json"}]
    finally:
        client.close()
