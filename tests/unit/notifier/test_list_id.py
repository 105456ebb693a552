"""List-Id (RFC 2919): every message of one subscription names the same list, that subscription under the
sender's domain, beside the List-Unsubscribe link that leaves that same list."""

import email
import re
from datetime import datetime, timezone
from email import policy
from email.headerregistry import Address

import pytest

from samples import BORDERS, release
from schemas.alerts import AlertKind
from services.notifier.digest import assemble_digest
from services.notifier.list_ids import MAX_LIST_ID, list_id
from services.notifier.mail import build_email, mail_bytes
from services.notifier.planning import plan_alerts
from services.notifier.subscriptions import Subscription

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)
SENDER = Address("pledgewatch", "alerts", "example.org")
DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


def _alert(sub_id: str = "desk"):
    sub = Subscription(id=sub_id, channels=[{"email": "desk@example.org"}])
    return plan_alerts(sub, release(BORDERS), sent={}, elapsed_sent=set(), now=NOW).alerts[0]


def _mail(message, *, sender=SENDER, url="https://alerts.example.org/unsubscribe/t0k3n"):
    raw = mail_bytes(build_email(message, sender=sender, recipient=Address("", "desk", "example.org"), now=NOW,
                                 unsubscribe_url=url))
    return raw, email.message_from_bytes(raw, policy=policy.default)


def _identifier(header: str) -> str:
    return re.fullmatch(r'.*<(.+)>', header).group(1)


def test_alert_digest_and_reminder_carry_one_list_id_of_their_subscription():
    alert = _alert()
    reminder = alert.model_copy(update={"kind": AlertKind.REMINDER})
    digest = assemble_digest("desk", [alert], since=None, until=NOW, now=NOW)
    headers = {_mail(m)[1]["List-Id"] for m in (alert, reminder, digest)}
    assert headers == {'"pledgewatch subscription desk" <desk.pledgewatch.example.org>'}


def test_list_unsubscribe_leaves_the_list_named_beside_it():
    raw, mail = _mail(_alert())
    assert mail["List-Unsubscribe"] == "<https://alerts.example.org/unsubscribe/t0k3n>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert b"\r\nList-Id: \"pledgewatch subscription desk\" <desk.pledgewatch.example.org>\r\n" in raw


def test_a_plain_http_unsubscribe_link_is_offered_without_one_click():
    """RFC 8058 3.1: one click (the List-Unsubscribe-Post header) needs an HTTPS URI; a server whose public
    address is plain http offers the link alone, which a mail client opens as a page."""
    _, mail = _mail(_alert(), url="http://alerts.example.org/unsubscribe/t0k3n")
    assert mail["List-Unsubscribe"] == "<http://alerts.example.org/unsubscribe/t0k3n>"
    assert mail["List-Unsubscribe-Post"] is None
    assert _mail(_alert(), url="HTTPS://alerts.example.org/unsubscribe/t0k3n")[1]["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click")  # a scheme is case-insensitive (RFC 3986 3.1)


def test_a_message_without_an_unsubscribe_link_still_names_its_list():
    _, mail = _mail(_alert(), url=None)
    assert mail["List-Unsubscribe"] is None and mail["List-Id"].endswith("<desk.pledgewatch.example.org>")


def test_a_sender_at_localhost_names_the_unmanaged_namespace_rfc_2919_reserves():
    _, mail = _mail(_alert(), sender=Address("", "pledgewatch", "localhost"))
    assert _identifier(mail["List-Id"]) == "desk.pledgewatch.localhost"


def test_two_subscriptions_name_two_lists():
    assert list_id("desk", "example.org") != list_id("board", "example.org")


@pytest.mark.parametrize("sub_id", ["Desk", "a..b", "trailing.", "x_y-z.1", "s" * 64])
def test_every_subscription_id_gives_a_dot_atom_identifier_apart_from_any_other(sub_id):
    """List-Ids are compared without case (RFC 2919 3), and a subscription id may hold two dots in a row or end
    with one, which a dot-atom may not: such an id is written lower-case and plain, with a hash of it."""
    identifier = _identifier(list_id(sub_id, "example.org"))
    assert DOT_ATOM.fullmatch(identifier) and identifier.endswith(".pledgewatch.example.org")
    assert len(identifier) <= MAX_LIST_ID
    assert identifier.lower() != _identifier(list_id(sub_id.lower() if sub_id != sub_id.lower() else "desk",
                                                     "example.org")).lower()


def test_the_longest_subscription_id_under_the_longest_domain_fits_rfc_2919s_bound():
    domain = ".".join(["d" * 63] * 3) + ".org"
    identifier = _identifier(list_id("s" * 64, domain))
    assert len(identifier) <= MAX_LIST_ID and DOT_ATOM.fullmatch(identifier)


@pytest.mark.parametrize("domain_length", [235, 240, 246, 248, 252])
def test_a_list_id_under_a_long_from_domain_keeps_the_domain_whole_and_tells_subscriptions_apart(domain_length):
    """Cutting the identifier at 255 characters cut into the domain: a name the operator does not own, or a label
    ending in a dot or a hyphen. The subscription's label is what gives way."""
    domain = ".".join(["d" * 62] * 4)[:domain_length - 4].rstrip(".") + ".org"
    first, second = _identifier(list_id("desk", domain)), _identifier(list_id("board", domain))
    for identifier in (first, second):
        assert len(identifier) <= MAX_LIST_ID and DOT_ATOM.fullmatch(identifier)
        label, _, namespace = identifier.partition(".")
        assert label and namespace.removeprefix("pledgewatch.") == domain
    assert first != second
