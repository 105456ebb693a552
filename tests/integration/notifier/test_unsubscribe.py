"""Automatic-mail headers and one-click unsubscribe (RFC 3834, RFC 8058), through a real SMTP server
(aiosmtpd) and the notifier's real HTTP API on 127.0.0.1."""

import asyncio
import re
from urllib.parse import urlsplit

import aiohttp
import pytest

from samples import BORDERS, TRAINING, release
from schemas import decode_event
from schemas.streams import DELIVERIES, EVENT_FIELD

from notifier_harness import api_call, fast_config, start_mailing, wait_for

pytestmark = pytest.mark.integration

PUBLIC = "https://alerts.example.org/pledgewatch"
ONE_CLICK = {"List-Unsubscribe": "One-Click"}


async def _mail_desk(notifier, smtp, write_yaml, *, to=("desk@example.org", "ops@example.org"), **config):
    controller, _ = smtp
    return await start_mailing(notifier, write_yaml, controller.port, list(to), http=True,
                               **{"public_url": PUBLIC, **config})


async def _deliver(n, inbox, publish_classified, commitment, release_id, count):
    await publish_classified(n.service, release(commitment, release_id=release_id))
    await wait_for(lambda: len(inbox.received) >= count, what=f"{count} emails")
    await n.service.worker.drain()


def _link(mail) -> str:
    (url,) = re.fullmatch(r"<([^>]+)>", mail["List-Unsubscribe"]).groups()
    return url


def _local(n, url: str) -> str:
    """The link as the notifier under test serves it (the public address stands for it)."""
    assert url.startswith(PUBLIC + "/unsubscribe/")
    return n.url + urlsplit(url).path.removeprefix(urlsplit(PUBLIC).path)


async def _request(method, url, **kw):
    async with aiohttp.ClientSession() as session:  # no API token: a recipient has none
        async with session.request(method, url, **kw) as resp:
            return resp.status, resp.content_type, await resp.text()


async def test_email_is_marked_automatic_and_carries_a_one_click_unsubscribe_link(notifier, smtp, write_yaml,
                                                                                   publish_classified):
    n = await _mail_desk(notifier, smtp, write_yaml)
    _, inbox = smtp
    await _deliver(n, inbox, publish_classified, BORDERS, "r1", 2)
    (_, desk), (_, ops) = inbox.messages
    raw = inbox.received[0][2]
    assert f"\r\nList-Unsubscribe: <{_link(desk)}>\r\n".encode() in raw, "the URL as it is, not encoded words"
    assert desk["Auto-Submitted"] == "auto-generated"
    assert desk["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert _link(desk).startswith(PUBLIC + "/unsubscribe/") and _link(desk) != _link(ops)
    assert _link(desk) in desk.get_body(("plain",)).get_content()
    assert f'<a href="{_link(desk)}"' in desk.get_body(("html",)).get_content()


async def test_one_click_post_unsubscribes_that_recipient_only(notifier, smtp, write_yaml, publish_classified):
    n = await _mail_desk(notifier, smtp, write_yaml)
    _, inbox = smtp
    await _deliver(n, inbox, publish_classified, BORDERS, "r1", 2)
    (_, desk), _ = inbox.messages
    status, kind, page = await _request("POST", _local(n, _link(desk)), data=ONE_CLICK)
    assert (status, kind) == (200, "text/html") and "desk@example.org" in page and "unsubscribed" in page
    inbox.received.clear()
    await _deliver(n, inbox, publish_classified, TRAINING, "r2", 1)
    assert [rcpts for rcpts, _ in inbox.messages] == [["ops@example.org"]]
    async with aiohttp.ClientSession(headers=n.api_headers) as session:
        async with session.get(n.url + "/subscriptions/mail/unsubscribed") as resp:
            assert await resp.json() == {"unsubscribed": ["desk@example.org"]}


async def test_get_shows_a_confirm_form_and_unsubscribes_nobody(notifier, smtp, write_yaml, publish_classified):
    n = await _mail_desk(notifier, smtp, write_yaml, to=("desk@example.org",))
    _, inbox = smtp
    await _deliver(n, inbox, publish_classified, BORDERS, "r1", 1)
    (_, desk), = inbox.messages
    status, kind, page = await _request("GET", _local(n, _link(desk)))  # what a mail scanner does
    assert (status, kind) == (200, "text/html")
    assert '<form method="post"' in page and "desk@example.org" in page
    inbox.received.clear()
    await _deliver(n, inbox, publish_classified, TRAINING, "r2", 1)
    assert [rcpts for rcpts, _ in inbox.messages] == [["desk@example.org"]]


async def test_a_link_opened_with_a_trailing_slash_is_the_unsubscribe_page_and_its_button_unsubscribes(
        notifier, smtp, write_yaml, publish_classified):
    """Before: a mail client or a person adding a slash to the link got the API's JSON 404 ("no route …: the
    route is …, without the trailing slash"), a page of code to the person wanting to unsubscribe."""
    n = await _mail_desk(notifier, smtp, write_yaml, to=("desk@example.org",))
    _, inbox = smtp
    await _deliver(n, inbox, publish_classified, BORDERS, "r1", 1)
    (_, desk), = inbox.messages
    slashed = _local(n, _link(desk)) + "/"
    async with aiohttp.ClientSession() as session:
        async with session.get(slashed, allow_redirects=False) as resp:
            page = await resp.text()
            assert (resp.status, resp.content_type, resp.headers.get("Location")) == (200, "text/html", None)
            assert '<form method="post"' in page and "desk@example.org" in page
            assert resp.headers["Cache-Control"] == "no-store" and "X-Robots-Tag" in resp.headers
    status, kind, page = await _request("POST", slashed, data=ONE_CLICK)  # the form posts to the address shown
    assert (status, kind) == (200, "text/html") and "unsubscribed" in page
    assert await api_call(n, "GET", "/subscriptions/mail/unsubscribed") == (200, {"unsubscribed": ["desk@example.org"]})
    status, kind, page = await _request("GET", _local(n, _link(desk))[:-3] + "xyz/")  # a link cut short
    assert (status, kind) == (404, "text/html") and "not valid" in page


@pytest.mark.parametrize("tamper", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
    lambda token: token.split(".")[0] + ".",
    lambda token: "bWFpbApvcHNAZXhhbXBsZS5vcmc." + token.split(".")[1],  # another address, the same MAC
    lambda token: "not-a-token",
], ids=["changed-mac", "no-mac", "other-address", "garbage"])
async def test_a_forged_or_tampered_link_unsubscribes_nobody(notifier, smtp, write_yaml, publish_classified,
                                                             tamper):
    n = await _mail_desk(notifier, smtp, write_yaml)
    _, inbox = smtp
    await _deliver(n, inbox, publish_classified, BORDERS, "r1", 2)
    (_, desk), _ = inbox.messages
    url = _local(n, _link(desk))
    base, _, token = url.rpartition("/")
    status, _, page = await _request("POST", f"{base}/{tamper(token)}", data=ONE_CLICK)
    assert status == 404 and "not valid" in page
    inbox.received.clear()
    await _deliver(n, inbox, publish_classified, TRAINING, "r2", 2)
    assert sorted(rcpts for rcpts, _ in inbox.messages) == [["desk@example.org"], ["ops@example.org"]]


async def test_the_operator_can_undo_an_unsubscribe_with_the_api_token(notifier, smtp, write_yaml,
                                                                       publish_classified):
    n = await _mail_desk(notifier, smtp, write_yaml, to=("desk@example.org",))
    _, inbox = smtp
    await _deliver(n, inbox, publish_classified, BORDERS, "r1", 1)
    (_, desk), = inbox.messages
    assert (await _request("POST", _local(n, _link(desk)), data=ONE_CLICK))[0] == 200
    undo = n.url + "/subscriptions/mail/unsubscribed/desk@example.org"
    assert (await _request("DELETE", undo))[0] == 401
    async with aiohttp.ClientSession(headers=n.api_headers) as session:
        async with session.delete(undo) as resp:
            assert resp.status == 204
    inbox.received.clear()
    await _deliver(n, inbox, publish_classified, TRAINING, "r2", 1)
    assert [rcpts for rcpts, _ in inbox.messages] == [["desk@example.org"]]


async def test_when_every_recipient_has_unsubscribed_nothing_is_sent_and_the_audit_says_why(
        notifier, smtp, write_yaml, publish_classified):
    n = await _mail_desk(notifier, smtp, write_yaml, to=("desk@example.org",))
    _, inbox = smtp
    await _deliver(n, inbox, publish_classified, BORDERS, "r1", 1)
    (_, desk), = inbox.messages
    assert (await _request("POST", _local(n, _link(desk)), data=ONE_CLICK))[0] == 200
    await publish_classified(n.service, release(TRAINING, release_id="r2"))
    streams = n.service.runtime.streams

    async def attempts():
        entries = await streams.client.xrange(streams.key(DELIVERIES))
        return [decode_event(fields[EVENT_FIELD.encode()]).data for _, fields in entries]

    await wait_for(lambda: _count(attempts(), 2), what="the second delivery attempt")
    latest = (await attempts())[-1]
    assert (latest.outcome, latest.final, latest.error) == ("delivered", True,
                                                            "not sent: every recipient has unsubscribed")
    assert len(inbox.received) == 1


async def _count(awaitable, n):
    return len(await awaitable) >= n


async def test_who_unsubscribed_from_an_unknown_subscription_is_a_404_as_on_every_subscription_route(notifier):
    """Before: GET /subscriptions/nope/unsubscribed answered 200 {"unsubscribed": []}."""
    n = await notifier(http=True)
    assert await api_call(n, "GET", "/subscriptions/nope/unsubscribed") == (
        404, {"errors": [{"field": "id", "message": "no subscription 'nope'"}]})
    assert await api_call(n, "DELETE", "/subscriptions/nope/unsubscribed/desk@example.org") == (
        404, {"errors": [{"field": "id", "message": "no subscription 'nope'"}]})
    assert await api_call(n, "GET", "/subscriptions/console/unsubscribed") == (200, {"unsubscribed": []})


async def test_a_deleted_subscriptions_link_unsubscribes_nobody_from_a_new_one_of_the_same_id(
        notifier, smtp, publish_classified):
    """Before: the old link still answered "You are unsubscribed" and recorded the address, and the
    subscription created later with the same id left that address out of every message."""
    controller, inbox = smtp
    n = await notifier(config=fast_config(smtp_host="127.0.0.1", smtp_port=controller.port,
                                          smtp_from="alerts@pledgewatch.test", public_url=PUBLIC), http=True)
    desk = {"id": "desk", "channels": [{"email": {"to": ["desk@example.org"]}}]}
    assert (await api_call(n, "POST", "/subscriptions", desk))[0] == 201
    await _deliver(n, inbox, publish_classified, BORDERS, "r1", 1)
    (_, first), = inbox.messages
    old_link = _local(n, _link(first))
    assert (await api_call(n, "DELETE", "/subscriptions/desk"))[0] == 204
    for method in ("GET", "POST"):
        status, _, page = await _request(method, old_link, data=ONE_CLICK)
        assert status == 404 and "no longer exists" in page, method
    assert (await api_call(n, "POST", "/subscriptions", desk))[0] == 201
    status, _, page = await _request("POST", old_link, data=ONE_CLICK)
    assert status == 404 and "no longer exists" in page, "a link of the deleted one, not of the new one"
    inbox.received.clear()
    await _deliver(n, inbox, publish_classified, TRAINING, "r2", 1)
    (rcpts, second), = inbox.messages
    assert rcpts == ["desk@example.org"] and _link(second) != _link(first)
    assert (await _request("POST", _local(n, _link(second)), data=ONE_CLICK))[0] == 200
    assert await api_call(n, "GET", "/subscriptions/desk/unsubscribed") == (200, {"unsubscribed": ["desk@example.org"]})


async def test_an_unsubscribe_kept_while_redis_could_not_take_it_holds_for_the_next_email(
        notifier, smtp, write_yaml, publish_classified, monkeypatch):
    """A one-click unsubscribe taken during an outage waits in the data folder (see test_unsubscribe_outage). The
    next email reads it, even before the notifier's own rounds of recording what was kept (held off here) do."""
    from services.notifier.service import NotifierService
    from services.notifier.unsubscribe import Recipient
    from services.notifier.unsubscribe_spool import UnsubscribeSpool

    async def never():
        await asyncio.Event().wait()
    monkeypatch.setattr(NotifierService, "_replay_unsubscribes", lambda self: never())
    n = await _mail_desk(notifier, smtp, write_yaml)
    _, inbox = smtp
    spool = UnsubscribeSpool(n.service.settings.data_dir)
    spool.append(Recipient("mail", "desk@example.org"))
    await _deliver(n, inbox, publish_classified, BORDERS, "r1", 1)
    assert [rcpts for rcpts, _ in inbox.messages] == [["ops@example.org"]]
    assert not spool.path.exists()
