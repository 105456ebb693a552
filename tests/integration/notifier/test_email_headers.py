"""Email headers as mail clients read them, received by a real SMTP server (aiosmtpd) on 127.0.0.1."""

import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest

from samples import BORDERS, release

from notifier_harness import Inbox, smtp_server, start_mailing, wait_for

pytestmark = pytest.mark.integration


async def _one_mail(notifier, smtp, write_yaml, publish_classified, *, title=None, to="desk@example.org",
                    sender="alerts@pledgewatch.test", **config):
    controller, inbox = smtp
    n = await start_mailing(notifier, write_yaml, controller.port, [to], sender=sender, **config)
    classified = release(BORDERS)
    if title is not None:
        classified = classified.model_copy(update={"title": title})
    await publish_classified(n.service, classified)
    await wait_for(lambda: inbox.received, what="one email")
    await n.service.worker.drain()
    return n, inbox.received[0]


def _raw_header(raw: bytes, name: str) -> str:
    """The header as sent, folding kept (CRLF SP between lines)."""
    match = re.search(rb"^" + name.encode() + rb":(.*?)\r\n(?![ \t])", raw, re.M | re.S | re.I)
    assert match, f"no {name} header"
    return match.group(1).decode("ascii")


async def test_date_header_is_the_sending_time_with_a_real_utc_offset(notifier, smtp, write_yaml,
                                                                      publish_classified):
    before = datetime.now(timezone.utc).replace(microsecond=0)
    _, (_, mail, raw) = await _one_mail(notifier, smtp, write_yaml, publish_classified)
    sent = _raw_header(raw, "Date").strip()
    assert not sent.endswith("-0000"), "-0000 means 'time zone unknown' (RFC 5322 3.3)"
    when = parsedate_to_datetime(sent)
    assert when.tzinfo is not None and before <= when <= datetime.now(timezone.utc) + timedelta(seconds=1)


async def test_message_id_is_stable_per_alert_and_in_the_senders_domain(notifier, smtp, write_yaml,
                                                                        publish_classified):
    _, (_, mail, _) = await _one_mail(notifier, smtp, write_yaml, publish_classified)
    message_id = mail["Message-ID"]
    assert re.fullmatch(r"<[A-Za-z0-9._-]+@pledgewatch\.test>", message_id), message_id
    assert mail["X-Pledgewatch-Alert-Id"] in message_id


@pytest.mark.parametrize("title", [
    "UK ramps up counterterror effort in Iraq",
    "Secretary\u2019s statement: \u00a310m for Iraq\u2019s counter-terrorism capability over three years, "
    "with partners across the whole region and beyond",
    "Statement",
], ids=["fits-one-line-on-its-own", "long-non-ascii", "short"])
async def test_subject_is_sent_with_no_leading_space(notifier, smtp, write_yaml, publish_classified, title):
    _, (_, mail, raw) = await _one_mail(notifier, smtp, write_yaml, publish_classified, title=title)
    assert _raw_header(raw, "Subject").startswith(" "), "one space after the colon, then the value"
    assert not _raw_header(raw, "Subject").startswith(" \r\n"), "folded before the first word"
    assert mail["Subject"] == f"[pledgewatch] New commitments: {title}"
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))


async def test_display_names_of_recipient_and_sender_are_used(notifier, smtp, write_yaml, publish_classified):
    _, (rcpts, mail, _) = await _one_mail(notifier, smtp, write_yaml, publish_classified,
                                          to='"Doe, Jane" <jane@example.org>',
                                          sender="Pledgewatch Alerts <alerts@pledgewatch.test>")
    assert rcpts == ["jane@example.org"]
    (to,), (sender,) = mail["To"].addresses, mail["From"].addresses
    assert (to.display_name, to.addr_spec) == ("Doe, Jane", "jane@example.org")
    assert (sender.display_name, sender.addr_spec) == ("Pledgewatch Alerts", "alerts@pledgewatch.test")


async def test_no_out_of_office_or_vacation_reply_is_asked_for_by_any_header_a_responder_reads(
        notifier, smtp, write_yaml, publish_classified):
    """RFC 3834's Auto-Submitted is not read by every responder: Exchange and Outlook read
    X-Auto-Response-Suppress, and vacation programs (and Gmail's) a Precedence of bulk."""
    _, (_, mail, _) = await _one_mail(notifier, smtp, write_yaml, publish_classified)
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Precedence"] == "bulk"
    assert mail["X-Auto-Response-Suppress"] == "OOF, AutoReply"  # not All: bounces (NDR) still come back


class _Greeted(Inbox):
    """An :class:`Inbox` that also keeps the name each client gave in its EHLO."""

    def __init__(self):
        super().__init__()
        self.greetings: list[str] = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.greetings.append(hostname)
        session.host_name = hostname
        return responses


async def test_the_ehlo_name_is_the_one_set_for_a_relay_that_wants_a_fully_qualified_one(notifier, write_yaml,
                                                                                      publish_classified):
    """In a container the machine's name is its id (``3f2a1b9c0d4e``), which a relay refusing a name that is not
    fully qualified (Postfix's ``reject_non_fqdn_helo_hostname``) answers 504 to every attempt."""
    inbox = _Greeted()
    with smtp_server(inbox) as controller:
        await _one_mail(notifier, (controller, inbox), write_yaml, publish_classified,
                        smtp_helo_name="alerts.pledgewatch.test")
    assert inbox.greetings == ["alerts.pledgewatch.test"]


async def test_the_list_id_names_the_subscription_the_unsubscribe_link_leaves(notifier, smtp, write_yaml,
                                                                             publish_classified):
    """RFC 2919's List-Id is what filters and clients group a list's mail by; the List-Unsubscribe beside it
    (RFC 2369, RFC 8058) leaves that list, the subscription "mail", and nothing else."""
    _, (_, mail, raw) = await _one_mail(notifier, smtp, write_yaml, publish_classified)
    assert _raw_header(raw, "List-Id") == ' "pledgewatch subscription mail" <mail.pledgewatch.pledgewatch.test>'
    assert mail["List-Unsubscribe"].startswith("<http:") and "/unsubscribe/" in mail["List-Unsubscribe"]
    assert mail["List-Unsubscribe-Post"] is None  # one click needs an https link (RFC 8058 3.1): the API's own is not
