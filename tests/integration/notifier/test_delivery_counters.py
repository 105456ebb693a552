"""The counters ``/metrics`` reports for the notifier move by what happened: each attempt per channel, each
delivery given up (the alerts that never arrived), each reminder fired. Real Redis, real receivers."""

import json

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from samples import BORDERS, dated, release
from services.common.metrics import registry_with

from notifier_harness import desk_reminded_soon, fast_config, wait_for

pytestmark = pytest.mark.integration


def _counters():
    text = generate_latest(registry_with()).decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def _gained(before, after):
    return {key: value - before.get(key, 0.0) for key, value in after.items() if value != before.get(key, 0.0)}


@pytest.mark.parametrize("path, failed", [("fail", 3), ("gone", 1)], ids=["500: retried", "404: not retryable"])
async def test_a_webhook_that_never_takes_the_alert_counts_each_attempt_and_one_given_up(
        notifier, receiver, write_yaml, publish_classified, path, failed):
    before = _counters()
    n = await notifier(config=fast_config(delivery_attempts=3), subscriptions=write_yaml(
        f"subscriptions: [{{id: desk, channels: [{{webhook: {{url: '{receiver.url(path)}'}}}}]}}]"))
    await publish_classified(n.service, release(BORDERS))
    streams = n.service.runtime.streams
    await wait_for(lambda: streams.client.xlen(streams.key("dead-letters")), what="dead letter")
    gained = _gained(before, _counters())
    assert gained[("pledgewatch_deliveries_total", (("channel", "webhook"), ("outcome", "failed")))] == failed
    assert gained[("pledgewatch_deliveries_given_up_total", (("channel", "webhook"),))] == 1


async def test_a_delivered_webhook_is_sent_once_and_never_given_up(notifier, receiver, write_yaml,
                                                                   publish_classified):
    before = _counters()
    n = await notifier(config=fast_config(), subscriptions=write_yaml(
        f"subscriptions: [{{id: desk, channels: [{{webhook: {{url: '{receiver.url('hook')}'}}}}]}}]"))
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: receiver.hits("hook"), what="the POST")
    await n.service.worker.drain()
    gained = _gained(before, _counters())
    assert gained[("pledgewatch_deliveries_total", (("channel", "webhook"), ("outcome", "sent")))] == 1
    assert ("pledgewatch_deliveries_given_up_total", (("channel", "webhook"),)) not in gained


async def test_a_fired_reminder_is_counted_once(notifier, receiver, write_yaml, publish_classified):
    soon = desk_reminded_soon(write_yaml, receiver.url("hook"), seconds=0.5)
    before = _counters()
    n = await notifier(config=fast_config(reminder_time="00:00"), subscriptions=soon.path)
    await publish_classified(n.service, release(dated("c-dated", soon.due)))

    def reminders():
        return [h for h in receiver.hits("hook") if json.loads(h[2])["data"]["kind"] == "reminder"]
    await wait_for(reminders, timeout=10, what="the reminder")
    await n.service.worker.drain()
    assert _gained(before, _counters())[("pledgewatch_reminders_fired_total", ())] == 1


@pytest.mark.parametrize("path, attempts", [("hook", 1), ("fail", 3)], ids=["delivered", "500 three times"])
async def test_each_send_is_timed_by_channel_type(notifier, receiver, write_yaml, publish_classified, path, attempts):
    """How long the sends take, for "why is the notifier slow": one observation an attempt, failed ones too."""
    before = _counters()
    n = await notifier(config=fast_config(delivery_attempts=3), subscriptions=write_yaml(
        f"subscriptions: [{{id: desk, channels: [{{webhook: {{url: '{receiver.url(path)}'}}}}]}}]"))
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: len(receiver.hits(path)) >= attempts, what="the attempts")
    await n.service.worker.drain()
    gained = _gained(before, _counters())
    webhook = (("channel", "webhook"),)
    assert gained[("pledgewatch_delivery_send_seconds_count", webhook)] == attempts
    assert gained[("pledgewatch_delivery_send_seconds_sum", webhook)] > 0
    assert gained[("pledgewatch_delivery_send_seconds_bucket", (*webhook, ("le", "+Inf")))] == attempts
