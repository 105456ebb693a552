"""A webhook URL whose secret sits in its path (Make, n8n, Zapier, Slack, Discord-style hooks) is shown without
it: the subscriptions API and the dashboard are open to read by default, and deliveries, dead letters and logs
show the destination too. A short token (Slack's) cannot be told from a word, so no part of the path is shown."""

import json

import pytest

from services.notifier.redaction import destination, redact_url
from services.notifier.subscriptions import Subscription


@pytest.mark.parametrize("url, shown", [
    ("https://hook.eu1.make.com/k3x9a0qwe1rty2uio3pas4dfg5hjk6lz",
     "https://hook.eu1.make.com/***"),
    ("https://n8n.example.org/webhook/0f8fad5b-d9cb-469f-a165-70867728950e",
     "https://n8n.example.org/***"),
    ("https://discord.com/api/webhooks/112233445566778899/AbCdEf123_gHiJkL456-mNoPqR789sTuVwX",
     "https://discord.com/***"),
    ("https://hooks.slack.com/services/T000/B000/XXXX", "https://hooks.slack.com/***"),
    ("https://hooks.example.org/webhook/s3cr3t", "https://hooks.example.org/***"),
    ("https://hooks.example.org/in/pw", "https://hooks.example.org/***"),
    ("https://hooks.example.org:8443/", "https://hooks.example.org:8443"),
], ids=["make", "n8n-uuid", "discord-token", "slack-short-tokens", "short-token", "short-words", "no-path"])
def test_a_webhook_url_is_shown_as_its_host_and_no_path(url, shown):
    assert redact_url("webhook", url) == shown


def test_a_path_token_is_in_no_public_form_of_the_subscription():
    url = "https://hook.eu1.make.com/k3x9a0qwe1rty2uio3pas4dfg5hjk6lz"
    sub = Subscription(id="desk", channels=[{"webhook": {"url": url}}])
    shown = json.dumps([sub.model_dump(mode="json"), [destination(c.model_dump()) for c in sub.channels]])
    assert "k3x9a0qwe1rty2uio3pas4dfg5hjk6lz" not in shown
    assert json.loads(sub.stored())["channels"][0]["webhook"]["url"] == url
