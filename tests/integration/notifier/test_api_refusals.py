"""The subscriptions API refuses, at create time and with the field named, what could never be sent as meant."""

import pytest

from notifier_harness import api_call

pytestmark = pytest.mark.integration


async def test_an_address_repeated_whatever_its_case_or_display_name_is_refused(notifier):
    """Before: 201, and each alert and reminder went three times to the one mailbox."""
    n = await notifier(http=True)
    sub = {"id": "dupmail", "channels": [{"email": {"to": ["twice@example.org", "Twice@Example.org",
                                                           '"T" <twice@example.org>']}}]}
    status, body = await api_call(n, "POST", "/subscriptions", sub)
    assert (status, body["errors"]) == (422, [{
        "field": "channels.0.to", "message": "recipient 2 (Twice@Example.org) is recipient 1 again "
                                             "(twice@example.org): each message would be sent to it twice"}])
    assert (await api_call(n, "GET", "/subscriptions/dupmail"))[0] == 404


async def test_a_webhook_url_the_client_can_never_send_to_is_refused(notifier):
    """Before: 201, then every send failed with InvalidUrlClientError and each alert was dead-lettered."""
    n = await notifier(http=True)
    sub = {"id": "hook1", "channels": [{"webhook": {"url": "http://2130706433:18941/x"}}]}
    status, body = await api_call(n, "POST", "/subscriptions", sub)
    assert (status, body["errors"]) == (422, [{
        "field": "channels.0.url", "message": "host '2130706433' is neither a name nor an IPv4 address written "
                                              "a.b.c.d (each 0 to 255, no leading zero)"}])
    assert (await api_call(n, "GET", "/subscriptions/hook1"))[0] == 404
