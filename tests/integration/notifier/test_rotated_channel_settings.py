"""Deliveries queued for a channel whose settings changed while it still sends to the same place: a webhook's
signing secret rotated (through the API, or in the subscriptions file), a recipient added to or taken from an
email channel, email channels merged or split, one of two webhooks at one URL rotated. What was queued goes out
with the channel as the subscription has it now: signed with the new secret (its own channel's, of two at one URL),
mailed to its own recipients still listed (each once; one added gets new alerts only). A channel that sends
somewhere else (another URL, no recipient still listed) still has what was queued for the old one cancelled, and
`dlq replay` follows the same rule.

Before: any difference between the queued channel and the subscription's cancelled the delivery ("cancelled:
channel changed"), so rotating a secret or adding a recipient lost the alerts still queued."""

import time

import pytest

from samples import BORDERS, release
from services.notifier.channels.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify

from notifier_harness import (api_call, dead_letter_count, dead_letter_of, failed_attempts, fast_config,
                              final_attempts, only_subscription, replay_the_letter, smtp_server, wait_for)

pytestmark = pytest.mark.integration

SLOW_RETRIES = dict(delivery_attempts=4, retry_base_seconds=1.0, retry_max_seconds=1.0)
CHANGED = "cancelled: channel changed"


def _hook(url, secret):
    return {"webhook": {"url": url, "secret": secret}}


async def _replace(n, sub):
    assert (await api_call(n, "PUT", f"/subscriptions/{sub['id']}", sub))[0] == 200


def _dead_letter_of_desk(notifier, publish_classified, channel):
    return dead_letter_of(notifier, publish_classified, {"id": "desk", "channels": [channel]}, release(BORDERS))


def _signed_with(hit, secret):
    _, headers, body, _ = hit
    return verify(secret, headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER], now=time.time())


async def _retrying(notifier, receiver, publish_classified, channel, **config):
    n = await notifier(config=fast_config(**{**SLOW_RETRIES, **config}), http=True)
    await only_subscription(n, {"id": "desk", "channels": [channel]})
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: failed_attempts(n.service, "desk"), what="the first attempt failed")
    return n


async def test_a_retrying_webhook_delivery_goes_out_signed_with_the_secret_rotated_meanwhile(
        notifier, receiver, publish_classified):
    n = await _retrying(notifier, receiver, publish_classified, _hook(receiver.url("busy"), "old-secret"))

    await _replace(n, {"id": "desk", "channels": [_hook(receiver.url("busy"), "new-secret")]})
    receiver.fixed.add("busy")

    [final] = await wait_for(lambda: final_attempts(n.service, "desk"), what="the delivery finished")
    assert final.outcome == "delivered" and final.attempt == 2, final.error
    first, second = receiver.hits("busy")
    assert _signed_with(first, "old-secret")
    assert _signed_with(second, "new-secret") and not _signed_with(second, "old-secret")
    assert await dead_letter_count(n.service) == 0


async def test_a_retrying_webhook_delivery_goes_out_in_the_content_mode_chosen_meanwhile(
        notifier, receiver, publish_classified):
    n = await _retrying(notifier, receiver, publish_classified, _hook(receiver.url("busy"), "s3cret"))

    binary = {"webhook": {"url": receiver.url("busy"), "secret": "s3cret", "content_mode": "binary"}}
    await _replace(n, {"id": "desk", "channels": [binary]})
    receiver.fixed.add("busy")

    [final] = await wait_for(lambda: final_attempts(n.service, "desk"), what="the delivery finished")
    assert final.outcome == "delivered", final.error
    _, headers, _, _ = receiver.hits("busy")[1]
    assert "ce-id" in {h.lower() for h in headers}  # binary mode: the event's attributes as ce-* headers


async def test_a_retrying_webhook_delivery_whose_url_changed_with_its_secret_is_still_cancelled(
        notifier, receiver, publish_classified):
    n = await _retrying(notifier, receiver, publish_classified, _hook(receiver.url("busy"), "s3cret"))

    await _replace(n, {"id": "desk", "channels": [_hook(receiver.url("hook"), "s3cret")]})

    [final] = await wait_for(lambda: final_attempts(n.service, "desk"), what="the delivery finished")
    await n.service.worker.drain()
    assert final.error is not None and final.error.startswith(CHANGED), final.error
    assert len(receiver.hits("busy")) == 1 and len(receiver.hits("hook")) == 0
    assert await dead_letter_count(n.service) == 0


async def test_a_retrying_webhook_delivery_goes_out_signed_with_the_secret_rotated_in_the_file(
        notifier, receiver, write_yaml, publish_classified):
    desk = "subscriptions:\n  - id: desk\n    channels: [{{webhook: {{url: \"{}\", secret: {}}}}}]\n"
    path = write_yaml(desk.format(receiver.url("busy"), "old-secret"), "subs.yaml")
    # the file is looked at once a second: a retry waits longer than that
    n = await notifier(config=fast_config(**{**SLOW_RETRIES, "retry_base_seconds": 3.0, "retry_max_seconds": 3.0}),
                       subscriptions=path)
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: failed_attempts(n.service, "desk"), what="the first attempt failed")

    write_yaml(desk.format(receiver.url("busy"), "new-secret"), "subs.yaml")
    receiver.fixed.add("busy")

    [final] = await wait_for(lambda: final_attempts(n.service, "desk"), what="the delivery finished")
    assert final.outcome == "delivered", final.error
    assert _signed_with(receiver.hits("busy")[1], "new-secret")


class ClosedInbox:
    """A real SMTP server's handler that defers every recipient (451 at RCPT) until ``open``."""

    def __init__(self):
        self.open = False
        self.messages: list[list[str]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not self.open:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def closed_smtp():
    inbox = ClosedInbox()
    with smtp_server(inbox) as controller:
        yield controller, inbox


async def _retrying_mail(notifier, receiver, publish_classified, closed_smtp, to):
    controller, _ = closed_smtp
    return await _retrying(notifier, receiver, publish_classified, {"email": {"to": to}},
                           smtp_host="127.0.0.1", smtp_port=controller.port, smtp_from="alerts@pledgewatch.test")


async def test_a_recipient_added_meanwhile_gets_nothing_already_queued(
        notifier, receiver, publish_classified, closed_smtp):
    _, inbox = closed_smtp
    n = await _retrying_mail(notifier, receiver, publish_classified, closed_smtp, ["desk@example.org"])

    await _replace(n, {"id": "desk", "channels": [{"email": {"to": ["desk@example.org", "ops@example.org"]}}]})
    inbox.open = True

    [final] = await wait_for(lambda: final_attempts(n.service, "desk"), what="the delivery finished")
    assert final.outcome == "delivered", final.error
    assert inbox.messages == [["desk@example.org"]]


async def _retrying_mails(notifier, receiver, publish_classified, closed_smtp, *channels):
    """A subscription with email ``channels``, each one's delivery of an alert failed once."""
    controller, _ = closed_smtp
    n = await notifier(config=fast_config(**SLOW_RETRIES, smtp_host="127.0.0.1", smtp_port=controller.port,
                                          smtp_from="alerts@pledgewatch.test"), http=True)
    await only_subscription(n, {"id": "desk", "channels": [{"email": {"to": to}} for to in channels]})
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: _count_at_least(failed_attempts(n.service, "desk"), len(channels)),
                   what="each first attempt failed")
    return n


async def _count_at_least(attempts, count):
    return len(await attempts) >= count


async def test_email_channels_merged_meanwhile_mail_each_recipient_once(
        notifier, receiver, publish_classified, closed_smtp):
    _, inbox = closed_smtp
    n = await _retrying_mails(notifier, receiver, publish_classified, closed_smtp,
                              ["alice@example.org"], ["bob@example.org"])

    await _replace(n, {"id": "desk", "channels": [{"email": {"to": ["alice@example.org", "bob@example.org"]}}]})
    inbox.open = True

    await wait_for(lambda: _count_at_least(final_attempts(n.service, "desk"), 2), what="both deliveries finished")
    await n.service.worker.drain()
    assert sorted(inbox.messages) == [["alice@example.org"], ["bob@example.org"]]


async def test_an_email_channel_split_meanwhile_mails_both_recipients(
        notifier, receiver, publish_classified, closed_smtp):
    _, inbox = closed_smtp
    n = await _retrying_mails(notifier, receiver, publish_classified, closed_smtp,
                              ["alice@example.org", "bob@example.org"])

    await _replace(n, {"id": "desk", "channels": [{"email": {"to": ["alice@example.org"]}},
                                                  {"email": {"to": ["bob@example.org"]}}]})
    inbox.open = True

    [final] = await wait_for(lambda: final_attempts(n.service, "desk"), what="the delivery finished")
    assert final.outcome == "delivered", final.error
    await n.service.worker.drain()
    assert sorted(address for message in inbox.messages for address in message) == [
        "alice@example.org", "bob@example.org"]


async def test_of_two_webhooks_at_one_url_the_one_rotated_meanwhile_signs_its_own_delivery(
        notifier, receiver, publish_classified):
    n = await notifier(config=fast_config(**SLOW_RETRIES), http=True)
    url = receiver.url("busy")
    await only_subscription(n, {"id": "desk", "channels": [_hook(url, "first"), _hook(url, "second")]})
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: _count_at_least(failed_attempts(n.service, "desk"), 2), what="each first attempt failed")

    await _replace(n, {"id": "desk", "channels": [_hook(url, "first"), _hook(url, "second-rotated")]})
    receiver.fixed.add("busy")

    await wait_for(lambda: _count_at_least(final_attempts(n.service, "desk"), 2), what="both deliveries finished")
    await n.service.worker.drain()
    retried = receiver.hits("busy")[2:]
    assert len(retried) == 2
    assert sorted(secret for hit in retried for secret in ("first", "second", "second-rotated")
                  if _signed_with(hit, secret)) == ["first", "second-rotated"]


async def test_a_retrying_email_delivery_is_not_mailed_to_a_recipient_taken_out_meanwhile(
        notifier, receiver, publish_classified, closed_smtp):
    _, inbox = closed_smtp
    n = await _retrying_mail(notifier, receiver, publish_classified, closed_smtp,
                             ["desk@example.org", "ops@example.org"])

    await _replace(n, {"id": "desk", "channels": [{"email": {"to": ["desk@example.org"]}}]})
    inbox.open = True

    [final] = await wait_for(lambda: final_attempts(n.service, "desk"), what="the delivery finished")
    assert final.outcome == "delivered", final.error
    assert inbox.messages == [["desk@example.org"]]


async def test_a_retrying_email_delivery_whose_recipients_were_all_replaced_is_cancelled(
        notifier, receiver, publish_classified, closed_smtp):
    _, inbox = closed_smtp
    n = await _retrying_mail(notifier, receiver, publish_classified, closed_smtp, ["desk@example.org"])

    await _replace(n, {"id": "desk", "channels": [{"email": {"to": ["ops@example.org"]}}]})
    inbox.open = True

    [final] = await wait_for(lambda: final_attempts(n.service, "desk"), what="the delivery finished")
    await n.service.worker.drain()
    assert final.error is not None and final.error.startswith(CHANGED), final.error
    assert inbox.messages == []
    assert await dead_letter_count(n.service) == 0


async def test_replaying_a_dead_letter_after_its_secret_was_rotated_sends_it_signed_with_the_new_one(
        notifier, receiver, publish_classified):
    n = await _dead_letter_of_desk(notifier, publish_classified, _hook(receiver.url("busy"), "old-secret"))
    await _replace(n, {"id": "desk", "channels": [_hook(receiver.url("busy"), "new-secret")]})
    receiver.fixed.add("busy")

    replayed = await replay_the_letter(n)

    assert replayed.new_id is not None and replayed.problem is None, replayed.problem
    await wait_for(lambda: len(receiver.hits("busy")) == 2, what="the replayed delivery sent")
    assert _signed_with(receiver.hits("busy")[1], "new-secret")


async def test_replaying_a_dead_letter_after_its_url_changed_is_still_refused(
        notifier, receiver, publish_classified):
    n = await _dead_letter_of_desk(notifier, publish_classified, _hook(receiver.url("busy"), "s3cret"))
    await _replace(n, {"id": "desk", "channels": [_hook(receiver.url("hook"), "s3cret")]})

    replayed = await replay_the_letter(n)

    assert replayed.new_id is None and replayed.kept and replayed.problem.startswith("cannot be replayed")
    assert await dead_letter_count(n.service) == 1
    assert len(receiver.hits("hook")) == 0
