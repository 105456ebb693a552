"""A subscription stored before a channel check existed can still be paused, resumed and patched: the check
applies to channels given or changed, not to the stored ones carried along."""

import json

import pytest

from notifier_harness import api_call

pytestmark = pytest.mark.integration

OLDER = [
    pytest.param([{"type": "email", "to": ["a@x.org"]}, {"type": "email", "to": ["A@x.org", "b@x.org"]}],
                 id="mailbox-in-two-email-channels"),
    pytest.param([{"type": "webhook", "url": "http://127.1/in"}], id="webhook-numeric-host"),
    pytest.param([{"type": "webhook", "url": "http://hooks.example.org:0/in"}], id="webhook-port-0"),
]


@pytest.mark.parametrize("channels", OLDER)
async def test_an_older_subscription_is_paused_resumed_and_patched(notifier, channels):
    n = await notifier(http=True)
    await n.service.store.client.hset(n.service.store.key, "older", json.dumps({"id": "older", "channels": channels}))

    status, body = await api_call(n, "POST", "/subscriptions/older/pause", {"until": "2030-01-01T00:00:00Z"})
    assert (status, body.get("paused_until")) == (200, "2030-01-01T00:00:00Z"), body
    status, body = await api_call(n, "POST", "/subscriptions/older/resume")
    assert (status, body.get("paused_until")) == (200, None), body
    status, body = await api_call(n, "PATCH", "/subscriptions/older", {"mode": "digest"})
    assert (status, body.get("mode")) == (200, "digest"), body
    again = {"id": "newer", "channels": [channel_given(c) for c in channels]}
    status, body = await api_call(n, "POST", "/subscriptions", again)
    assert status == 422, body  # given anew: checked


def channel_given(stored: dict) -> dict:
    return {stored["type"]: {k: v for k, v in stored.items() if k != "type"}}
