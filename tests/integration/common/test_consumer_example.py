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
        no_event = b"no event: no __data__, or not JSON"
        assert [fields for _, fields in client.xrange(aside)] == [
            {b"note": b"written by hand", b"__reason__": no_event},
            {b"__data__": b"{not json", b"__reason__": no_event}]
    finally:
        client.close()


def test_an_event_whose_handling_keeps_failing_is_set_aside_after_its_deliveries_and_the_next_handled(
        docs_example, settings, caplog):
    """Before: an event its handler failed on was read again at every start, forever, before any event after it."""
    example = docs_example("consume_stream")
    client = redis.Redis.from_url(settings.redis_url)
    stream, seen, aside = f"{settings.prefix}alerts", f"{settings.prefix}mine:seen", f"{settings.prefix}mine:aside"
    handled = []

    def handle(event: dict) -> None:
        if event["id"] == "a-1":
            raise ValueError("no row for a-1")
        handled.append(event["id"])

    try:
        for event_id in ["a-1", "a-2"]:
            client.xadd(stream, {"__data__": json.dumps(_event(event_id))})
        for _ in range(example.MAX_DELIVERIES - 1):  # each failure stops the consumer, restarted after it
            with pytest.raises(ValueError, match="no row for a-1"):
                example.consume(client, stream, "mine", "replica-1", handle, seen=seen, aside=aside, forever=False)
        assert handled == [] and client.xlen(aside) == 0

        example.consume(client, stream, "mine", "replica-1", handle, seen=seen, aside=aside, forever=False)

        assert handled == ["a-2"]
        assert client.xpending(stream, "mine")["pending"] == 0
        [(_, fields)] = client.xrange(aside)
        assert json.loads(fields[b"__data__"])["id"] == "a-1"
        assert fields[b"__reason__"] == (f"handling failed {example.MAX_DELIVERIES} times: "
                                         f"ValueError('no row for a-1')").encode()
        assert "set aside" in caplog.text and "a-1" in caplog.text
        assert not client.sismember(seen, "a-1")  # never handled: replayable from the aside stream
    finally:
        client.close()


def test_entries_a_replica_gone_for_good_left_pending_are_claimed_once_and_fresh_ones_left_to_their_owner(
        docs_example, settings):
    """Before: replica-1's entries stayed pending for it forever once it was gone; another name's never read them."""
    consume = docs_example("consume_stream").consume
    client = redis.Redis.from_url(settings.redis_url)
    stream, seen = f"{settings.prefix}alerts", f"{settings.prefix}mine:seen"
    try:
        client.xgroup_create(stream, "mine", id="0", mkstream=True)
        for event_id in ["a-1", "a-2", "a-1", "a-3", "a-4"]:  # a-1 again: a replayed dead letter, say
            client.xadd(stream, {"__data__": json.dumps(_event(event_id))})
        [(_, gone)] = client.xreadgroup("mine", "replica-1", {stream: ">"}, count=3)  # read, then gone for good
        client.xclaim(stream, "mine", "replica-1", min_idle_time=0, message_ids=[i for i, _ in gone],
                      idle=600_000)  # as if it had died ten minutes ago
        [(_, [(busy, _)])] = client.xreadgroup("mine", "replica-3", {stream: ">"}, count=1)  # alive, handling a-3

        handled = []
        consume(client, stream, "mine", "replica-2", lambda event: handled.append(event["id"]), seen=seen,
                forever=False)

        assert handled == ["a-1", "a-2", "a-4"]
        pending = client.xpending_range(stream, "mine", min="-", max="+", count=10)
        assert [(p["message_id"], p["consumer"]) for p in pending] == [(busy, b"replica-3")]
        consume(client, stream, "mine", "replica-2", handled.append, seen=seen, forever=False)  # a restart
        assert handled == ["a-1", "a-2", "a-4"]
    finally:
        client.close()
