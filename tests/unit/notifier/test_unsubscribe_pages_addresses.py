"""The unsubscribe pages name the recipient's address as people read it: a domain in Unicode, as it was written in
the subscription (``josé@bücher.example``), not the A-label it is mailed and recorded under."""

import pytest

from services.notifier.templates import render
from services.notifier.unsubscribe import Recipient

JOSE = Recipient(subscription_id="desk", address="jos\u00e9@xn--bcher-kva.example")


@pytest.mark.parametrize(("template", "context"), [
    ("unsubscribe.html.j2", {"done": False, "already": False, "kept": False}),  # the page asking to confirm
    ("unsubscribe.html.j2", {"done": True, "already": True, "kept": False}),  # "You are unsubscribed"
    ("unsubscribe.html.j2", {"done": False, "already": True, "kept": False}),  # "Already unsubscribed"
    ("unsubscribe_unavailable.html.j2", {"outage": "not-shown"}),
    ("unsubscribe_unavailable.html.j2", {"outage": "maybe-done"}),
], ids=["confirm", "done", "already", "unavailable-not-shown", "unavailable-maybe-done"])
def test_an_unsubscribe_page_names_an_international_domain_as_it_was_written(template, context):
    """Before: "josé@xn--bcher-kva.example will get no more emails": an address its owner does not recognise."""
    page = render(template, recipient=JOSE, **context)
    assert "jos\u00e9@b\u00fccher.example" in page and "xn--" not in page


def test_the_page_of_a_deleted_subscription_names_the_address_as_it_was_written():
    page = render("unsubscribe_invalid.html.j2", gone=JOSE)
    assert "jos\u00e9@b\u00fccher.example" in page and "xn--" not in page
