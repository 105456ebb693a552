"""A relay that answers each message slowly, each answer within PLEDGEWATCH_SMTP_TIMEOUT: every recipient is
mailed, once, in one attempt, however many there are."""

import asyncio

import pytest

from samples import BORDERS, release
from schemas.streams import EVENT_FIELD
from services.common.embedded_redis import free_port

from notifier_harness import SmtpController, start_mailing, wait_for

pytestmark = pytest.mark.integration

RECIPIENTS = [f"reader{n}@example.org" for n in range(6)]


class SlowInbox:
    """Takes every message, answering each DATA after ``pause`` seconds (a content scanner, say)."""

    def __init__(self, pause: float):
        self.pause, self.received = pause, []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.pause)
        self.received.extend(envelope.rcpt_tos)
        return "250 OK"


async def test_a_slow_relay_mails_every_recipient_once_in_one_attempt(notifier, write_yaml, publish_classified):
    """Before: the whole send of an email channel was cut at one bound (the webhook's, SMTP's and Apprise's timeouts
    added up) whatever its number of recipients: the attempt "timed out", and the recipient whose message the relay
    was taking then was mailed again by the retry."""
    inbox = SlowInbox(pause=1.0)  # within smtp_timeout (2 s), six of them past the sum of the timeouts (5 s)
    controller = SmtpController(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        n = await start_mailing(notifier, write_yaml, controller.port, RECIPIENTS)
        await publish_classified(n.service, release(BORDERS))
        streams = n.service.runtime.streams
        await wait_for(lambda: set(inbox.received) == set(RECIPIENTS), what="every recipient mailed", timeout=60)
        await n.service.worker.drain()
        attempts = [fields[EVENT_FIELD.encode()] for _, fields in await streams.client.xrange(streams.key("deliveries"))]
        assert len(attempts) == 1 and b"timed out" not in attempts[0], attempts
        assert sorted(inbox.received) == sorted(RECIPIENTS)
    finally:
        controller.stop()
