"""A message longer than a chat service takes reaches it as one message cut at a line, saying it was cut and,
for an alert, where the whole of it is: not as a message the service refuses (Telegram answers 400 to a text
over 4096 characters, Discord to content over 2000)."""

import asyncio
import html
import json
import re
from datetime import datetime, timezone
from unittest import mock

from chat_answers import OkAnswer
from samples import BORDERS, release
from services.notifier.channels import chat
from services.notifier.channels.chat import AppriseSender
from services.notifier.planning import plan_alerts
from services.notifier.subscriptions import Subscription

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=timezone.utc)
ALERT = plan_alerts(Subscription(id="desk", channels=[{"email": "desk@example.org"}]), release(BORDERS),
                    sent={}, elapsed_sent=set(), now=NOW).alerts[0]
LONG = "\n".join(f"- Pledge {n} by UK: the UK will fund the border programme <{n}> & more." for n in range(400))


def _posted(url: str, *, release_page=None) -> list[dict]:
    """What Apprise posts to the service of ``url`` for an alert whose text is LONG (requests is stubbed)."""
    posted = []

    def post(target, *args, **kwargs):
        body = kwargs.get("data") or kwargs.get("json")
        posted.append(json.loads(body) if isinstance(body, (str, bytes)) else body)
        return OkAnswer()

    sender = AppriseSender(url, timeout=5, release_page=release_page)
    with mock.patch.object(chat, "chat_text", return_value=("New commitments: Port fund", LONG)), \
            mock.patch("requests.post", post), \
            mock.patch("requests.request", lambda method, target, *a, **k: post(target, *a, **k)):
        assert asyncio.run(sender.send(ALERT)).ok
    return posted


def test_a_long_telegram_message_is_one_message_within_4096_characters_cut_at_a_line_with_the_release_linked():
    [payload] = _posted("tgram://123456789:abcdefghijklmnopqrstuvwxyz_ABCDEFGHI/12345/")
    shown = html.unescape(re.sub(r"</?b>", "", payload["text"]))  # as Telegram counts it: after its entities
    assert len(shown) <= 4096
    *lines, last = shown.splitlines()
    assert lines[-1] in LONG.splitlines()  # whole lines only
    assert "cut short" in last and ALERT.release.url in last


def test_a_long_discord_message_is_one_message_within_2000_characters_linking_the_release_page():
    [payload] = _posted("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js",
                        release_page=lambda release_id: f"https://dash.example.org/releases/{release_id}")
    content = payload.get("content") or payload["embeds"][0]["description"]
    assert len(content) <= 2000
    assert content.rstrip().endswith(f"https://dash.example.org/releases/{ALERT.release.release_id}")


def test_a_first_line_too_long_on_its_own_is_cut_in_the_middle_and_a_digest_says_it_was_cut_without_a_link():
    from services.notifier.channels.chat_length import cut_to
    cut = cut_to("x" * 500 + "\nmore", 100, whole_at=None)
    assert len(cut) <= 100 and cut.startswith("xxx") and cut.endswith("cut short: too long for this service")
    assert cut_to("short", 100, whole_at=None) == "short"
