"""Deliveries of a subscription that is gone: once it is deleted (through the API) or taken out of the
subscriptions file, its queued and retrying deliveries are not sent again: each ends with one final
``alert.failed`` saying "cancelled: subscription deleted", no dead letter; a dead letter of it is not replayed.

Before: the retries went on after the delete and ended as a dead letter of a subscription that no longer
existed, whose replay posted to the deleted endpoint again."""

import json
import logging

import pytest

from samples import BORDERS, FUNDING, release
from schemas.streams import DEAD_LETTERS

from notifier_harness import (api_call, dead_letter_count, failed_attempts, fast_config, final_attempts,
                              wait_for)

pytestmark = pytest.mark.integration

# A retry waits a second: long enough for the delete to come between the first attempt and the next.
SLOW_RETRIES = dict(delivery_attempts=4, retry_base_seconds=1.0, retry_max_seconds=1.0)
CANCELLED = "cancelled: subscription deleted"


async def _only_desk(n, url):
    """Through the API of ``n``: the console subscription of a first start deleted, ``desk`` posting to ``url``
    made; its body."""
    assert (await api_call(n, "DELETE", "/subscriptions/console"))[0] == 204
    sub = {"id": "desk", "channels": [{"webhook": {"url": url}}]}
    assert (await api_call(n, "POST", "/subscriptions", sub))[0] == 201
    return sub


async def _not_member(streams, key, member):
    return not await streams.client.sismember(streams.key(key), member)


async def _queued(service):
    return await service.outbox.pending()


async def test_a_deleted_subscriptions_retrying_delivery_is_cancelled_not_dead_lettered(
        notifier, receiver, publish_classified):
    n = await notifier(config=fast_config(**SLOW_RETRIES), http=True)
    await _only_desk(n, receiver.url("fail"))
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: failed_attempts(n.service, "desk"), what="the first attempt failed")

    assert (await api_call(n, "DELETE", "/subscriptions/desk"))[0] == 204

    [final] = await wait_for(lambda: final_attempts(n.service, "desk"), what="the delivery finished")
    await n.service.worker.drain()
    assert final.outcome == "failed" and final.error is not None and final.error.startswith(CANCELLED)
    assert len(receiver.hits("fail")) == 1  # not tried again
    assert await dead_letter_count(n.service) == 0
    assert await _queued(n.service) == 0


async def test_a_cancelled_delivery_names_where_it_was_to_go_as_a_sent_one_does(
        notifier, receiver, publish_classified, caplog):
    """Before: the cancelled attempt's destination was the send bucket's ``webhook:http://…``, logged after the
    channel as "webhook webhook:http://…"; a sent attempt's is the URL alone."""
    caplog.set_level(logging.INFO, logger="services.notifier.delivery")
    n = await notifier(config=fast_config(**SLOW_RETRIES), http=True)
    await _only_desk(n, receiver.url("fail"))
    await publish_classified(n.service, release(BORDERS))
    [first] = await wait_for(lambda: failed_attempts(n.service, "desk"), what="the first attempt failed")
    assert (await api_call(n, "DELETE", "/subscriptions/desk"))[0] == 204
    [final] = await wait_for(lambda: final_attempts(n.service, "desk"), what="the delivery finished")
    await n.service.worker.drain()
    assert final.destination == first.destination == f"http://127.0.0.1:{receiver.port}/***"
    logged = [r.getMessage() for r in caplog.records if CANCELLED in r.getMessage()]
    assert logged and all("webhook webhook:" not in line for line in logged), logged
    assert f"webhook http://127.0.0.1:{receiver.port}/***: {CANCELLED}" in logged[0]


async def test_a_subscription_taken_out_of_the_file_has_its_retrying_delivery_cancelled(
        notifier, receiver, write_yaml, publish_classified):
    hooks = "channels: [{{webhook: {{url: \"{}\"}}}}]"
    desk = f"  - id: desk\n    {hooks.format(receiver.url('fail'))}\n"
    other = f"  - id: other\n    {hooks.format(receiver.url('hook'))}\n"
    path = write_yaml("subscriptions:\n" + desk + other, "subs.yaml")
    # the file is looked at once a second: a retry waits longer than that (2 to 4 s)
    n = await notifier(config=fast_config(**{**SLOW_RETRIES, "retry_base_seconds": 4.0, "retry_max_seconds": 4.0}),
                       subscriptions=path)
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: failed_attempts(n.service, "desk"), what="the first attempt failed")

    write_yaml("subscriptions:\n" + other, "subs.yaml")
    streams = n.service.runtime.streams
    await wait_for(lambda: _not_member(streams, "notifier:subscriptions:from-file", "desk"),
                   what="the file re-read, desk forgotten")

    [final] = await wait_for(lambda: final_attempts(n.service, "desk"), what="the delivery finished")
    assert final.error is not None and final.error.startswith(CANCELLED), final.error
    assert final.attempt == 2
    assert len(receiver.hits("fail")) == 1
    assert len(receiver.hits("hook")) == 1  # the other subscription's delivery went out
    assert await dead_letter_count(n.service) == 0


async def test_a_subscription_deleted_and_made_again_under_its_id_gets_its_new_deliveries(
        notifier, receiver, publish_classified):
    n = await notifier(config=fast_config(**SLOW_RETRIES), http=True)
    sub = await _only_desk(n, receiver.url("hook"))
    assert (await api_call(n, "DELETE", "/subscriptions/desk"))[0] == 204
    assert (await api_call(n, "POST", "/subscriptions", sub))[0] == 201

    await publish_classified(n.service, release(FUNDING))

    [final] = await wait_for(lambda: final_attempts(n.service, "desk"), what="the delivery finished")
    assert final.outcome == "delivered"
    assert len(receiver.hits("hook")) == 1


async def test_a_subscription_made_again_is_sent_a_later_version_telling_what_the_deleted_one_was_told(
        notifier, receiver, publish_classified):
    # Before: the alert of version 2 to the subscription made again had the id of the deleted one's alert of
    # version 1 (the same subscriber, kind and commitments), so its delivery job had the id of one already
    # delivered and was finished unsent: on the alerts stream, never on the webhook nor on deliveries.
    n = await notifier(config=fast_config(**SLOW_RETRIES), http=True)
    sub = await _only_desk(n, receiver.url("hook"))
    await publish_classified(n.service, release(FUNDING))
    await wait_for(lambda: final_attempts(n.service, "desk"), what="version 1 delivered")
    assert (await api_call(n, "DELETE", "/subscriptions/desk"))[0] == 204
    assert (await api_call(n, "POST", "/subscriptions", sub))[0] == 201

    await publish_classified(n.service, release(FUNDING, version=2))

    await wait_for(lambda: _has(final_attempts(n.service, "desk"), 2), what="version 2 delivered")
    bodies = [json.loads(body) for _, _, body, _ in receiver.hits("hook")]
    assert [b["data"]["release"]["version"] for b in bodies] == [1, 2]
    assert bodies[0]["id"] != bodies[1]["id"]


async def _has(awaitable, count):
    found = await awaitable
    return found if len(found) >= count else None


async def test_replaying_a_dead_letter_of_a_deleted_subscription_is_refused_and_the_letter_kept(
        notifier, receiver, publish_classified):
    from pledgewatch.dead_letter_queue import DeadLetterQueue

    n = await notifier(config=fast_config(delivery_attempts=1), http=True)
    await _only_desk(n, receiver.url("fail"))
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: dead_letter_count(n.service), what="the dead letter")
    await n.service.worker.drain()
    assert (await api_call(n, "DELETE", "/subscriptions/desk"))[0] == 204

    streams = n.service.runtime.streams
    [(letter_id, _)] = await streams.client.xrange(streams.key(DEAD_LETTERS))
    replayed = await DeadLetterQueue(streams.client, streams.key(DEAD_LETTERS)).replay(letter_id.decode())

    assert replayed.new_id is None and replayed.kept
    assert replayed.problem == "cannot be replayed: its subscription 'desk' was deleted"
    assert await dead_letter_count(n.service) == 1
    assert await _queued(n.service) == 0
    assert len(receiver.hits("fail")) == 1


async def test_a_subscription_deleted_during_an_attempt_has_it_end_the_delivery_when_it_fails(
        notifier, receiver, publish_classified):
    n = await notifier(config=fast_config(**SLOW_RETRIES), http=True, webhook_timeout=1.0)
    await _only_desk(n, receiver.url("hang"))  # never answers: times out
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: n.service.worker.inflight(), what="the first attempt under way")

    assert (await api_call(n, "DELETE", "/subscriptions/desk"))[0] == 204

    [final] = await wait_for(lambda: final_attempts(n.service, "desk"), what="the delivery finished")
    assert final.attempt == 1 and final.error is not None
    assert final.error.startswith(CANCELLED) and "; this attempt failed: timed out" in final.error, final.error
    assert await dead_letter_count(n.service) == 0
    assert await _queued(n.service) == 0


async def test_a_run_not_given_the_file_still_sends_what_was_queued_for_its_subscriptions(
        notifier, receiver, write_yaml, publish_classified):
    """Not deleted: the file was only left out of this run (which warns about it at start)."""
    path = write_yaml(f'subscriptions: [{{id: desk, channels: [{{webhook: {{url: "{receiver.url("busy")}"}}}}]}}]')
    first = await notifier(config=fast_config(**SLOW_RETRIES), subscriptions=path)
    await publish_classified(first.service, release(BORDERS))
    await wait_for(lambda: failed_attempts(first.service, "desk"), what="the first attempt failed")
    await first.stop()
    receiver.fixed.add("busy")

    second = await notifier(config=fast_config(**SLOW_RETRIES))  # the file not given

    [final] = await wait_for(lambda: final_attempts(second.service, "desk"), what="the delivery finished")
    assert final.outcome == "delivered" and final.attempt == 2
    assert len(receiver.hits("busy")) == 2
