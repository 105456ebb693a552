"""A release's title or text cannot reorder what follows it: its bidirectional embeddings, overrides and
isolates (U+202A–U+202E, U+2066–U+2069) are dropped from every plain text a message is made of (an email's
Subject and plain part, a chat message, an Atom entry, a calendar event), which cannot isolate them; the HTML
part isolates each piece and drops them too. Right-to-left scripts are kept as they are."""

import email
from datetime import datetime, timezone
from email import policy
from email.headerregistry import Address

from samples import BORDERS, release
from services.notifier.mail import build_email, mail_bytes
from services.notifier.messages import chat_text
from services.notifier.planning import plan_alerts
from services.notifier.subscriptions import Subscription

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)
SUB = Subscription(id="desk", channels=[{"email": "desk@example.org"}])
RLO = "\u202e"
SCOPED = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ARABIC = "\u062a\u0639\u0647\u062f \u0627\u0644\u062d\u0643\u0648\u0645\u0629"  # "the government's pledge"


def _alert(title: str, text: str | None = None):
    commitment = BORDERS if text is None else BORDERS.model_copy(update={"text": text})
    alert = plan_alerts(SUB, release(commitment), sent={}, elapsed_sent=set(), now=NOW).alerts[0]
    return alert.model_copy(update={"release": alert.release.model_copy(update={"title": title})})


def _mail(alert) -> email.message.EmailMessage:
    raw = mail_bytes(build_email(alert, sender=Address("pledgewatch", "alerts", "example.org"),
                                 recipient=Address("", "desk", "example.org"), now=NOW))
    return email.message_from_bytes(raw, policy=policy.default)


def test_an_unterminated_override_in_a_title_leaves_an_emails_subject_and_text_unreordered():
    mail = _mail(_alert(f"Port fund {RLO}announced", text=f"The UK will {RLO}invest in ports."))
    assert mail["Subject"] == "[pledgewatch] New commitments: Port fund announced"
    plain = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for part in (plain, html):
        assert not any(ch in part for ch in SCOPED)
    heading, underline = plain.splitlines()[:2]
    assert heading == "New commitments \u2014 Port fund announced" and underline == "=" * len(heading)
    assert "The UK will invest in ports." in plain


def test_a_chat_message_drops_every_scoped_bidi_control():
    title, text = chat_text(_alert(f"Port {SCOPED}fund", text=f"The UK {RLO}will invest."))
    assert title == "[pledgewatch] New commitments: Port fund"
    assert "The UK will invest." in text and not any(ch in title + text for ch in SCOPED)


def test_an_arabic_title_keeps_its_letters_and_marks():
    title = f"{ARABIC}\u200f 2026"  # a RIGHT-TO-LEFT MARK has no scope: kept
    mail = _mail(_alert(title))
    assert mail["Subject"] == f"[pledgewatch] New commitments: {title}"
    assert title in mail.get_body(("plain",)).get_content()
    assert title in chat_text(_alert(title))[0]
    assert f"{title}</" in mail.get_body(("html",)).get_content()


def test_an_atom_entry_drops_them_from_its_title_and_content():
    from services.notifier.atom import alerts_feed
    from services.notifier.messages import alert_event

    feed = alerts_feed([alert_event(_alert(f"Port {RLO}fund", text=f"The UK {RLO}will invest."))], subscription_id="desk",
                       self_url="https://pledgewatch.example.org/a.atom", release_page=lambda r: f"https://p.example/{r}",
                       empty_since=NOW).decode()
    assert "New commitments: Port fund</title>" in feed and not any(ch in feed for ch in SCOPED)
