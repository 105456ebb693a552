"""A message longer than a chat service takes reaches it as one message cut at a line, saying it was cut and,
for an alert, where the whole of it is: not as a message the service refuses (Telegram answers 400 to a text
over 4096 characters, Discord to content over 2000)."""

import asyncio
import html
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from datetime import datetime, timezone
from unittest import mock
from urllib.parse import parse_qs
from xml.etree import ElementTree

import pytest

from chat_answers import OkAnswer, SlackHookAnswer
from samples import BORDERS, release
from services.common.outbound import TargetPolicy
from services.notifier.channels import chat
from services.notifier.channels.chat import AppriseSender
from services.notifier.digest import assemble_digest
from services.notifier.planning import plan_alerts
from services.notifier.subscriptions import Subscription

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=timezone.utc)
ALERT = plan_alerts(Subscription(id="desk", channels=[{"email": "desk@example.org"}]), release(BORDERS),
                    sent={}, elapsed_sent=set(), now=NOW).alerts[0]
LONG = "\n".join(f"- Pledge {n} by UK: the UK will fund the border programme <{n}> & more." for n in range(400))


def _posted(url: str, *, release_page=None, title: str = "New commitments: Port fund", text: str = LONG,
            answer=OkAnswer) -> list[dict]:
    """What Apprise posts to the service of ``url`` for ALERT shown as ``title`` and ``text`` (requests stubbed;
    ntfy's message sent as a file is kept as ``{"attachment": …}``)."""
    posted = []

    def post(target, *args, **kwargs):
        body = kwargs.get("data") or kwargs.get("json")
        if isinstance(body, (str, bytes)):
            body = json.loads(body) if body[:1] in ("{", b"{") else {"attachment": body}  # ntfy's file
        posted.append(body)
        return answer()

    with mock.patch.object(chat, "chat_text", return_value=(title, text)), \
            mock.patch("requests.post", post), \
            mock.patch("requests.request", lambda method, target, *a, **k: post(target, *a, **k)):
        assert asyncio.run(AppriseSender(url, timeout=5, release_page=release_page).send(ALERT)).ok
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


TEN_KB_TITLE = "New commitments: " + "Très long titre 😀 <b>& " * 450


@pytest.mark.parametrize(("url", "shown", "most"), [
    ("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js", lambda p: p["content"], 2000),
    ("tgram://123456789:abcdefghijklmnopqrstuvwxyz_ABCDEFGHI/12345/",
     lambda p: html.unescape(re.sub(r"</?b>", "", p["text"])), 4096),
    ("ntfy://ntfy.sh/desk", lambda p: p["title"] + "\n" + p["message"], 200 + 1 + 4096),  # a title of its own
    ("mmost://chat.example.org/abcdefghijklmnop", lambda p: p["text"], 4000),
], ids=["discord", "telegram", "ntfy", "mattermost"])
def test_a_ten_kilobyte_title_is_cut_and_the_alert_still_shows_its_commitments(url, shown, most):
    """Before: the title alone filled the room the service takes, the text was cut to nothing, and Apprise sent
    nothing ("No message body"): the alert was retried until it was a dead letter, never read."""
    [payload] = _posted(url, title=TEN_KB_TITLE)
    text = shown(payload)
    assert len(text) <= most
    assert "Pledge 0 by UK" in text and "cut short" in text
    assert text.count("Très long titre") < 20  # the title cut, at a character, with an ellipsis
    assert "\u2026" in text.split("Pledge 0")[0]


def test_a_ten_kilobyte_title_reaches_a_json_receiver_cut_to_its_title_length(capture_server):
    url, arrived = capture_server
    _send_for_real(f"json://{url}", TEN_KB_TITLE)
    [payload] = arrived
    assert len(payload["title"]) <= 250 and payload["title"].endswith("\u2026")
    assert payload["title"].startswith("New commitments: Très long titre 😀 <b>& ")  # text as text: no escaping
    assert payload["message"] == LONG


def test_an_ntfy_message_fits_ntfys_4096_bytes_multi_byte_characters_whole():
    """ntfy takes a message of 4096 bytes as text; past that it makes it an attachment (``attachment.txt``),
    or refuses it where attachments are off."""
    [payload] = _posted("ntfy://ntfy.sh/desk", text=LONG.replace("&", "é😀"))
    assert "attachment" not in payload
    assert len(payload["message"].encode("utf-8")) <= 4096 and "é😀" in payload["message"]
    assert payload["message"].splitlines()[-1].startswith("\u2026 cut short")


def _parsed(content_type: str, body: bytes) -> dict:
    """The title and message of a json://, form:// or xml:// post."""
    if "json" in content_type:
        return json.loads(body)
    if "xml" in content_type:
        root = ElementTree.fromstring(body)
        return {tag: next(e.text for e in root.iter() if e.tag.endswith(tag)) or "" for tag in ("Subject", "Message")}
    return {key: values[0] for key, values in parse_qs(body.decode(), keep_blank_values=True).items()}


class _Capture(BaseHTTPRequestHandler):
    arrived: list

    def do_POST(self):  # noqa: N802 - the stdlib's name
        self.arrived.append(_parsed(self.headers.get("Content-Type", ""),
                                    self.rfile.read(int(self.headers.get("Content-Length", 0)))))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def capture_server():
    """A receiver on 127.0.0.1 keeping each JSON body posted to it: ("127.0.0.1:port/chat", the bodies)."""
    handler = type("Handler", (_Capture,), {"arrived": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}/chat", handler.arrived
    server.shutdown()
    server.server_close()


def _send_for_real(url: str, title: str, *, text: str = LONG) -> None:
    """ALERT shown as ``title`` and ``text``, sent through Apprise to ``url`` on 127.0.0.1 (allowed)."""
    sender = AppriseSender(url, timeout=10, targets=TargetPolicy.parse(["127.0.0.1/32"]))
    with mock.patch.object(chat, "chat_text", return_value=(title, text)):
        assert asyncio.run(sender.send(ALERT)).ok


def _sent_units(content: str) -> int:
    """``content``'s length as Discord counts it: in UTF-16 units, a line break as two (CRLF, as Apprise sends)."""
    content = content.replace("\r\n", "\n")
    return len(content.encode("utf-16-le")) // 2 + content.count("\n")


def test_a_message_of_emoji_fits_a_service_counting_utf16_units():
    """Before: counted in code points, a text of emoji (two UTF-16 units each, as Discord's and Telegram's
    JavaScript-like counts see them) went out at up to twice the 2000 Discord takes, and was refused."""
    emoji = "\n".join(f"- Pledge {n} by UK: " + "\U0001f1ec\U0001f1e7\U0001f4b7" * 20 for n in range(400))
    [payload] = _posted("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js", text=emoji)
    assert _sent_units(payload["content"]) <= 2000
    assert "\U0001f1ec\U0001f1e7\U0001f4b7" in payload["content"] and "cut short" in payload["content"]


def test_a_digest_of_many_hostile_releases_fits_discord_and_pings_nobody():
    hostile = release(BORDERS).model_copy(update={"title": "@everyone [verify](https://evil.example) " * 40})
    alert = plan_alerts(Subscription(id="desk", channels=[{"email": "desk@example.org"}]), hostile,
                        sent={}, elapsed_sent=set(), now=NOW).alerts[0]
    digest = assemble_digest("desk", [alert.model_copy(update={"alert_id": f"a-{n}"}) for n in range(300)],
                             since=None, until=NOW, now=NOW)
    posted = []
    with mock.patch("requests.post", lambda target, *a, **k: posted.append(json.loads(k["data"])) or OkAnswer()):
        sender = AppriseSender("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js", timeout=5)
        assert asyncio.run(sender.send(digest)).ok
    [payload] = posted
    assert _sent_units(payload["content"]) <= 2000
    assert "cut short: too long for this service" in payload["content"]
    assert not re.search(r"(?<![\w.])@everyone\b", payload["content"]) and "](https://evil" not in payload["content"]


HOSTILE = ('@everyone <!channel> <@U123> <@&42> *bold* _it_ [x](http://evil.example) <a href="http://evil.example">y'
           '</a> & é😀')


@pytest.mark.parametrize(("scheme", "title_key", "text_key"), [
    ("json", "title", "message"), ("form", "title", "message"), ("xml", "Subject", "Message")])
def test_a_hostile_release_reaches_a_generic_receiver_word_for_word(capture_server, scheme, title_key, text_key):
    """A receiver of json://, form:// or xml:// gets the text as text: nothing escaped, nothing added, nothing lost
    (escaping is for the services that read markup, each as it reads it)."""
    url, arrived = capture_server
    _send_for_real(f"{scheme}://{url}", f"New commitments: {HOSTILE}", text=f"- Pledge by {HOSTILE}")
    [payload] = arrived
    assert payload[title_key] == f"New commitments: {HOSTILE}"
    assert payload[text_key].replace("\r\n", "\n") == f"- Pledge by {HOSTILE}"


def test_a_slack_message_in_blocks_fits_a_header_and_a_section():
    """Before: with ``?blocks=yes`` the title went into a header block (Slack takes 150 characters) and the text
    into one section (3000), each as long as Apprise's 35000 for a message: Slack refused it (``invalid_blocks``)."""
    [payload] = _posted("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#desk?blocks=yes", title=TEN_KB_TITLE,
                        answer=SlackHookAnswer)
    blocks = {block["type"]: block["text"]["text"] for block in payload["attachments"][0]["blocks"] if "text" in block}
    assert len(blocks["header"]) <= 150 and blocks["header"].endswith("\u2026")
    assert len(blocks["section"]) <= 3000  # as sent, "<" as "&lt;"
    assert "Pledge 0 by UK" in blocks["section"] and "cut short" in blocks["section"]


# Each a single character as a reader sees it (a grapheme cluster), of several code points
CLUSTERS = {"flag": "\U0001f1ec\U0001f1e7", "family": "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",
            "skin tone": "\U0001f44d\U0001f3fd", "combining marks": "e\u0301\u0323",
            "keycap": "1\ufe0f\u20e3", "hangul syllable of jamo": "\u1100\u1161\u11a8"}


@pytest.mark.parametrize("cluster", CLUSTERS.values(), ids=CLUSTERS.keys())
def test_a_line_is_cut_between_characters_as_a_reader_sees_them_never_inside_one(cluster):
    """Before: cut at a code point, a flag became a lone letter symbol, a family a man, a skin tone a bare
    modifier, an accented letter lost its accent: the message ended in a broken character."""
    from services.notifier.channels.chat_length import cut_line
    line = "Pledge: " + cluster * 40
    for room in range(len("Pledge: ") + 1, len(line)):
        cut = cut_line(line, room)
        assert cut.endswith("\u2026") and len(cut) <= room
        assert cut[:-1] == "Pledge: " + cluster * ((len(cut) - 1 - len("Pledge: ")) // len(cluster))


FLAGS = "\U0001f1ec\U0001f1e7\U0001f1fa\U0001f1e6"


@pytest.mark.parametrize(("url", "title_of"), [
    ("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js", lambda p: p["content"]),
    ("tgram://123456789:abcdefghijklmnopqrstuvwxyz_ABCDEFGHI/12345/", lambda p: p["text"]),
    ("ntfy://ntfy.sh/desk", lambda p: p["title"]),
], ids=["discord", "telegram", "ntfy"])
@pytest.mark.parametrize("before", ["", "x", "xx", "xxx"])
def test_a_long_title_of_flags_reaches_the_service_cut_between_flags(url, title_of, before):
    [payload] = _posted(url, title=f"New commitments: {before}" + FLAGS * 600)
    flags = title_of(payload).split("\u2026")[0].split(f"New commitments: {before}")[1]
    assert flags and flags == (FLAGS * 600)[:len(flags)] and len(flags) % 2 == 0  # whole flags only


def test_a_title_whose_first_character_is_longer_than_the_room_is_cut_inside_it_never_to_nothing():
    """Before: a letter under hundreds of combining marks, longer alone than the room, left the title empty."""
    from services.notifier.channels.chat_length import cut_line
    overgrown = "Z" + "\u0336" * 400
    cut = cut_line(overgrown + " pledge", 250)
    assert cut == overgrown[:249] + "\u2026"


@pytest.mark.parametrize("length", [lambda text: len(text.encode()), lambda text: len(json.dumps(text)) - 2],
                         ids=["utf-8 bytes", "json escaped"])
def test_a_room_too_small_for_the_note_saying_it_was_cut_gets_the_note_cut_as_the_service_counts(length):
    """Before: the note was cut counting code points, so its ellipsis (three bytes, six characters escaped) took
    it past the room."""
    from services.notifier.channels.chat_length import cut_to
    for room in range(1, 30):
        cut = cut_to("Pledge " * 20, room, whole_at=None, length=length)
        assert length(cut) <= room and cut == "\u2026 cut short: too long for this service"[:len(cut)]
