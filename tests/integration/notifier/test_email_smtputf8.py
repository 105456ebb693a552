"""Internationalised addresses (RFC 6531) against a real SMTP server (aiosmtpd) on 127.0.0.1, with SMTPUTF8 and
without it: a local part that is not ASCII is mailed with SMTPUTF8 when the server offers it, and refused for good,
with the reason, when it does not; a domain that is not ASCII goes as its A-label to any server."""

import email
from email import policy

import pytest

from samples import BORDERS, release
from schemas.streams import EVENT_FIELD

from notifier_harness import Inbox, failed_attempts, smtp_server, start_mailing, wait_for

pytestmark = pytest.mark.integration

JOSE = "jos\u00e9@example.org"


class EnvelopeInbox(Inbox):
    """An :class:`Inbox` that also keeps each message's MAIL options (``SMTPUTF8``, ``SIZE=…``)."""

    def __init__(self):
        super().__init__()
        self.mail_options: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.mail_options.append([o.upper().partition("=")[0] for o in envelope.mail_options])
        return await super().handle_DATA(server, session, envelope)


async def test_a_server_with_smtputf8_gets_the_internationalised_addresses_with_it_and_the_others_without(
        notifier, write_yaml, publish_classified):
    inbox = EnvelopeInbox()
    with smtp_server(inbox, enable_SMTPUTF8=True) as controller:
        n = await start_mailing(notifier, write_yaml, controller.port,
                                [f'"Jos\u00e9" <{JOSE}>', "jane@b\u00fccher.example", "desk@example.org"])
        await publish_classified(n.service, release(BORDERS))
        await wait_for(lambda: len(inbox.received) == 3, what="three emails")
        await n.service.worker.drain()
    by_rcpt = {rcpts[0]: (mail, options, raw) for (rcpts, mail, raw), options in zip(inbox.received,
                                                                                     inbox.mail_options)}
    assert sorted(by_rcpt) == ["desk@example.org", "jane@xn--bcher-kva.example", JOSE]
    _, options, raw = by_rcpt[JOSE]
    assert "SMTPUTF8" in options
    mail = email.message_from_string(raw.decode("utf-8"), policy=policy.default)  # RFC 6532: headers in UTF-8
    assert (mail["To"].addresses[0].display_name, mail["To"].addresses[0].addr_spec) == ("Jos\u00e9", JOSE)
    assert mail.get_body(("plain",)).get_content().startswith("New commitments")
    assert all("SMTPUTF8" not in by_rcpt[a][1] for a in ("desk@example.org", "jane@xn--bcher-kva.example"))
    assert by_rcpt["jane@xn--bcher-kva.example"][0]["To"] == "jane@xn--bcher-kva.example"


async def test_a_server_without_smtputf8_refuses_the_address_for_good_with_the_reason_and_mails_the_others(
        notifier, write_yaml, publish_classified):
    """Not retried: the server will not learn SMTPUTF8 between two attempts. The dead letter says why."""
    inbox = Inbox()
    with smtp_server(inbox, enable_SMTPUTF8=False) as controller:  # aiosmtpd's controller offers it by default
        n = await start_mailing(notifier, write_yaml, controller.port, [JOSE, "desk@example.org"])
        await publish_classified(n.service, release(BORDERS))
        streams = n.service.runtime.streams
        await wait_for(lambda: streams.client.xlen(streams.key("dead-letters")), what="a dead letter")
        await n.service.worker.drain()
    (_, fields), = await streams.client.xrange(streams.key("dead-letters"))
    letter = fields[EVENT_FIELD.encode()].decode()
    assert (f"recipients refused: {JOSE} (reached 1 of 2); {JOSE}: the server does not offer SMTPUTF8 (RFC 6531), "
            "which an address not in ASCII before the @ needs") in letter
    assert [rcpts for rcpts, _ in inbox.messages] == [["desk@example.org"]]
    assert len(await failed_attempts(n.service, "mail")) == 1


async def test_a_long_display_name_with_a_comma_reaches_the_server_as_one_mailbox_with_smtputf8(
        notifier, write_yaml, publish_classified):
    """The raw DATA, folded: the name keeps its quotes, so its comma does not make two addresses of it."""
    name = "Ma\u00eetre H\u00f4tel, Fran\u00e7ois-Xavier de la Tour du Pin Chambly de La Charce-Montpellier"
    inbox = Inbox()
    with smtp_server(inbox, enable_SMTPUTF8=True) as controller:
        n = await start_mailing(notifier, write_yaml, controller.port, [f'"{name}" <{JOSE}>'])
        await publish_classified(n.service, release(BORDERS))
        await wait_for(lambda: inbox.received, what="an email")
        await n.service.worker.drain()
    (_, _, raw), = inbox.received
    mail = email.message_from_string(raw.decode("utf-8"), policy=policy.default)
    (to,) = mail["To"].addresses
    assert (to.display_name, to.addr_spec) == (name, JOSE)
