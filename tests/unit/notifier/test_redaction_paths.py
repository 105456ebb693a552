"""A webhook URL whose secret sits in its path (Make, n8n, Zapier-style hooks) is shown without it: the
subscriptions API and the dashboard are open to read by default, and deliveries, dead letters and logs show
the destination too."""

import json

import pytest

from services.notifier.redaction import destination, redact_url
from services.notifier.subscriptions import Subscription


@pytest.mark.parametrize("url, shown", [
    ("https://hook.eu1.make.com/k3x9a0qwe1rty2uio3pas4dfg5hjk6lz",
     "https://hook.eu1.make.com/***"),
    ("https://n8n.example.org/webhook/0f8fad5b-d9cb-469f-a165-70867728950e",
     "https://n8n.example.org/webhook/***"),
    ("https://discord.com/api/webhooks/112233445566778899/AbCdEf123_gHiJkL456-mNoPqR789sTuVwX",
     "https://discord.com/api/webhooks/112233445566778899/***"),
    ("https://hooks.example.org/in/pw", "https://hooks.example.org/in/pw"),
    ("https://hooks.example.org/pledgewatch/alerts-v2", "https://hooks.example.org/pledgewatch/alerts-v2"),
], ids=["make", "n8n-uuid", "discord-token", "short-words", "words-and-a-digit"])
def test_a_path_segment_that_looks_like_a_token_is_hidden(url, shown):
    assert redact_url("webhook", url) == shown


def test_a_path_token_is_in_no_public_form_of_the_subscription():
    url = "https://hook.eu1.make.com/k3x9a0qwe1rty2uio3pas4dfg5hjk6lz"
    sub = Subscription(id="desk", channels=[{"webhook": {"url": url}}])
    shown = json.dumps([sub.model_dump(mode="json"), [destination(c.model_dump()) for c in sub.channels]])
    assert "k3x9a0qwe1rty2uio3pas4dfg5hjk6lz" not in shown
    assert json.loads(sub.stored())["channels"][0]["webhook"]["url"] == url
