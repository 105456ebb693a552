"""Daily digests: matches buffered, then one message listing them at the chosen time."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from samples import BORDERS, TRAINING, release

from notifier_harness import wait_for

pytestmark = pytest.mark.integration


async def test_digest_lists_every_match_since_the_last_in_one_message(notifier, receiver, write_yaml,
                                                                       publish_classified, contract_schemas, caplog):
    """A digest queued is logged, as an alert decided and a reminder fired are (before: nothing was)."""
    caplog.set_level("INFO", logger="services.notifier.service")
    path = _morning_digest(write_yaml, receiver)
    now = [datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)]
    n = await notifier(subscriptions=path, clock=lambda: now[0], run_scheduler=False)
    assert await n.service.send_digests() == 0  # first look only notes the time
    await publish_classified(n.service, release(BORDERS, release_id="r1"))
    await publish_classified(n.service, release(TRAINING, release_id="r2"))
    streams = n.service.runtime.streams
    await wait_for(lambda: _is(streams.client.llen(streams.key("notifier:digest:morning")), 2), what="buffered")
    assert await n.service.send_digests() == 0  # 07:00: not yet
    now[0] += timedelta(hours=1, minutes=5)
    assert await n.service.send_digests() == 1
    [queued] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("digest queued")]
    assert queued.startswith("digest queued for morning: 2 alert(s) (digest-")
    assert await n.service.send_digests() == 0  # once per day
    (_, headers, body, _), = await wait_for(lambda: receiver.hits("hook"), what="digest POST")
    digest = json.loads(body)
    assert digest["type"] == "pledgewatch.digest"
    assert headers["Content-Type"] == "application/cloudevents+json; charset=utf-8"
    assert contract_schemas.event_errors(digest) == []
    assert [a["release"]["release_id"] for a in digest["data"]["alerts"]] == ["r1", "r2"]
    assert digest["data"]["until"] == "2026-03-02T08:00:00Z"
    now[0] += timedelta(days=1)
    assert await n.service.send_digests() == 0  # nothing new: no empty digest
    await n.service.worker.drain()
    assert len(receiver.hits("hook")) == 1


def _morning_digest(write_yaml, receiver):
    return write_yaml(f"""
subscriptions:
  - id: morning
    mode: digest
    digest_at: "08:00"
    channels: [{{webhook: {{url: "{receiver.url('hook')}"}}}}]
""")


async def _is(awaitable, value):
    return await awaitable == value


async def test_a_digest_whose_buffer_grows_at_every_read_is_sent_once_with_each_match_once(
        notifier, receiver, write_yaml, publish_classified, monkeypatch):
    """Before: the digest read its buffer again for as long as matches kept being buffered between its read and
    its record (a burst), and the leader's tick waited. Now, after a few tries, it takes what it read; what was
    buffered meanwhile waits for the next digest."""
    from redis.asyncio import Redis

    path = _morning_digest(write_yaml, receiver)
    now = [datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)]
    n = await notifier(subscriptions=path, clock=lambda: now[0], run_scheduler=False)
    assert await n.service.send_digests() == 0
    await publish_classified(n.service, release(BORDERS, release_id="r1"))
    streams = n.service.runtime.streams
    buffer = streams.key("notifier:digest:morning")
    await wait_for(lambda: _is(streams.client.llen(buffer), 1), what="buffered")
    (template,) = await streams.client.lrange(buffer, 0, -1)

    read, reads = Redis.lrange, []

    def lrange(self, key, *args):  # each read of the buffer is followed by another match buffered (up to 10)
        answer = read(self, key, *args)
        if key != buffer or len(reads) >= 10 or getattr(self, "explicit_transaction", False):
            return answer  # one queued in the digest's transaction: nothing comes between it and the record

        async def then_buffer():
            got = await answer
            reads.append(len(got))
            burst = json.loads(template)
            burst["alert_id"] += f"-{len(reads)}"
            burst["release"]["release_id"] = f"burst{len(reads)}"
            await streams.client.rpush(buffer, json.dumps(burst))
            return got
        return then_buffer()
    monkeypatch.setattr(Redis, "lrange", lrange)

    now[0] += timedelta(hours=1, minutes=5)
    assert await n.service.send_digests() == 1
    assert reads == [1, 2, 3, 4]  # three watched reads, each overtaken, then the read taken as it is
    left = [json.loads(raw)["release"]["release_id"] for raw in await streams.client.lrange(buffer, 0, -1)]
    assert left == ["burst4"]  # buffered after the last read: for the next digest
    (digest,) = await _sent_digests(n, receiver, 1)
    assert [a["release"]["release_id"] for a in digest["alerts"]] == ["r1", "burst1", "burst2", "burst3"]


async def _sent_digests(n, receiver, count):
    await wait_for(lambda: len(receiver.hits("hook")) >= count, what=f"{count} digest(s)")
    await n.service.worker.drain()
    return [json.loads(body)["data"] for _, _, body, _ in receiver.hits("hook")]


async def test_a_first_digests_since_is_the_digest_time_before_the_subscription_was_seen_as_its_schema_says(
        notifier, receiver, write_yaml, publish_classified):
    # Before: the schema said since was "None for the first" digest; a consumer waiting for a null to tell the
    # first digest waited for ever, since it is the digest time before the notifier first saw the subscription.
    from schemas.digest import Digest

    now = [datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)]
    n = await notifier(subscriptions=_morning_digest(write_yaml, receiver), clock=lambda: now[0],
                       run_scheduler=False)
    assert await n.service.send_digests() == 0  # first look
    await publish_classified(n.service, release(BORDERS, release_id="r1"))
    streams = n.service.runtime.streams
    await wait_for(lambda: _is(streams.client.llen(streams.key("notifier:digest:morning")), 1), what="buffered")
    now[0] += timedelta(hours=1, minutes=5)
    assert await n.service.send_digests() == 1
    (_, _, body, _), = await wait_for(lambda: receiver.hits("hook"), what="digest POST")
    assert json.loads(body)["data"]["since"] == "2026-03-01T08:00:00Z"
    description = Digest.model_fields["since"].description or ""
    assert "None for the first" not in description and "first saw" in description
