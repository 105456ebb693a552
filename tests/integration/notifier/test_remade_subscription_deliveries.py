"""Deliveries queued for a channel the subscription no longer has: a subscription deleted and made again under
its id with another channel, or replaced with another URL (through the API, or in the subscriptions file), has
what was queued for the old channel cancelled (one final ``alert.failed`` saying "cancelled: channel changed",
no dead letter), and a dead letter for the old channel is not replayed. What was queued for a channel the
subscription still has goes out as before.

Before: the check asked only whether a subscription of that id existed, so the old job went on to the old
channel, and a replay of its dead letter too."""

import asyncio
import json

import pytest

from schemas.streams import DEAD_LETTERS
from samples import BORDERS, FUNDING, release
from notifier_harness import (api_call, dead_letter_count, dead_letter_of, failed_attempts, fast_config,
                              final_attempts, only_subscription, replay_the_letter, wait_for)

pytestmark = pytest.mark.integration

SLOW_RETRIES = dict(delivery_attempts=4, retry_base_seconds=1.0, retry_max_seconds=1.0)
CHANGED = "cancelled: channel changed"


def _desk(url, **more):
    return {"id": "desk", "channels": [{"webhook": {"url": url}}], **more}


async def _only_desk(n, url):
    await only_subscription(n, _desk(url))


async def _retrying_desk(notifier, receiver, publish_classified, path="fail"):
    n = await notifier(config=fast_config(**SLOW_RETRIES), http=True)
    await _only_desk(n, receiver.url(path))
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: failed_attempts(n.service, "desk"), what="the first attempt failed")
    return n


async def _cancelled_for_the_old_channel(n, receiver):
    [final] = await wait_for(lambda: final_attempts(n.service, "desk"), what="the delivery finished")
    await n.service.worker.drain()
    # "deleted" when a retry came between the delete and the new subscription; else "channel changed"
    assert final.error is not None and final.error.startswith("cancelled: "), final.error
    assert len(receiver.hits("fail")) == 1  # not tried again on the old channel
    assert len(receiver.hits("hook")) == 0  # nor sent to the new one
    assert await dead_letter_count(n.service) == 0
    assert await n.service.outbox.pending() == 0
    return final


async def test_a_subscription_deleted_and_made_again_with_another_url_has_its_old_delivery_cancelled(
        notifier, receiver, publish_classified):
    n = await _retrying_desk(notifier, receiver, publish_classified)

    assert (await api_call(n, "DELETE", "/subscriptions/desk"))[0] == 204
    assert (await api_call(n, "POST", "/subscriptions", _desk(receiver.url("hook"))))[0] == 201

    await _cancelled_for_the_old_channel(n, receiver)


async def test_a_subscription_replaced_with_another_url_has_its_old_delivery_cancelled(
        notifier, receiver, publish_classified):
    n = await _retrying_desk(notifier, receiver, publish_classified)

    assert (await api_call(n, "PUT", "/subscriptions/desk", _desk(receiver.url("hook"))))[0] == 200

    final = await _cancelled_for_the_old_channel(n, receiver)
    assert final.error.startswith(CHANGED) and "; not sent" in final.error, final.error


async def test_a_subscription_replaced_with_its_channel_sent_back_as_shown_still_gets_its_retrying_delivery(
        notifier, receiver, publish_classified):
    """The API shows a secret as ``***`` and a URL redacted; sent back so, the stored values are kept."""
    n = await notifier(config=fast_config(**SLOW_RETRIES), http=True)
    assert (await api_call(n, "DELETE", "/subscriptions/console"))[0] == 204
    secret = {"webhook": {"url": receiver.url("busy") + "?token=abc", "secret": "s3cret-value"}}
    assert (await api_call(n, "POST", "/subscriptions", {"id": "desk", "channels": [secret]}))[0] == 201
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: failed_attempts(n.service, "desk"), what="the first attempt failed")

    status, shown = await api_call(n, "GET", "/subscriptions/desk")
    assert status == 200 and "s3cret-value" not in str(shown)
    changed = {"id": "desk", "channels": shown["channels"], "filter": {"min_confidence": 0.1}}
    assert (await api_call(n, "PUT", "/subscriptions/desk", changed))[0] == 200
    receiver.fixed.add("busy")

    [final] = await wait_for(lambda: final_attempts(n.service, "desk"), what="the delivery finished")
    assert final.outcome == "delivered" and final.attempt == 2, final.error


async def test_a_subscription_replaced_keeping_its_channel_still_gets_its_retrying_delivery(
        notifier, receiver, publish_classified):
    n = await _retrying_desk(notifier, receiver, publish_classified, path="busy")

    changed = _desk(receiver.url("busy"), filter={"min_confidence": 0.1})
    assert (await api_call(n, "PUT", "/subscriptions/desk", changed))[0] == 200
    receiver.fixed.add("busy")

    [final] = await wait_for(lambda: final_attempts(n.service, "desk"), what="the delivery finished")
    assert final.outcome == "delivered" and final.attempt == 2
    assert len(receiver.hits("busy")) == 2


async def test_a_subscription_whose_url_changed_in_the_file_has_its_old_delivery_cancelled(
        notifier, receiver, write_yaml, publish_classified):
    desk = "subscriptions:\n  - id: desk\n    channels: [{{webhook: {{url: \"{}\"}}}}]\n"
    path = write_yaml(desk.format(receiver.url("fail")), "subs.yaml")
    # the file is looked at once a second: a retry waits longer than that
    n = await notifier(config=fast_config(**{**SLOW_RETRIES, "retry_base_seconds": 4.0, "retry_max_seconds": 4.0}),
                       subscriptions=path)
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: failed_attempts(n.service, "desk"), what="the first attempt failed")

    write_yaml(desk.format(receiver.url("hook")), "subs.yaml")

    [final] = await wait_for(lambda: final_attempts(n.service, "desk"), what="the delivery finished")
    assert final.error is not None and final.error.startswith(CHANGED), final.error
    assert len(receiver.hits("fail")) == 1
    assert len(receiver.hits("hook")) == 0
    assert await dead_letter_count(n.service) == 0


async def test_replaying_a_dead_letter_of_a_subscription_made_again_with_another_url_is_refused(
        notifier, receiver, publish_classified):
    n = await dead_letter_of(notifier, publish_classified, _desk(receiver.url("busy")), release(BORDERS))
    assert (await api_call(n, "DELETE", "/subscriptions/desk"))[0] == 204
    assert (await api_call(n, "POST", "/subscriptions", _desk(receiver.url("hook"))))[0] == 201
    receiver.fixed.add("busy")

    replayed = await replay_the_letter(n)

    assert replayed.new_id is None and replayed.kept
    assert replayed.problem == ("cannot be replayed: its subscription 'desk' no longer sends where it was queued "
                                "to go (its URL or recipients changed since, or the channel taken out)")
    assert await dead_letter_count(n.service) == 1
    assert await n.service.outbox.pending() == 0
    assert len(receiver.hits("busy")) == 1 and len(receiver.hits("hook")) == 0


async def _dlq_show(n, settings, monkeypatch, capsys, *args):
    """``pledgewatch dlq show ID [ARGS]`` of the one dead letter of ``n``, as typed (its own event loop): stdout."""
    from pledgewatch.cli import main

    streams = n.service.runtime.streams
    [(letter_id, _)] = await streams.client.xrange(streams.key(DEAD_LETTERS))
    monkeypatch.setenv("REDIS_URL", settings.redis_url)
    monkeypatch.setenv("PLEDGEWATCH_PREFIX", settings.prefix)
    capsys.readouterr()
    assert await asyncio.to_thread(main, ["dlq", "show", letter_id.decode(), *args]) == 0
    return capsys.readouterr().out


async def test_a_dead_letter_of_a_subscription_replaced_with_another_url_is_shown_not_replayable(
        notifier, receiver, publish_classified, settings, monkeypatch, capsys):
    """Before: `dlq show` said "replayable: yes" (and `--json` `"replayable": true`) of a delivery whose
    subscription no longer sends there, which `dlq replay` then kept, saying it cannot be replayed."""
    n = await dead_letter_of(notifier, publish_classified, _desk(receiver.url("busy")), release(BORDERS))
    assert "\nreplayable: yes\n" in await _dlq_show(n, settings, monkeypatch, capsys)

    assert (await api_call(n, "PUT", "/subscriptions/desk", _desk(receiver.url("hook"))))[0] == 200

    refusal = ("its subscription 'desk' no longer sends where it was queued to go (its URL or recipients changed "
               "since, or the channel taken out)")
    assert f"\nreplayable: no, {refusal}\n" in await _dlq_show(n, settings, monkeypatch, capsys)
    shown = json.loads(await _dlq_show(n, settings, monkeypatch, capsys, "--json"))
    assert shown["replayable"] is False and shown["not_replayable"] == refusal
    assert (await replay_the_letter(n)).problem == f"cannot be replayed: {refusal}"


async def test_a_dead_letter_of_a_deleted_subscription_is_shown_not_replayable(
        notifier, receiver, publish_classified, settings, monkeypatch, capsys):
    n = await dead_letter_of(notifier, publish_classified, _desk(receiver.url("busy")), release(BORDERS))
    assert (await api_call(n, "DELETE", "/subscriptions/desk"))[0] == 204

    assert "\nreplayable: no, its subscription 'desk' was deleted\n" in await _dlq_show(
        n, settings, monkeypatch, capsys)


async def test_replaying_a_dead_letter_of_a_subscription_replaced_keeping_its_channel_sends_it(
        notifier, receiver, publish_classified):
    n = await dead_letter_of(notifier, publish_classified, _desk(receiver.url("busy")), release(BORDERS))
    changed = _desk(receiver.url("busy"), filter={"min_confidence": 0.1})
    assert (await api_call(n, "PUT", "/subscriptions/desk", changed))[0] == 200
    receiver.fixed.add("busy")

    replayed = await replay_the_letter(n)

    assert replayed.new_id is not None and replayed.problem is None
    await wait_for(lambda: len(receiver.hits("busy")) == 2, what="the replayed delivery sent")


@pytest.mark.parametrize("marked", [True, False], ids=["marked", "queued-by-an-earlier-version"])
async def test_a_subscription_deleted_and_made_again_with_the_same_channel_is_not_sent_the_deleted_ones_delivery(
        notifier, receiver, publish_classified, marked):
    """What was queued for the deleted subscription is not the new one's, whatever its channel: made again before
    the retry (two seconds later), with the very channel and a filter selecting nothing of the release, it was
    sent the deleted one's alert. Its own deliveries still go out. A job an earlier version queued has no
    generation beside it: judged by when its message was made."""
    n = await notifier(config=fast_config(delivery_attempts=4, retry_base_seconds=2.0, retry_max_seconds=2.0),
                       http=True)
    await _only_desk(n, receiver.url("busy"))
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: failed_attempts(n.service, "desk"), what="the first attempt failed")
    outbox = n.service.outbox
    assert await outbox.client.hlen(outbox.generations) == 1
    if not marked:
        await outbox.client.delete(outbox.generations)

    assert (await api_call(n, "DELETE", "/subscriptions/desk"))[0] == 204
    assert (await api_call(n, "POST", "/subscriptions", _desk(receiver.url("busy"))))[0] == 201
    receiver.fixed.add("busy")

    [final] = await wait_for(lambda: final_attempts(n.service, "desk"), what="the delivery finished")
    assert final.error is not None and final.error.startswith("cancelled: subscription deleted"), final.error
    assert len(receiver.hits("busy")) == 1  # the first attempt, before the delete
    assert await dead_letter_count(n.service) == 0 and await n.service.outbox.pending() == 0

    await publish_classified(n.service, release(FUNDING))
    finals = await wait_for(lambda: _two(final_attempts(n.service, "desk")), what="the new delivery finished")
    assert finals[-1].outcome == "delivered" and len(receiver.hits("busy")) == 2


async def _two(pending):
    found = await pending
    return found if len(found) == 2 else None


async def test_a_subscription_made_again_while_a_release_is_handled_is_sent_its_new_alert(
        notifier, receiver, publish_classified, monkeypatch):
    """Made again after the notifier took the release's time and before it read the subscriptions: the new
    subscription's alert, stamped before it was made, was cancelled as the deleted one's ("cancelled:
    subscription deleted"). What a job was planned for is the subscription as read, not a time."""
    from services.notifier.announcement_index import AnnouncementIndex

    n = await notifier(config=fast_config(**SLOW_RETRIES), http=True)
    await _only_desk(n, receiver.url("old"))
    prepare_with, remade = AnnouncementIndex.prepare_with, []

    async def made_again_first(index, releases, alongside):
        if not remade:  # between the release's time and the read of the subscriptions
            assert (await api_call(n, "DELETE", "/subscriptions/desk"))[0] == 204
            remade.append((await api_call(n, "POST", "/subscriptions", _desk(receiver.url("busy"))))[0])
        return await prepare_with(index, releases, alongside)

    monkeypatch.setattr(AnnouncementIndex, "prepare_with", made_again_first)
    await publish_classified(n.service, release(BORDERS))
    # its first attempt fails: the worker asks whether it is still the subscription's, and claims its retry
    await wait_for(lambda: failed_attempts(n.service, "desk"), what="the first attempt failed")
    assert remade == [201]
    receiver.fixed.add("busy")

    [final] = await wait_for(lambda: final_attempts(n.service, "desk"), what="the delivery finished")
    assert final.outcome == "delivered" and final.attempt == 2, final.error
    assert len(receiver.hits("busy")) == 2 and len(receiver.hits("old")) == 0
    assert await n.service.outbox.client.hlen(n.service.outbox.generations) == 0  # kept only while it was queued
