"""A send that fails part-way is retried for the recipients who did not get it, and only for them."""

import email
from email import policy

import pytest
from aiosmtpd.controller import Controller

from samples import BORDERS, release
from services.common.embedded_redis import free_port

from notifier_harness import start_mailing, wait_for

pytestmark = pytest.mark.integration


class FlakyInbox:
    """Takes every message but the first one for ``flaky``, which it defers (451) once."""

    def __init__(self, flaky: str):
        self.flaky, self.deferred = flaky, 0
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        if envelope.rcpt_tos == [self.flaky] and not self.deferred:
            self.deferred += 1
            return "451 4.3.0 try again later"
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def flaky_smtp():
    inbox = FlakyInbox("ops@example.org")
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


async def test_a_retry_after_a_deferred_recipient_does_not_mail_the_others_again(notifier, flaky_smtp, write_yaml,
                                                                                 publish_classified):
    controller, inbox = flaky_smtp
    n = await start_mailing(notifier, write_yaml, controller.port, ["desk@example.org", "ops@example.org"])
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: any(rcpts == ["ops@example.org"] for rcpts, _ in inbox.messages), what="ops's retry")
    await n.service.worker.drain()
    assert inbox.deferred == 1
    assert sorted(rcpts for rcpts, _ in inbox.messages) == [["desk@example.org"], ["ops@example.org"]]
