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
