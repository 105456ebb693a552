"""Alert and digest emails as MIME messages, and their bytes on the wire. Pure; time is an argument."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy

from schemas.alerts import Alert
from schemas.due_week import DueThisWeek
from schemas.probe import TestNotification
from services.common.bidi import without_scoped_controls

from .digest import Digest
from .digest_cut import most_shown
from .list_ids import list_id
from .mail_html import render_alert_html, render_digest_html, render_due_week_html, render_test_html
from .messages import Message, message_id, message_text
from .release_pages import ReleasePage


MAX_LINE = 998  # RFC 5322 2.1.1: no line longer, CRLF aside
ENCODED_WORD_START = "=?"  # RFC 2047: readers decode an encoded word wherever it stands in a Subject
GMAIL_CLIPS_PAST = 102 * 1024  # Gmail shows a message's HTML past about 102 KB only behind "[Message clipped]"
# A digest's HTML part as sent (transfer-encoded, its few headers with it: more than Gmail counts) is kept to this,
# room left for what a relay adds (a footer, rewritten links); past it, its first commitments are listed and it
# ends naming where the rest are (:mod:`.digest_cut`). Clipped, a digest would hide its end, the unsubscribe link.
DIGEST_HTML_BOUND = 90_000
_AS_IS = frozenset({"list-id", "list-unsubscribe", "list-unsubscribe-post"})  # never folded, never encoded
_MAILBOXES = frozenset({"from", "to"})  # folded here at their spaces: CPython's folding drops a display name's quotes
FOLD_AT = 78  # RFC 5322 2.1.1: a line should be no longer


class _MailPolicy(EmailPolicy):
    """``email.policy.SMTP`` (CRLF, lines folded at 78) with two corrections.

    When a header's value does not fit beside its name but fits on a line of its own, CPython folds
    right after the colon (``Subject:\\r\\n [pledgewatch] …``); a reader that unfolds then sees a value
    starting with a space. Here the first line is joined back (a line of at most 78 + the name's
    length). And a word longer than a line is turned into RFC 2047 encoded words, which no client
    decodes inside ``List-Unsubscribe``'s URL (nor in ``List-Id``'s): those headers are written as they are, on one
    line.
    A Subject that is not ASCII is encoded whole, spaces inside the encoded words: CPython may fold at a
    space between two encoded words, which readers then drop ("𐀀 ¡" read back as "𐀀¡"). So is one holding
    ``=?``, which a reader would take for the start of an encoded word of its own and decode.
    And CPython folds a long ``From`` or ``To`` by taking its display name apart, its quotes dropped: a comma in the
    name (``"Doe, Jane …" <jane@…>``) then splits it into two addresses, and ``<…>`` in it adds one. Such a header,
    when it is written as it is (ASCII, or UTF-8 in a message sent with SMTPUTF8), is folded here at its spaces,
    which unfolds to the same header; else CPython's encoded words keep it whole: a name not ASCII without SMTPUTF8
    (CPython's), or with SMTPUTF8 one holding a word too long for a line (ours).
    A display name holding ``=?`` is encoded whole, as such a Subject is: CPython decoded its encoded words again
    as it wrote them, so that a name read from ``=?utf-8?b?…?=`` as ``=?utf-8?q?a=0D=0ABcc:_x@evil.org?=`` put a
    line break and a header of its own in the message.
    """

    def fold_binary(self, name: str, value: str) -> bytes:  # type: ignore[override]
        line = f"{name}: {value}"
        if name.lower() in _AS_IS and line.isascii() and len(line) <= MAX_LINE:
            return (line + self.linesep).encode("ascii")
        if name.lower() in _MAILBOXES:
            for in_words in (False, True) if self.utf8 else (False,):
                written = f"{name}: {_mailboxes_as_written(value, encoded=in_words)}"
                lines = _folded_at_spaces(written)
                if (self.utf8 or written.isascii()) and all(len(part.encode()) <= MAX_LINE for part in lines):
                    return (self.linesep.join(lines) + self.linesep).encode()
        if name.lower() == "subject" and (not value.isascii() or ENCODED_WORD_START in value):
            encoded = Header(value, "utf-8", header_name=name).encode(linesep=self.linesep)
            return f"{name}: {encoded}{self.linesep}".encode("ascii")
        folded = super().fold_binary(name, value)
        early = f"{name}:{self.linesep} ".encode()
        return f"{name}: ".encode() + folded[len(early):] if folded.startswith(early) else folded


def _mailboxes_as_written(value: str, *, encoded: bool) -> str:
    """The mailboxes of an address header's ``value`` as written: each display name that holds ``=?`` (and with
    ``encoded``, each not ASCII) as encoded words that decode to it, else quoted where it needs it (a comma, say)."""
    def written(a: Address) -> str:
        name = a.display_name
        if ENCODED_WORD_START in name or (encoded and not name.isascii()):
            return f"{Header(name, 'utf-8').encode(linesep=' ')} <{a.addr_spec}>"
        return str(a)

    return ", ".join(written(a) for a in getattr(value, "addresses", ())) or str(value)


def _folded_at_spaces(line: str) -> list[str]:
    """``line`` as lines of at most :data:`FOLD_AT` characters where its words allow, each after the first starting
    with the space it was folded at (joined by CRLF, they unfold to ``line``)."""
    lines = [""]
    for n, word in enumerate(line.split(" ")):
        if n > 1 and len(lines[-1]) + 1 + len(word) > FOLD_AT and lines[-1].strip():  # never after the name
            lines.append(" " + word)
        else:
            lines[-1] += (" " if n else "") + word
    return lines


MAIL_POLICY = _MailPolicy(linesep="\r\n")  # email.policy.SMTP, corrected
# RFC 6532: the headers' addresses in UTF-8 as they are, for a message sent with SMTPUTF8 (RFC 6531)
MAIL_POLICY_UTF8 = MAIL_POLICY.clone(utf8=True)


@dataclass(frozen=True)
class Listing:
    """How many of a digest's commitments its emails list (None: all), measured once for all its recipients
    (:func:`digest_listing`)."""

    shown: int | None


def mail_message_id(message: Message, recipient: Address, *, domain: str) -> str:
    """``<alert id>.<recipient hash>@<domain>``: the same for every retry of one alert to one recipient,
    so a mail client drops a copy sent again after a partial failure."""
    who = hashlib.sha256(recipient.addr_spec.lower().encode()).hexdigest()[:12]
    return f"<{message_id(message)}.{who}@{domain}>"


def one_line(text: str) -> str:
    """``text`` as a header's one line: whitespace runs as single spaces (a line break in a title cannot end
    the header), control characters dropped (a C1 control is encoded as a word of its own, and readers
    then drop the space before it), and bidi embeddings, overrides and isolates dropped (one left open would
    reorder the rest of the line)."""
    kept = "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) != "Cc")
    return " ".join(without_scoped_controls(kept).split())


def as_written(text: str) -> str:
    """``text`` as a header value that is read back as it is. The header parser decodes the encoded words in a
    value it is given, so one in a release's title (``=?utf-8?q?a=0D=0ABcc:_x@evil.org?=``) would bring back the
    line breaks, controls and bidi overrides :func:`one_line` drops: such a text is given encoded whole, and the
    parser decodes it to ``text``."""
    if ENCODED_WORD_START not in text:
        return text
    return Header(text, "utf-8").encode(linesep=" ")


def build_email(message: Message, *, sender: Address, recipient: Address, now: datetime,
                unsubscribe_url: str | None = None, release_page: ReleasePage | None = None,
                listed: Listing | None = None) -> EmailMessage:
    """The MIME message for one recipient, dated ``now`` (aware): plain text with an HTML alternative, both
    linking the page of each release an alert or digest tells of (``release_page``: release id -> its address)
    and ending with ``unsubscribe_url`` when there is one. ``listed``: a digest's :func:`digest_listing`, rendered
    once (measured again should this recipient's HTML pass the bound); None: measured for this recipient."""
    shown, digest_html = _digest_html(message, unsubscribe_url=unsubscribe_url, release_page=release_page,
                                      listed=listed)
    subject, text = message_text(message, release_page=release_page, shown=shown)
    if unsubscribe_url is not None:
        text += f"\n-- \nTo stop these emails: {unsubscribe_url}\n"
    mail = EmailMessage(policy=MAIL_POLICY)
    mail["Subject"] = as_written(one_line(subject))
    mail["From"] = sender
    mail["To"] = recipient
    mail["Date"] = now
    mail["Message-ID"] = mail_message_id(message, recipient, domain=sender.domain or "localhost")
    mail["X-Pledgewatch-Alert-Id"] = message_id(message)
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation or out-of-office replies, please
    mail["Precedence"] = "bulk"  # the same, to responders that read only this (vacation programs)
    mail["X-Auto-Response-Suppress"] = "OOF, AutoReply"  # and to Exchange; not All, which would stop bounces too
    mail["List-Id"] = list_id(message.subscription_id, sender.domain or "localhost")  # RFC 2919: what filters key on
    if unsubscribe_url is not None:  # RFC 2369 and RFC 8058 (one click: a POST, no page to visit): leaves that list
        mail["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        if unsubscribe_url.lower().startswith("https:"):  # one click only over HTTPS (RFC 8058 3.1)
            mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(text)
    if isinstance(message, TestNotification):
        html = render_test_html(message, unsubscribe_url=unsubscribe_url)
    elif isinstance(message, DueThisWeek):
        html = render_due_week_html(message, unsubscribe_url=unsubscribe_url)
    elif isinstance(message, Alert):
        html = render_alert_html(message, unsubscribe_url=unsubscribe_url, release_page=release_page)
    else:
        html = digest_html
    mail.add_alternative(html, subtype="html")
    return mail


def digest_listing(message: Message, *, unsubscribe_urls: Iterable[str | None],
                   release_page: ReleasePage | None) -> Listing | None:
    """For a digest, how many commitments the emails to recipients of ``unsubscribe_urls`` list, measured once
    with the longest link (the rest of the message is the same for each recipient); None for another message."""
    if not isinstance(message, Digest):
        return None
    longest = max(unsubscribe_urls, key=lambda url: len(url or ""), default=None)
    return Listing(_digest_html(message, unsubscribe_url=longest, release_page=release_page, listed=None)[0])


def _digest_html(message: Message, *, unsubscribe_url: str | None, release_page: ReleasePage | None,
                 listed: Listing | None) -> tuple[int | None, str]:
    """For a digest, how many commitments its email lists so that its HTML part is at most
    :data:`DIGEST_HTML_BOUND` (None: all), and that HTML; for any other message (None, ""). ``listed``: try that
    many first."""
    if not isinstance(message, Digest):
        return None, ""
    if listed is not None:
        html = render_digest_html(message, unsubscribe_url=unsubscribe_url, release_page=release_page,
                                  shown=listed.shown)
        if len(html_part_bytes(html)) <= DIGEST_HTML_BOUND:
            return listed.shown, html
    rendered: dict[int | None, str] = {}

    def size(shown: int | None) -> int:
        rendered[shown] = render_digest_html(message, unsubscribe_url=unsubscribe_url, release_page=release_page,
                                             shown=shown)
        return len(html_part_bytes(rendered[shown]))

    shown = most_shown(sum(len(a.commitments) for a in message.alerts), size, DIGEST_HTML_BOUND)
    return shown, rendered[shown]


def html_part_bytes(html: str) -> bytes:
    """``html`` as the HTML part of a message is sent: its headers and its transfer-encoded body."""
    part = EmailMessage(policy=MAIL_POLICY)
    part.set_content(html, subtype="html")
    return part.as_bytes(policy=MAIL_POLICY)


def needs_smtputf8(address: Address) -> bool:
    """True for an address whose local part is not ASCII (its domain is an A-label: :mod:`.addresses`), which only
    a server offering SMTPUTF8 takes."""
    return not address.addr_spec.isascii()


def mail_bytes(mail: EmailMessage, *, utf8: bool = False) -> bytes:
    """The message as sent (CRLF line ends, headers folded by :data:`MAIL_POLICY`); ``utf8``: addresses in the
    headers in UTF-8 (:data:`MAIL_POLICY_UTF8`), for a message sent with SMTPUTF8."""
    return mail.as_bytes(policy=MAIL_POLICY_UTF8 if utf8 else MAIL_POLICY)
