"""A webhook URL whose host is digits and dots but no dotted quad (``2130706433``, ``127.1``) is refused when
given: the HTTP client refuses every send to it rather than guess which address it means, so each alert and
reminder would have been dead-lettered."""

import json
import re

import pytest

from services.common.url_hosts import sendable_url_problem
from services.notifier.channels.webhook import WebhookSender
from services.notifier.store import load_file
from services.notifier.subscriptions import Subscription, SubscriptionError, parse_subscription

REFUSED = "is neither a name nor an IPv4 address written a.b.c.d (each 0 to 255, no leading zero)"


@pytest.mark.parametrize("url", [
    pytest.param("http://2130706433:18941/x", id="one-number"),
    pytest.param("http://127.1/x", id="two-parts"),
    pytest.param("https://10.0.1/x", id="three-parts"),
    pytest.param("http://017700000001/x", id="octal"),
    pytest.param("http://010.0.0.1/x", id="leading-zero"),
    pytest.param("http://256.1.1.1/x", id="octet-over-255"),
    pytest.param("http://1.2.3.4.5/x", id="five-parts"),
    pytest.param("http://127.0.0.1./x", id="trailing-dot"),
])
def test_a_numeric_host_that_is_no_dotted_quad_is_refused_when_given(url):
    with pytest.raises(SubscriptionError) as info:
        parse_subscription({"id": "hook1", "channels": [{"webhook": {"url": url}}]})
    ((error),) = info.value.errors
    assert error["field"] == "channels.0.url" and REFUSED in error["message"]


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:18941/x", "https://203.0.113.255/", "http://0.0.0.0/", "http://[::1]:8080/x",
    "https://hooks.example.org/in", "http://123.example.org/", "http://localhost:8000/", "http://1e100.net/",
])
def test_names_dotted_quads_and_ipv6_hosts_are_taken(url):
    assert sendable_url_problem(url) is None
    assert parse_subscription({"id": "hook1", "channels": [{"webhook": {"url": url}}]}).channels[0].url == url


PORT_ZERO = "port 0 is no port a request can go to"


@pytest.mark.parametrize("url", ["http://hooks.example.org:0/x", "https://203.0.113.9:00/in", "http://[::1]:0/"])
def test_a_webhook_url_with_port_0_is_refused_when_given(url):
    with pytest.raises(SubscriptionError) as info:
        parse_subscription({"id": "hook1", "channels": [{"webhook": {"url": url}}]})
    ((error),) = info.value.errors
    assert error["field"] == "channels.0.url" and PORT_ZERO in error["message"]


UNSENDABLE = [
    pytest.param("http://2130706433:18941/x", "host '2130706433' " + REFUSED, id="numeric-host"),
    pytest.param("http://hooks.example.org:0/x", PORT_ZERO, id="port-0"),
]


@pytest.mark.parametrize(("url", "reason"), UNSENDABLE)
def test_a_subscriptions_file_with_such_a_webhook_is_refused(tmp_path, url, reason):
    path = tmp_path / "subs.yaml"
    path.write_text(f"subscriptions:\n  - id: hook1\n    channels: [{{webhook: '{url}'}}]\n")
    with pytest.raises(SubscriptionError, match=re.escape("subscriptions.0 ('hook1'): channels.0.url: " + reason)):
        load_file(path)


@pytest.mark.parametrize(("url", "reason"), UNSENDABLE)
def test_one_stored_before_is_read_back_and_its_sends_fail_with_the_reason_not_retried(url, reason):
    stored = json.dumps({"id": "hook1", "channels": [{"type": "webhook", "url": url}]})
    (channel,) = Subscription.model_validate_json(stored).channels
    with pytest.raises(ValueError, match=re.escape("webhook URL: " + reason)):
        WebhookSender(channel.url, None, timeout=1)


@pytest.mark.parametrize(("url", "reason"), UNSENDABLE)
def test_one_stored_before_can_be_paused_and_resumed_but_not_given_again(url, reason):
    older = Subscription.model_validate_json(json.dumps({"id": "hook1", "channels": [{"type": "webhook", "url": url}]}))
    for paused_until in (None, "2030-01-01T00:00:00Z"):
        again = parse_subscription({**json.loads(older.stored()), "paused_until": paused_until}, kept=older.channels)
        assert again.channels == older.channels
    with pytest.raises(SubscriptionError, match=re.escape(reason)):
        parse_subscription({**json.loads(older.stored()), "channels": [{"webhook": {"url": url + "/other"}}]},
                           kept=older.channels)


@pytest.mark.parametrize("url", [
    pytest.param("http://hooks.exa mple.org/in", id="space"),
    # the HTTP client drops a tab from the host and sends to another host (hooks.example.org)
    pytest.param("http://hooks.exa\tmple.org/in", id="tab"),
])
def test_a_host_with_a_space_or_a_control_character_is_refused_when_given(url):
    assert "holds a space or a control character, which no host name has" in sendable_url_problem(url)


def test_a_space_in_the_user_or_password_is_no_host_problem():
    """Before: refused as "host 'hooks.example.org' holds a space", a host that holds none; the HTTP client sends
    such a URL (the user and password go in its Authorization header)."""
    assert sendable_url_problem("http://desk:pass word@hooks.example.org/in") is None
    assert "host 'hooks.exa mple.org' holds" in sendable_url_problem("http://desk:pass word@hooks.exa mple.org/in")
