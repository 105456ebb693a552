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


@pytest.mark.parametrize(("url", "message"), [
    pytest.param("http://2130706433:18941/x", "host '2130706433' is neither a name nor an IPv4 address written "
                                              "a.b.c.d (each 0 to 255, no leading zero)", id="numeric-host"),
    pytest.param("http://hooks.example.org:0/x", "port 0 is no port a request can go to", id="port-0"),
])
async def test_a_webhook_url_the_client_can_never_send_to_is_refused(notifier, url, message):
    """Before: 201, then every send failed (InvalidUrlClientError, or a connection to port 0 refused) and each
    alert was dead-lettered."""
    n = await notifier(http=True)
    sub = {"id": "hook1", "channels": [{"webhook": {"url": url}}]}
    status, body = await api_call(n, "POST", "/subscriptions", sub)
    assert (status, body["errors"]) == (422, [{"field": "channels.0.url", "message": message}])
    assert (await api_call(n, "GET", "/subscriptions/hook1"))[0] == 404


async def test_text_for_a_boolean_or_number_is_refused_not_read_as_one(notifier):
    """Before: "yes" and "0.5" were taken as true and 0.5 (201), and a pause "until": "1900000000" as unix seconds."""
    n = await notifier(http=True)
    sub = {"id": "loose", "filter": {"counter_terrorism": "yes", "min_confidence": "0.5"}, "channels": ["console"],
           "reannouncements": "no"}
    status, body = await api_call(n, "POST", "/subscriptions", sub)
    assert (status, body["errors"]) == (422, [
        {"field": "filter.counter_terrorism", "message": 'expected true or false, not "yes"'},
        {"field": "filter.min_confidence", "message": 'expected a number, not "0.5"'},
        {"field": "reannouncements", "message": 'expected true or false, not "no"'}])
    assert (await api_call(n, "POST", "/subscriptions", {"id": "strict", "channels": ["console"]}))[0] == 201
    assert (await api_call(n, "PATCH", "/subscriptions/strict", {"filter": {"counter_terrorism": 1}}))[0] == 422
    status, body = await api_call(n, "POST", "/subscriptions/strict/pause", {"until": "1900000000"})
    assert (status, body["errors"][0]["field"]) == (422, "until")
    assert "expected an ISO 8601 time with a zone" in body["errors"][0]["message"]
    assert (await api_call(n, "GET", "/subscriptions/strict"))[1].get("paused_until") is None


async def test_a_filter_of_money_is_taken_and_bad_money_refused_naming_the_field(notifier):
    n = await notifier(http=True)
    sub = {"id": "money", "filter": {"currency": "GBP", "min_amount": "10m", "max_amount": "5m"},
           "channels": ["console"]}
    status, body = await api_call(n, "POST", "/subscriptions", sub)
    assert (status, body["errors"]) == (422, [{"field": "filter.max_amount", "message": "is less than min_amount"}])
    status, body = await api_call(n, "POST", "/subscriptions", {**sub, "filter": {"min_amount": "10m"}})
    assert (status, [e["field"] for e in body["errors"]]) == (422, ["filter.currency"])
    status, body = await api_call(n, "POST", "/subscriptions", {**sub, "filter": {"currency": "gbp",
                                                                                 "min_amount": "10m"}})
    assert status == 201, body
    status, body = await api_call(n, "GET", "/subscriptions/money")
    assert (status, body["filter"]) == (200, {"currency": "GBP", "min_amount": 10_000_000.0})
