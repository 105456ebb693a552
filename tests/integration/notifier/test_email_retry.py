"""A send that fails part-way is retried for the recipients who did not get it, and only for them."""

import email
from email import policy

import pytest

from samples import BORDERS, release
from schemas.streams import EVENT_FIELD
from services.common.embedded_redis import free_port

from notifier_harness import SmtpController, smtp_server, start_mailing, wait_for

pytestmark = pytest.mark.integration


class FlakyInbox:
    """Takes every message but the first one for ``flaky``, which it defers once (451): at DATA, or with
    ``at_rcpt`` at RCPT (greylisting)."""

    def __init__(self, flaky: str, *, at_rcpt: bool = False):
        self.flaky, self.at_rcpt, self.deferred = flaky, at_rcpt, 0
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    def _defer(self, address: str) -> bool:
        if address == self.flaky and not self.deferred:
            self.deferred += 1
            return True
        return False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.at_rcpt and self._defer(address):
            return "451 4.7.1 greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if not self.at_rcpt and self._defer(envelope.rcpt_tos[0]):
            return "451 4.3.0 try again later"
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture(params=[False, True], ids=["deferred-at-data", "greylisted-at-rcpt"])
def flaky_smtp(request):
    inbox = FlakyInbox("ops@example.org", at_rcpt=request.param)
    controller = SmtpController(inbox, hostname="127.0.0.1", port=free_port())
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


class RefusingInbox:
    """Refuses ``refused`` for good (550 at RCPT); takes every other message."""

    def __init__(self, refused: str):
        self.refused = refused
        self.messages: list[list[str]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.rcpt_tos)
        return "250 OK"


class RefusingAtDataInbox(RefusingInbox):
    """Takes ``refused`` at RCPT, then refuses its message for good at DATA (554: a policy, a size limit)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if envelope.rcpt_tos == [self.refused]:
            return "554 5.7.1 message refused by policy"
        self.messages.append(envelope.rcpt_tos)
        return "250 OK"


@pytest.mark.parametrize(("refusing", "answer"), [(RefusingInbox, "550 5.1.1 no such mailbox"),
                                                  (RefusingAtDataInbox, "554 5.7.1 message refused by policy")],
                         ids=["at-rcpt", "at-data"])
async def test_a_refused_recipient_is_dead_lettered_at_once_and_the_others_are_mailed(notifier, write_yaml,
                                                                                      publish_classified, refusing,
                                                                                      answer):
    """Refused for good at RCPT, or its message refused at DATA: the recipients after it are mailed all the same.
    The dead letter says what the server answered (a mailbox unknown, a policy, a full disk), not only who."""
    inbox = refusing("gone@example.org")
    controller = SmtpController(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        n = await start_mailing(notifier, write_yaml, controller.port, ["gone@example.org", "desk@example.org"])
        await publish_classified(n.service, release(BORDERS))
        streams = n.service.runtime.streams
        await wait_for(lambda: streams.client.xlen(streams.key("dead-letters")), what="a dead letter")
        (_, fields), = await streams.client.xrange(streams.key("dead-letters"))
        assert (f"recipients refused: gone@example.org (reached 1 of 2); the server answered {answer}".encode()
                in fields[EVENT_FIELD.encode()])
        assert b"attempt 1 of" in fields[EVENT_FIELD.encode()]
        assert inbox.messages == [["desk@example.org"]]
    finally:
        controller.stop()


class RefusingAndDeferringInbox(RefusingInbox):
    """Refuses ``refused`` for good (550) and always defers ``deferred`` (451) at RCPT; takes every other."""

    def __init__(self, refused: str, deferred: str):
        super().__init__(refused)
        self.deferred = deferred

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.deferred:
            return "451 4.7.1 greylisted, try again later"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


async def test_a_dead_letter_names_both_the_deferred_and_the_refused_recipients(notifier, write_yaml,
                                                                                publish_classified):
    """Out of attempts with one recipient deferred and another refused: the error names both, so the dashboard
    lists every address the email did not reach."""
    inbox = RefusingAndDeferringInbox("gone@example.org", "slow@example.org")
    controller = SmtpController(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        n = await start_mailing(notifier, write_yaml, controller.port,
                                ["gone@example.org", "slow@example.org", "desk@example.org"], delivery_attempts=2)
        await publish_classified(n.service, release(BORDERS))
        streams = n.service.runtime.streams
        await wait_for(lambda: streams.client.xlen(streams.key("dead-letters")), what="a dead letter")
        (_, fields), = await streams.client.xrange(streams.key("dead-letters"))
        assert (b"recipients deferred: slow@example.org; refused: gone@example.org (reached 1 of 3)"
                in fields[EVENT_FIELD.encode()])
        assert inbox.messages == [["desk@example.org"]]
    finally:
        controller.stop()


class RefusingSenderInbox:
    """Refuses the sender at MAIL FROM with ``answer`` (a From the login may not use, say), counting each MAIL."""

    def __init__(self, answer: str):
        self.answer, self.mails = answer, 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.mails += 1
        return self.answer


@pytest.mark.parametrize(("answer", "attempts"), [("553 5.7.1 sender not owned by user", 1),
                                                  ("451 4.7.1 sending rate exceeded", 2)], ids=["for-good", "for-now"])
async def test_a_refused_sender_is_told_as_the_sender_once_not_as_every_recipient(notifier, write_yaml,
                                                                                  publish_classified, answer,
                                                                                  attempts):
    """Before: MAIL FROM was sent again for each recipient and the dead letter read "recipients refused: gone@…,
    desk@… (reached 0 of 2)", pointing at the recipients where the From address (or the login) is what to fix."""
    inbox = RefusingSenderInbox(answer)
    controller = SmtpController(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        n = await start_mailing(notifier, write_yaml, controller.port, ["gone@example.org", "desk@example.org"],
                                delivery_attempts=2)
        await publish_classified(n.service, release(BORDERS))
        streams = n.service.runtime.streams
        await wait_for(lambda: streams.client.xlen(streams.key("dead-letters")), what="a dead letter")
        (_, fields), = await streams.client.xrange(streams.key("dead-letters"))
        assert (f"sender refused: alerts@pledgewatch.test; the server answered {answer}".encode()
                in fields[EVENT_FIELD.encode()]), fields
        assert f"attempt {attempts} of".encode() in fields[EVENT_FIELD.encode()]
        assert inbox.mails == attempts
    finally:
        controller.stop()


class OneMessageASessionInbox:
    """Takes one message a connection, answering the next one "421 … try again later" (a relay's limit of
    messages per session) at ``at``: MAIL, RCPT or DATA."""

    CLOSING = "421 4.7.0 too many messages in this session, try again later"

    def __init__(self, at: str):
        self.at, self.messages, self._taken = at, [], set()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.at == "MAIL" and id(session) in self._taken:
            return self.CLOSING
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.at == "RCPT" and id(session) in self._taken:
            return self.CLOSING
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if id(session) in self._taken:
            return self.CLOSING
        self._taken.add(id(session))
        self.messages.append(envelope.rcpt_tos)
        return "250 OK"


EVERYONE = ["a@example.org", "b@example.org", "c@example.org"]


async def _mail_everyone(notifier, write_yaml, publish_classified, port: int, inbox):
    """A notifier mailing an alert to EVERYONE through the server on ``port``, once ``inbox`` holds a message for
    each of them, each once; the notifier."""
    n = await start_mailing(notifier, write_yaml, port, EVERYONE)
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: len(inbox.messages) == len(EVERYONE), what="every recipient mailed")
    await n.service.worker.drain()
    assert sorted(inbox.messages) == [[a] for a in EVERYONE]
    return n


@pytest.mark.parametrize("at", ["MAIL", "RCPT", "DATA"])
async def test_a_relay_closing_the_session_defers_the_rest_with_its_answer_and_the_retries_mail_them(
        notifier, write_yaml, publish_classified, at):
    """Before: after a 421 at MAIL or RCPT (the client then closes the connection) the next recipients were tried
    on no connection and the attempt failed as "SMTPServerDisconnected: Server not connected", the relay's reason
    lost (at MAIL, once the sender refusal was told, as a sender refused)."""
    inbox = OneMessageASessionInbox(at)
    with smtp_server(inbox) as controller:
        n = await _mail_everyone(notifier, write_yaml, publish_classified, controller.port, inbox)
    streams = n.service.runtime.streams
    first = (await streams.client.xrange(streams.key("deliveries")))[0][1][EVENT_FIELD.encode()]
    assert (b"recipients deferred: b@example.org, c@example.org (reached 1 of 3); the server answered 421 4.7.0 "
            b"too many messages in this session, try again later" in first), first


class DroppingInbox:
    """Takes the first message of each connection, then drops the connection at the next DATA without answering
    (a relay restarting, a proxy timing out)."""

    def __init__(self):
        self.messages: list[list[str]] = []
        self._taken: set[int] = set()

    async def handle_DATA(self, server, session, envelope):
        if id(session) in self._taken:
            server.transport.close()
            return "250 OK"  # never read: the connection is gone
        self._taken.add(id(session))
        self.messages.append(envelope.rcpt_tos)
        return "250 OK"


async def test_a_relay_dropping_the_connection_loses_no_recipient_and_mails_none_twice(notifier, write_yaml,
                                                                                      publish_classified):
    inbox = DroppingInbox()
    with smtp_server(inbox) as controller:
        await _mail_everyone(notifier, write_yaml, publish_classified, controller.port, inbox)
