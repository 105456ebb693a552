"""What a release says reaches a chat service as text: it cannot add markup, links or mentions there; and a
chat service's answer cannot send pledgewatch on to an address the outbound policy refuses."""

import json
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import pytest

from schemas import TestNotification
from services.common.outbound import TargetPolicy
from services.notifier.channels import chat
from services.notifier.channels.chat import AppriseSender

TITLE = "Port fund <b>now</b> <!channel>"
TEXT = '<!channel> Pledge by UK: <a href="https://evil.example/verify">verify your account</a> & <https://evil.example|GOV.UK>'


class _Answer:
    status_code = 200
    content = b'{"ok": true}'
    text = '{"ok": true}'
    headers: dict = {}

    def json(self):
        return {"ok": True}


def _payloads(url: str) -> list[dict]:
    """What Apprise posts to the service of ``url`` for a message of TITLE and TEXT (nothing leaves the
    process: requests is stubbed)."""
    posted = []

    def post(target, *args, **kwargs):
        body = kwargs.get("data") or kwargs.get("json")
        posted.append(json.loads(body) if isinstance(body, (str, bytes)) else body)
        return _Answer()

    sender = AppriseSender(url, timeout=5)
    message = TestNotification(notification_id="t-1", subscription_id="chat", created_at=datetime.now(timezone.utc))
    with mock.patch.object(chat, "chat_text", return_value=(TITLE, TEXT)), \
            mock.patch("requests.post", post), \
            mock.patch("requests.request", lambda method, target, *a, **k: post(target, *a, **k)):
        import asyncio
        asyncio.run(sender.send(message))
    return posted


def test_a_release_adds_no_html_to_a_telegram_message():
    [payload] = _payloads("tgram://123456789:abcdefghijklmnopqrstuvwxyz_ABCDEFGHI/12345/")
    assert payload["parse_mode"] == "HTML"
    assert '<a href="https://evil.example' not in payload["text"]
    assert "<b>now</b>" not in payload["text"]
    assert '&lt;a href="https://evil.example/verify"&gt;' in payload["text"]


def test_a_release_adds_no_mention_or_link_to_a_slack_message():
    [payload] = _payloads("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#desk")
    shown = json.dumps(payload)
    assert "<!channel>" not in shown
    assert "<https://evil.example|GOV.UK>" not in shown
    assert "&lt;!channel&gt;" in shown
