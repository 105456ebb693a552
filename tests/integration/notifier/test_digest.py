"""Daily digests: matches buffered, then one message listing them at the chosen time."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from samples import BORDERS, TRAINING, release

from notifier_harness import wait_for

pytestmark = pytest.mark.integration


async def test_digest_lists_every_match_since_the_last_in_one_message(notifier, receiver, write_yaml,
                                                                       publish_classified, contract_schemas):
    path = write_yaml(f"""
subscriptions:
  - id: morning
    mode: digest
    digest_at: "08:00"
    channels: [{{webhook: {{url: "{receiver.url('hook')}"}}}}]
""")
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


async def _is(awaitable, value):
    return await awaitable == value
