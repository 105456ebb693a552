"""Alert emails as bytes: headers a reader parses back to what was meant, whatever the title."""

import email
from datetime import datetime, timezone
from email import policy
from email.headerregistry import Address

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from samples import BORDERS, release
from services.notifier.config import NotifierConfig
from services.notifier.mail import build_email, mail_bytes, one_line
from services.notifier.planning import plan_alerts
from services.notifier.subscriptions import Subscription
from services.notifier.unsubscribe import UnsubscribeLinks

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)
SUB = Subscription(id="desk", channels=[{"email": "desk@example.org"}])
ALERT = plan_alerts(SUB, release(BORDERS), sent={}, elapsed_sent=set(), now=NOW).alerts[0]


def _sent(title: str) -> tuple[bytes, email.message.EmailMessage]:
    alert = ALERT.model_copy(update={"release": ALERT.release.model_copy(update={"title": title})})
    raw = mail_bytes(build_email(alert, sender=Address("pledgewatch", "alerts", "example.org"),
                                 recipient=Address("", "desk", "example.org"), now=NOW))
    return raw, email.message_from_bytes(raw, policy=policy.default)


@example(title="00\x80\x80\x80\x80\U00010000\U00010000 \x80 \x80")  # C1 controls beside spaces
@example(title="00000\r000\xa1\U00010000\U00010000 \xa1")  # a space between two encoded words
@example(title="=?utf-8?q?a=0D=0AX:_1?= \xa1 =?")  # what a reader would decode, beside text that is not ASCII
@settings(max_examples=300)
@given(st.text(max_size=300))
def test_any_title_gives_a_subject_read_back_as_one_line_without_a_leading_space(title):
    raw, mail = _sent(title)
    expected = one_line(f"[pledgewatch] New commitments: {title}")
    assert mail["Subject"] == expected
    assert raw.startswith(b"Subject: ") and not raw.startswith(b"Subject: \r\n")
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert mail["Date"] == "Sat, 10 Jan 2026 12:00:00 +0000"


def test_without_an_unsubscribe_link_the_mail_is_still_marked_automatic_and_offers_none():
    _, mail = _sent("Statement")
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["List-Unsubscribe"] is None and mail["List-Unsubscribe-Post"] is None
    assert "To stop these emails" not in mail.get_body(("plain",)).get_content()
    assert "Unsubscribe" not in mail.get_body(("html",)).get_content()


def test_the_longest_unsubscribe_link_is_sent_as_it_is_on_one_line():
    base = "https://alerts.example.org/" + "p" * (400 - len("https://alerts.example.org/"))
    longest = UnsubscribeLinks.from_secret("a-server-secret-0123456789", base).url(
        "s" * 64, "l" * 64 + "@" + ".".join(["d" * 60] * 3) + ".org")
    mail = build_email(ALERT, sender=Address("", "alerts", "example.org"), recipient=Address("", "desk", "example.org"),
                       now=NOW, unsubscribe_url=longest)
    line = f"List-Unsubscribe: <{longest}>"
    assert len(line) <= 998 and f"\r\n{line}\r\n".encode() in mail_bytes(mail)
    assert NotifierConfig(public_url=base).public_url == base


@pytest.mark.parametrize("title", [
    "Hi =?utf-8?q?a=0D=0ABcc:_x@evil.org?= there",  # a line break: a header of the release's own
    "Statement =?utf-8?b?4oCu?=reversed",  # U+202E RIGHT-TO-LEFT OVERRIDE
    "=?iso-8859-1?q?=85?= next line",  # a C1 control (NEL)
    "Über =?utf-8?q?=C3=A9t=C3=A9?= plans",  # beside text that is not ASCII
    "Encoded words look like =?charset?q?text?=",
], ids=["crlf", "bidi", "c1", "non-ascii", "plain"])
def test_a_title_that_looks_like_an_encoded_word_is_read_back_as_written_adding_no_header(title):
    """RFC 2047 readers decode an encoded word wherever it is in a Subject. Before: one in a release's title was
    decoded as the header was set, so a title could add a header (``Bcc: x@evil.org`` on a line of its own) and
    the line breaks, C1 controls and bidi overrides :func:`one_line` drops."""
    raw, mail = _sent(title)
    assert mail["Subject"] == f"[pledgewatch] New commitments: {title}"
    assert [name for name, _ in mail.items()] == [
        "Subject", "From", "To", "Date", "Message-ID", "X-Pledgewatch-Alert-Id", "Auto-Submitted", "Precedence",
        "X-Auto-Response-Suppress", "List-Id", "MIME-Version", "Content-Type"]
    assert b"\r\nBcc:" not in raw


@pytest.mark.parametrize("name", [
    "Doe, Jane Jane Jane Jane Jane Jane Jane Jane Jane Jane Jane Jane Jane Jane Jane",
    "Ma\u00eetre d'h\u00f4tel, Fran\u00e7ois-Xavier de la Tour du Pin Chambly de La Charce-Montpellier",
    'Jane <evil@attacker.example>, and "a long name" padding padding padding padding padding',
    "x" * 10 + ' "q" (c) \\ \u00e9' + " y" * 40,
    "Doe, Jos\u00e9",
    "\U00010348" * 250 + ", x",  # a word of 1,000 bytes in UTF-8: no line of it is short enough
], ids=["long-ascii-with-comma", "long-non-ascii-with-comma", "an-address-in-the-name", "quotes-and-comment", "short",
        "a-word-longer-than-a-line"])
@pytest.mark.parametrize("local", ["jos\u00e9", "jose"])
def test_a_recipients_display_name_is_read_back_as_one_mailbox_however_long_with_smtputf8_or_without(name, local):
    """Folded, the name keeps its quotes: a comma in it cannot split the To header into two addresses."""
    recipient = Address(name, local, "example.org")
    utf8 = not recipient.addr_spec.isascii()
    raw = mail_bytes(build_email(ALERT, sender=Address("pledgewatch", "alerts", "example.org"), recipient=recipient,
                                 now=NOW), utf8=utf8)
    mail = email.message_from_string(raw.decode("utf-8" if utf8 else "ascii"), policy=policy.default)
    (to,) = mail["To"].addresses
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    if len(name.encode()) > 998:  # sent as encoded words, between which CPython's reader keeps a space (RFC 2047 6.2)
        assert ("".join(to.display_name.split()), to.addr_spec) == ("".join(name.split()), recipient.addr_spec)
    else:
        assert (to.display_name, to.addr_spec) == (name, recipient.addr_spec)


@pytest.mark.parametrize("name", [
    "=?utf-8?q?Jane=0D=0ABcc:_evil@attacker.example?=",  # what a reader would decode to a line break and a header
    "=?utf-8?q?a=0D=0AX?=",
    "Jos\u00e9 =?utf-8?q?=0D=0A?= Garc\u00eda",
], ids=["bcc-in-a-quoted-name", "plain-name", "beside-text-not-ascii"])
@pytest.mark.parametrize("local", ["jos\u00e9", "jose"])
def test_a_display_name_holding_an_encoded_word_is_sent_so_that_it_reads_back_as_written_and_adds_no_header(name,
                                                                                                           local):
    """Such a name (an encoded word in an address as given, decoded once) was written on the wire decoded again: a
    line break, and a header of the name's choosing, in the message."""
    recipient = Address(name, local, "example.org")
    utf8 = not recipient.addr_spec.isascii()
    raw = mail_bytes(build_email(ALERT, sender=Address("pledgewatch", "alerts", "example.org"), recipient=recipient,
                                 now=NOW), utf8=utf8)
    head = raw.split(b"\r\n\r\n")[0]
    assert not any(line.startswith((b"Bcc", b"X ")) for line in head.split(b"\r\n"))
    mail = email.message_from_string(raw.decode("utf-8" if utf8 else "ascii"), policy=policy.default)
    (to,) = mail["To"].addresses
    # Sent as encoded words, more than one once Apprise (imported by chat channels) has made utf-8's Q encoding the
    # default: CPython's reader keeps the space between two of them in a name, which RFC 2047 6.2 has readers drop.
    assert ("".join(to.display_name.split()), to.addr_spec) == ("".join(name.split()), recipient.addr_spec)
    assert "\r" not in to.display_name and "\n" not in to.display_name
