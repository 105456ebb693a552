"""What a release says reaches a chat service as text: it cannot add markup, links or mentions there; and a
chat service's answer cannot send pledgewatch on to an address the outbound policy refuses."""

import json
import re
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import pytest

from chat_answers import OkAnswer
from schemas import TestNotification
from services.common.outbound import TargetPolicy
from services.notifier.channels import chat
from services.notifier.channels.chat import AppriseSender

TITLE = "Port fund <b>now</b> <!channel> @here"
TEXT = ('<!channel> Pledge by UK: <a href="https://evil.example/verify">verify your account</a> & <https://evil.example|GOV.UK>'
        " @everyone <@123> **act now** [GOV.UK](https://evil.example/verify) (press@gov.uk)")


def _payloads(url: str, text: str = TEXT) -> list[dict]:
    """What Apprise posts to the service of ``url`` for a message of TITLE and ``text`` (nothing leaves the
    process: requests is stubbed)."""
    posted = []

    def post(target, *args, **kwargs):
        body = kwargs.get("data") or kwargs.get("json")
        posted.append(json.loads(body) if isinstance(body, (str, bytes)) else body)
        return OkAnswer()

    sender = AppriseSender(url, timeout=5)
    message = TestNotification(notification_id="t-1", subscription_id="chat", created_at=datetime.now(timezone.utc))
    with mock.patch.object(chat, "chat_text", return_value=(TITLE, text)), \
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


@pytest.mark.parametrize("url", ["discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js",
                                 "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js?format=markdown",
                                 "mmost://chat.example.org/abcdefghijklmnop"])
def test_a_release_adds_no_mention_link_or_markup_to_a_discord_or_mattermost_message(url):
    [payload] = _payloads(url)
    shown = payload.get("content", "") + payload.get("text", "") + json.dumps(payload.get("embeds", []), ensure_ascii=False)
    assert "allow_mentions" not in payload and "\U0001f449" not in json.dumps(payload)  # Apprise's ping line
    assert not re.search(r"(?<![\w.])@(everyone|here)\b", shown)
    assert "<@123>" not in shown
    assert "**act now**" not in shown and "[GOV.UK](https://evil.example/verify)" not in shown
    assert "press@\u200bgov" in shown.replace("\\", "")  # an address reads as it did


def test_a_web_address_in_a_discord_message_stays_a_link():
    [payload] = _payloads("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js")
    assert "https://evil.example/verify" in payload["content"]  # not escaped: Discord links it, as words
    assert "\\[GOV\\.UK\\]\\(https://evil.example/verify" in payload["content"]


@pytest.mark.parametrize("url", ["discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js",
                                 "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js?format=markdown",
                                 "mmost://chat.example.org/abcdefghijklmnop"])
def test_a_web_address_with_an_at_sign_stays_a_link_to_the_same_page_and_pings_nobody(url):
    """Before: a zero-width space followed its ``@`` too, and ``https://medium.com/@dept/x`` became a link to
    ``https://medium.com/@`` (Discord, Mattermost); an ``@`` in an address is written ``%40``, the same page."""
    text = ("Read https://medium.com/@dept/pledge, write to mailto:press@gov.uk, "
            "see https://evil.example/@everyone and ask @here")
    [payload] = _payloads(url, text)
    shown = (payload.get("content", "") + payload.get("text", "")
             + json.dumps(payload.get("embeds", []), ensure_ascii=False)).replace("\\", "")
    assert "https://medium.com/%40dept/pledge" in shown and "mailto:press%40gov.uk" in shown
    assert "allow_mentions" not in payload and "\U0001f449" not in json.dumps(payload)  # Apprise's ping line
    assert not re.search(r"(?<![\w.])@(everyone|here)\b", shown) and "/@everyone" not in shown
    assert "@\u200bhere" in shown


class _Recorder(BaseHTTPRequestHandler):
    hits: list

    def do_POST(self):  # noqa: N802 - the stdlib's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.hits.append(self.path)
        location = getattr(self.server, "location", None)
        self.send_response(307 if location else 200)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST

    def log_message(self, *args):
        pass


def _serve(host: str, location: str | None = None):
    handler = type("Handler", (_Recorder,), {"hits": []})
    server = ThreadingHTTPServer((host, 0), handler)
    server.location = location
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, handler.hits


async def _test_to(port: int):
    """A test notification through a json:// chat channel on 127.0.0.1:``port``, the one address allowed."""
    sender = AppriseSender(f"json://127.0.0.1:{port}/chat", timeout=10, targets=TargetPolicy.parse(["127.0.0.1/32"]))
    return await sender.send(TestNotification(notification_id="t-9", subscription_id="chat",
                                              created_at=datetime.now(timezone.utc)))


@pytest.fixture
def private_receiver():
    try:
        server, hits = _serve("127.0.0.2")  # loopback, and not among the addresses the tests allow
    except OSError:
        pytest.skip("127.0.0.2 cannot be bound here")
    yield server.server_address[1], hits
    server.shutdown()
    server.server_close()


async def test_a_chat_service_cannot_redirect_a_notification_to_an_address_the_policy_refuses(private_receiver):
    port, private_hits = private_receiver
    redirector, redirector_hits = _serve("127.0.0.1", location=f"http://127.0.0.2:{port}/metadata")
    try:
        result = await _test_to(redirector.server_address[1])
    finally:
        redirector.shutdown()
        redirector.server_close()
    assert redirector_hits == ["/chat"]
    assert private_hits == []
    assert not result.ok
    assert result.error.endswith("it answered HTTP 307 Temporary Redirect")


class _Huge(BaseHTTPRequestHandler):
    size = 4 * 1024 * 1024

    def do_POST(self):  # noqa: N802 - the stdlib's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(self.size))
        self.end_headers()
        try:
            for _ in range(self.size // 65536):
                self.wfile.write(b" " * 65536)
        except OSError:  # the notifier hung up, as it should
            pass

    def log_message(self, *args):
        pass


async def test_a_chat_service_answer_is_read_only_up_to_a_bound(monkeypatch):
    """Apprise reads a service's whole answer into memory, and goes on after the send has timed out: an endless
    answer would take the notifier's memory."""
    monkeypatch.setattr(chat, "MAX_ANSWER_BYTES", 256 * 1024)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Huge)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        result = await _test_to(port)
    finally:
        server.shutdown()
        server.server_close()
    assert not result.ok
    assert result.error == (f"json://127.0.0.1:{port}/*** did not take the notification: its answer was over "
                            "262144 bytes")


async def test_a_stored_url_naming_two_services_is_not_sent_past_the_notifiers_threads():
    """A subscription kept from before such URLs were refused: failed for good, never sent by Apprise's own
    shared threads (which the notifier's bounds and its check of one host do not reach)."""
    sender = AppriseSender("json://a.example/x,json://b.example/y", timeout=2.0)
    message = TestNotification(notification_id="t-two", subscription_id="chat", created_at=datetime.now(timezone.utc))
    with mock.patch("requests.post") as post:
        result = await sender.send(message)
    assert (result.ok, result.retryable) == (False, False)
    assert result.error == "this Apprise URL names 2 services; give each its own channel"
    post.assert_not_called()


@pytest.mark.parametrize("url", ["discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js",
                                 "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js?format=markdown",
                                 "mmost://chat.example.org/abcdefghijklmnop"])
def test_an_at_sign_before_a_web_address_host_keeps_the_host_and_pings_nobody(url):
    """Before: every ``@`` of a web address was written ``%40``, and in ``https://gov.uk@evil.example/x`` (the ``@``
    ends the user part) that made ``gov.uk%40evil.example`` the host. Only the path, query and fragment take
    ``%40``; an address with a user part is linked without it (see the next test)."""
    text = "Read https://gov.uk@evil.example/@everyone?by=@press#@top and https://example.org/@dept?by=@press#@top"
    [payload] = _payloads(url, text)
    shown = (payload.get("content", "") + payload.get("text", "")
             + json.dumps(payload.get("embeds", []), ensure_ascii=False)).replace("\\", "")
    assert "https://example.org/%40dept?by=%40press#%40top" in shown
    assert "gov.uk%40evil" not in shown and "https://evil.example/%40everyone?by=%40press#%40top" in shown
    assert "allow_mentions" not in payload and "\U0001f449" not in json.dumps(payload)  # Apprise's ping line
    assert not re.search(r"(?<![\w.])@(everyone|here)\b", shown) and "/@everyone" not in shown


@pytest.mark.parametrize("url", ["discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js",
                                 "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js?format=markdown",
                                 "mmost://chat.example.org/abcdefghijklmnop"])
@pytest.mark.parametrize(("address", "link"), [
    ("https://press@www.gov.uk/government/news", "https://www.gov.uk/government/news"),
    ("https://gov.uk@evil.example/verify", "https://evil.example/verify"),
    ("http://reader:s3cret@data.example.org:8443/pledges.csv", "http://data.example.org:8443/pledges.csv"),
    ("https://@everyone@[2001:db8::1]/x", "https://[2001:db8::1]/x"),
], ids=["user", "a host hidden behind another", "user and password, port", "a mention as the user, IPv6 host"])
def test_a_web_address_with_a_user_part_is_a_link_to_the_host_it_goes_to(url, address, link):
    """Before: shown as words, no link. Neither Discord nor Mattermost takes an ``@``
    before the host safely (a raw one can ping, ``%40`` there changes the host), so the link is the address without
    its user part: where a browser goes, shown as it is, and no password passed on to a chat."""
    [payload] = _payloads(url, f"Read {address} today")
    shown = (payload.get("content", "") + payload.get("text", "")
             + json.dumps(payload.get("embeds", []), ensure_ascii=False)).replace("\\", "")
    assert f"Read {link} today" in shown
    assert "s3cret" not in shown and "gov.uk" not in shown.replace("www.gov.uk", "")
    assert not re.search(r"(?<![\w.])@(everyone|here)\b", shown) and "\U0001f449" not in json.dumps(payload)


@pytest.mark.parametrize("url", ["discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js",
                                 "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js?format=markdown",
                                 "mmost://chat.example.org/abcdefghijklmnop"])
def test_the_link_of_a_message_cut_short_pings_nobody(url):
    """Before: the line saying a message was cut named the release's own address as it was, unescaped, and a
    release at ``https://evil.example/@everyone`` pinged the whole server (Apprise's Markdown mode for Discord
    even added a line allowing ``@everyone``)."""
    import asyncio
    from samples import BORDERS, release
    from services.notifier.planning import plan_alerts
    from services.notifier.subscriptions import Subscription
    hostile = release(BORDERS).model_copy(update={"url": "https://evil.example/@everyone_**now**"})
    alert = plan_alerts(Subscription(id="desk", channels=[{"email": "desk@example.org"}]), hostile, sent={},
                        elapsed_sent=set(), now=datetime(2026, 12, 6, 8, 0, tzinfo=timezone.utc)).alerts[0]
    posted = []

    def post(target, *args, **kwargs):
        posted.append(json.loads(kwargs.get("data") or kwargs.get("json")))
        return OkAnswer()

    long_text = "\n".join(f"- Pledge {n} by UK: the UK will fund the border programme." for n in range(400))
    with mock.patch.object(chat, "chat_text", return_value=("New commitments: Port fund", long_text)), \
            mock.patch("requests.post", post):
        assert asyncio.run(AppriseSender(url, timeout=5).send(alert)).ok
    [payload] = posted
    shown = (payload.get("content", "") + payload.get("text", "")
             + json.dumps(payload.get("embeds", []), ensure_ascii=False)).replace("\\", "")
    assert "cut short" in shown
    assert "allow_mentions" not in payload and "\U0001f449" not in json.dumps(payload)  # Apprise's ping line
    assert "/@everyone" not in shown and "https://evil.example/%40everyone_" in shown


@pytest.mark.parametrize("url", ["zulip://bot-name@example.zulipchat.com/abcdefghijklmnopqrstuvwxyzABCDEF/desk",
                                 "rocket://abcdefghijklmnop/qrstuvwxyz@chat.example.org/#desk?mode=webhook"],
                         ids=["zulip", "rocket.chat"])
def test_a_release_pings_nobody_on_zulip_or_rocket_chat(url):
    """Before: Zulip was sent the text as it was, and read ``@**all**`` as a mention of everyone in the stream and
    ``[GOV.UK](https://evil.example/verify)`` as a link; Rocket.Chat (whose markup Apprise escapes) pinged the room
    for ``@all`` and ``@here``."""
    [payload] = _payloads(url, TEXT + " @all @**all** @**everyone** @_**stream**")
    shown = json.dumps(payload, ensure_ascii=False).replace("\\\\", "\\")
    assert not re.search(r"(?<![\w.])@(everyone|here|all|channel)\b", shown)
    assert "@**" not in shown and "@_**" not in shown
    assert "[GOV.UK](https://evil.example/verify)" not in shown
    assert "@\u200ball" in shown and "press@\u200bgov" in shown  # as words


def test_a_matrix_message_notifies_nobody_for_at_room_and_shows_its_words_unescaped():
    """Before: ``@room`` in a release reached Matrix as it is, notifying the room when the sender may."""
    from apprise import Apprise
    from services.notifier.channels.chat_markup import kept_as_words
    matrix = Apprise.instantiate("matrix://user:pass@matrix.example.org/#desk")
    assert kept_as_words(matrix, "Tell @room: *now*, https://x.example/@room") == \
        "Tell @\u200broom: *now*, https://x.example/%40room"
