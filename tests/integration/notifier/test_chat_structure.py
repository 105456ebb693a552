"""A chat message keeps the alert's structure in the markup its service reads, and shows a release's words as
words there, its title included:

- on Telegram (HTML, its default) the blank lines between parts, and each commitment's particulars under it,
  indented, rather than run on into the next commitment;
- a title escaped for the field its service shows it in: Markdown where the service reads it so and Apprise hands
  it on as it is (Discord's embed title, with ``?format=markdown``), not at all where it is plain text (Zulip's
  topic), whose escapes would show.

A real HTTP server on 127.0.0.1 stands in for each service (its Apprise plugin's ``notify_url`` pointed there)."""

import asyncio
import html
import json
import re
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from apprise.plugins.discord import NotifyDiscord
from apprise.plugins.telegram import NotifyTelegram
from apprise.plugins.zulip import NotifyZulip

from samples import BORDERS, CONTENT, FUNDING, release
from schemas import TestNotification
from services.common.outbound import TargetPolicy
from services.notifier.channels import chat
from services.notifier.channels.chat import AppriseSender
from services.notifier.planning import plan_alerts
from services.notifier.subscriptions import Subscription

pytestmark = pytest.mark.integration

NOW = datetime(2017, 12, 1, 8, 0, tzinfo=timezone.utc)
TELEGRAM = "tgram://123456789:abcdefghijklmnopqrstuvwxyz_ABCDEFGHI/12345/"
MARKED_UP = FUNDING.model_copy(update={"id": "c-marked", "text": "The UK will fund *rapid* <b>response</b> & "
                                       "[training](https://evil.example) for snake_case teams."})
TITLE = "[pledgewatch] New: Fund *now* _x_ ~~y~~ `z` [GOV.UK](https://evil.example)"


class _Service(BaseHTTPRequestHandler):
    """Takes a post of JSON or of a form, answering as the services here do when they take it."""

    def do_POST(self):  # noqa: N802 - the stdlib's name
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        self.server.posted.append(json.loads(body) if body[:1] == "{" else
                                  {key: values[0] for key, values in parse_qs(body).items()})
        answer = b'{"ok": true, "result": "success", "id": 1}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def service():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Service)
    server.daemon_threads = True
    server.posted = []
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _posted(server, url: str, message) -> dict:
    result = asyncio.run(AppriseSender(url, timeout=5, targets=TargetPolicy.parse(["127.0.0.0/8"])).send(message))
    assert result.ok, result.error
    [payload] = server.posted
    return payload


def _alert(*commitments, title="UK ramps up counterterror effort in Iraq"):
    classified = release(*commitments).model_copy(update={"title": title})
    return plan_alerts(Subscription(id="desk", channels=["console"]), classified, sent={}, elapsed_sent=set(),
                       now=NOW).alerts[0]


def _telegram(server, monkeypatch, alert) -> str:
    monkeypatch.setattr(NotifyTelegram, "notify_url", f"{server.base}/bot")
    payload = _posted(server, TELEGRAM, alert)
    assert payload["parse_mode"] == "HTML"
    return payload["text"]


def _shown(text: str) -> list[str]:
    """The lines a Telegram reader sees: the markup taken away, its entities read."""
    return html.unescape(re.sub(r"</?b>", "", text)).replace("\r\n", "\n").split("\n")


def test_a_telegram_alert_keeps_its_blank_lines_and_each_commitments_particulars_under_it(service, monkeypatch):
    lines = _shown(_telegram(service, monkeypatch, _alert(FUNDING, BORDERS, CONTENT)))
    first = lines.index(next(line for line in lines if line.startswith("- Pledge by UK: The UK will invest")))
    assert lines[first - 1] == ""  # the commitments a part of their own, after the release's lines
    assert lines[first + 1:first + 4] == ["  - category: capability building; counter-terrorism; confidence 90%",
                                          "  - money: GBP 10,000,000 (\u201c\u00a310m\u201d)",
                                          "  - deadline: from 29 November 2017 to 29 November 2020 "
                                          "(\u201cover the next three years\u201d)"]
    assert lines[first + 4].startswith("- Pledge by UK: We will work with partners")
    assert lines[-2:] == ["", "Sent by pledgewatch for the subscription desk."]


def test_a_telegram_alert_shows_its_heading_bold_and_a_releases_words_as_words(service, monkeypatch):
    alert = _alert(MARKED_UP, title="Fund *now* <i>x</i> & [y](https://evil.example)")
    text = _telegram(service, monkeypatch, alert)
    assert "<b>New commitments \u2014 Fund *now* &lt;i&gt;x&lt;/i&gt; &amp; [y](https://evil.example)</b>" in text
    assert "<i>" not in text and "<a " not in text and "&lt;b&gt;response&lt;/b&gt;" in text
    assert "- Pledge by UK: The UK will fund *rapid* <b>response</b> & [training](https://evil.example) for " \
           "snake_case teams." in _shown(text)


def _titled(server, url: str, monkeypatch) -> dict:
    monkeypatch.setattr(chat, "chat_text", lambda *a, **k: (TITLE, "New commitments\n\n- Pledge by UK: *fund* it."))
    message = TestNotification(notification_id="t-1", subscription_id="chat", created_at=datetime.now(timezone.utc))
    return _posted(server, url, message)


def test_a_discord_embed_title_shows_a_releases_markup_as_words(service, monkeypatch):
    monkeypatch.setattr(NotifyDiscord, "notify_url", f"{service.base}/api/webhooks")
    payload = _titled(service, "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js?format=markdown", monkeypatch)
    title = payload["embeds"][0]["title"]
    assert "*now*" not in title and "_x_" not in title and "~~y~~" not in title and "`z`" not in title
    assert "[GOV.UK](https://evil.example)" not in title
    assert title.replace("\\", "") == TITLE  # escaped, not cut or changed


def test_a_zulip_topic_is_plain_text_with_no_escapes_showing(service, monkeypatch):
    monkeypatch.setattr(NotifyZulip, "notify_url", f"{service.base}/api/v1/messages")
    payload = _titled(service, "zulip://bot@example.zulipchat.com/ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef", monkeypatch)
    assert "\\" not in payload["topic"] and TITLE.startswith(payload["topic"].rstrip("\u2026"))
    assert "\\*fund\\*" in payload["content"]  # the text still escaped


@pytest.mark.parametrize("url", ["ntfy://{host}/desk?format=markdown",
                                 "rocket://abcdefghijklmnop/qrstuvwxyz@{host}/#desk?mode=webhook"],
                         ids=["ntfy-markdown", "rocket-chat"])
def test_a_message_sent_as_markdown_keeps_each_line_and_its_indent(service, url):
    """CommonMark joins the lines of a paragraph (a line break in it is soft) and strips the spaces that start
    each: each line ends in a hard break, its indent no-break spaces, the words still escaped."""
    alert = _alert(MARKED_UP, BORDERS)
    payload = _posted(service, url.format(host=service.base.removeprefix("http://")), alert)
    lines = (payload.get("message") or payload["text"]).replace("\r\n", "\n").split("\n")
    item = next(i for i, line in enumerate(lines) if "The UK will fund" in line)
    assert lines[item].endswith("  ") and "\\*rapid\\*" in lines[item]
    assert lines[item + 1] == "\u00a0" * 4 + "category: capability building; counter\\-terrorism; confidence 90%  "
    assert lines[item - 1] == ""  # a blank line is a paragraph's end already


def test_a_telegram_title_in_legacy_markdown_is_a_line_of_words_not_a_bold_heading_it_would_break(
        service, monkeypatch):
    """Telegram's legacy Markdown (``?format=markdown``) reads no escape inside bold: Apprise's bold heading of a
    title holding ``*`` or ``_`` (escaped within it) ends early, and Telegram refuses the message."""
    monkeypatch.setattr(NotifyTelegram, "notify_url", f"{service.base}/bot")
    alert = _alert(BORDERS, title="Fund *now* for snake_case teams")
    payload = _posted(service, f"{TELEGRAM}?format=markdown", alert)
    assert payload["parse_mode"] == "MARKDOWN"
    first = payload["text"].split("\n")[0]
    assert first == "\\[pledgewatch\\] New commitments: Fund \\*now\\* for snake\\_case teams"
