"""While Redis is down or does not answer, an email's unsubscribe link answers a page for the recipient, not the
API's JSON. An unsubscribe (the page's button, a mail client's one-click POST, RFC 8058, which is never retried) is
kept in the data folder and recorded once Redis answers: the link answers that it is done. Only when that cannot
be written either does it answer 503 with Retry-After, saying the unsubscribe could not be done now (or may have
been done), and that opening the link again later is all it takes. Through the notifier's real HTTP server on
127.0.0.1, on a Redis of the test's own."""

import asyncio
import html
import logging
import re
import uuid
from contextlib import asynccontextmanager

import aiohttp
import pytest
import redis.asyncio as aioredis

from lock_waits import PROC_LOCKS, held_while
from notifier_harness import fast_config
from services.common.embedded_redis import free_port
from services.common.service import build_app
from services.notifier.service import NotifierService

pytestmark = pytest.mark.integration

BOUND = 0.3  # PLEDGEWATCH_HTTP_REDIS_SECONDS of these tests: far under the client's 5 s command timeout
OUTER = 20.0  # a request still unanswered after this would be hanging on Redis
DESK = "desk@example.org"
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
ONE_CLICK = {"List-Unsubscribe": "One-Click"}  # the body of a mail client's POST, and of the page's form
PAGE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


def _unwritable(folder):
    """Nothing can be written in ``folder``: a file stands where it would be."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("not a folder")


async def _notifier(settings, url: str, write_yaml, *, unwritable: bool = False, **update):
    """A notifier app (as ``pledgewatch run`` builds it) on Redis ``url``, its subscription "mail" emailing
    :data:`DESK`; the app and the link of that recipient on it. ``unwritable``: nothing can be written in its data
    folder. ``update``: other settings changed."""
    path = write_yaml(f"subscriptions: [{{id: mail, channels: [{{email: {{to: ['{DESK}']}}}}]}}]")
    if unwritable:
        _unwritable(settings.data_dir)
    changed = settings.model_copy(update={"redis_url": url, "http_redis_seconds": BOUND, "subscriptions": path,
                                          "consumer": f"n-{uuid.uuid4().hex[:6]}", **update})
    service = NotifierService(changed, config=fast_config(smtp_host="127.0.0.1", smtp_port=free_port()))
    app = build_app([service], changed, title="pledgewatch notifier")
    await app.start()
    base = f"http://127.0.0.1:{app.http.port}"
    return app, base + "/unsubscribe/" + service.unsubscribe_links.token("mail", DESK)


@asynccontextmanager
async def _running(settings, url, write_yaml, *, unwritable: bool = False, **update):
    app, link = await _notifier(settings, url, write_yaml, unwritable=unwritable, **update)
    try:
        yield link
    finally:
        await app.stop()


async def _ask(method: str, link: str, *, headers=None, data=None):
    """Status, content type, the page headers, Retry-After and the text of the page's <main> words."""
    async def ask():
        async with aiohttp.ClientSession() as client:  # no API token, no cookie: a recipient has neither
            async with client.request(method, link, headers=headers, data=data, allow_redirects=False) as answer:
                page = {name: answer.headers.get(name) for name in PAGE_HEADERS}
                return (answer.status, answer.content_type, page, answer.headers.get("Retry-After"),
                        _words(await answer.text()))
    return await asyncio.wait_for(ask(), OUTER)


def _words(page: str) -> str:
    body = re.search(r"<body[^>]*>(.*)</body>", page, re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", body.group(1) if body else page)).split())


async def _until_answered(link: str):
    """The confirmation page once Redis is asked again (after the cool-down of the bound)."""
    while (answer := await _ask("GET", link, headers=BROWSER))[0] == 503:
        await asyncio.sleep(0.2)
    return answer


def _outage(answer) -> str:
    status, kind, page, retry, words = answer
    assert (status, kind, page, retry) == (503, "text/html", PAGE_HEADERS, "5"), words
    assert "Redis" not in words and "errors" not in words, "words for a recipient, not the server's"
    return words


SHOWN_LATER = ("This page cannot be shown just now pledgewatch cannot read its records at the moment, so it cannot "
               f"show whether {DESK} gets the emails of the subscription mail. Nothing was changed. Nothing else is "
               "needed: open the link in the email again a little later.")
NOT_DONE = ("Not unsubscribed yet pledgewatch cannot record your unsubscribe at the moment: nothing was changed, "
            f"and {DESK} still gets the emails of the subscription mail. Nothing else is needed: open the link in "
            "the email again a little later, and unsubscribe there.")
MAYBE_DONE = ("Your unsubscribe may not have been recorded pledgewatch did not hear back in time while it recorded "
              f"that {DESK} wants no more emails of the subscription mail: it may have been done, or not. Nothing "
              "else is needed: open the link in the email again a little later. The page will say whether you are "
              "unsubscribed, and let you unsubscribe if you are not.")


async def test_while_redis_is_frozen_and_nothing_can_be_kept_the_link_answers_a_page_saying_to_open_it_again_later(
        settings, redis_server, frozen, write_yaml):
    """Before: the confirmation page, the page's button and the mail client's one-click POST were answered the
    API's JSON 503 (``{"errors": ["service unavailable: Redis is not answering …"]}``)."""
    server, url = redis_server
    async with _running(settings, url, write_yaml, unwritable=True) as link:
        assert (await _ask("GET", link, headers=BROWSER))[0] == 200
        with frozen(server):
            shown = await _ask("GET", link, headers=BROWSER)  # sent to Redis, unanswered: a read
            pressed = await _ask("POST", link, headers=BROWSER, data=ONE_CLICK)  # not sent: the bound's breaker
            one_click = await _ask("POST", link, data=ONE_CLICK)  # as a mailbox provider posts it
        later = await _until_answered(link)
    assert _outage(shown) == SHOWN_LATER
    assert _outage(pressed) == NOT_DONE
    assert _outage(one_click) == NOT_DONE  # not a 2xx: not done; not a 4xx: the link is good; Retry-After
    assert later[0] == 200 and later[4].startswith("Unsubscribe?")


async def test_while_redis_is_down_and_nothing_can_be_kept_the_link_answers_the_same_pages(
        settings, redis_server, write_yaml):
    server, url = redis_server
    async with _running(settings, url, write_yaml, unwritable=True) as link:
        await asyncio.to_thread(server.stop)
        shown = await _ask("GET", link, headers=BROWSER)
        one_click = await _ask("POST", link, data=ONE_CLICK)
        head = await _ask("HEAD", link)
    assert _outage(shown) == SHOWN_LATER
    assert _outage(one_click) == NOT_DONE
    assert head[:4] == (503, "text/html", PAGE_HEADERS, "5")


async def test_an_unsubscribe_sent_to_redis_and_not_answered_says_it_may_have_been_done(
        settings, redis_server, write_yaml):
    """Redis answers reads but holds writes (``CLIENT PAUSE … WRITE``): the subscription is read, the record of the
    unsubscribe is sent and not answered within the bound, and the data folder cannot keep it. Redis may carry it
    out later: the page cannot say it was not done."""
    server, url = redis_server
    admin = aioredis.Redis.from_url(url)
    try:
        async with _running(settings, url, write_yaml, unwritable=True) as link:
            await admin.execute_command("CLIENT", "PAUSE", int(OUTER * 1000), "WRITE")
            try:
                pressed = await _ask("POST", link, headers=BROWSER, data=ONE_CLICK)
            finally:
                await admin.execute_command("CLIENT", "UNPAUSE")
            later = await _until_answered(link)
    finally:
        await admin.aclose()
    assert _outage(pressed) == MAYBE_DONE
    assert later[0] == 200 and later[4].split(" ")[0] in ("Unsubscribe?", "Already")  # the page says which


async def test_the_lines_logged_for_a_link_while_redis_is_down_leave_its_token_out(settings, redis_server, write_yaml,
                                                                                   caplog):
    """A link's token is the recipient's credential: whoever reads the server's log could unsubscribe them.
    Before: "GET /unsubscribe/<the token>: Redis unavailable: …" at WARNING."""
    server, url = redis_server
    async with _running(settings, url, write_yaml) as link:
        await asyncio.to_thread(server.stop)
        with caplog.at_level(logging.DEBUG):
            await _ask("GET", link, headers=BROWSER)
            await _ask("POST", link, data=ONE_CLICK)
    token = link.rsplit("/", 1)[1]
    lines = [r.getMessage() for r in caplog.records]
    assert any("/unsubscribe/…: Redis unavailable" in line for line in lines), lines
    assert not [line for line in lines if token in line]


DONE = (f"You are unsubscribed {DESK} will get no more emails from the pledgewatch subscription mail. It is kept "
        "and takes effect as soon as pledgewatch can record it; nothing else is needed.")
ALREADY = f"Already unsubscribed {DESK} gets no emails from the pledgewatch subscription mail."


@pytest.mark.parametrize("how", ["frozen", "writes held"])
async def test_a_one_click_unsubscribe_while_redis_cannot_record_it_is_kept_and_recorded_once_it_can(
        settings, redis_server, frozen, write_yaml, api_headers, how):
    """Before: 503, and a mail client does not post a one-click unsubscribe again: the recipient kept getting the
    subscription's emails. Now it is kept in the data folder, answered as done, and recorded once Redis answers."""
    server, url = redis_server
    admin = aioredis.Redis.from_url(url)
    try:
        async with _running(settings, url, write_yaml) as link:
            if how == "frozen":
                with frozen(server):
                    one_click = await _ask("POST", link, data=ONE_CLICK)
                    shown = await _ask("GET", link, headers=BROWSER)
            else:
                await admin.execute_command("CLIENT", "PAUSE", int(OUTER * 1000), "WRITE")
                try:
                    one_click = await _ask("POST", link, data=ONE_CLICK)
                finally:
                    await admin.execute_command("CLIENT", "UNPAUSE")
                shown = None
            await _until_recorded(settings.data_dir / "unsubscribes-pending.jsonl")
            later = await _until_answered(link)
            listed = await _unsubscribed(link, api_headers)
    finally:
        await admin.aclose()
    assert one_click[:3] == (200, "text/html", PAGE_HEADERS) and one_click[4] == DONE
    if shown is not None:
        assert shown[0] == 200 and shown[4] == ALREADY  # kept: the page says so while Redis cannot
    assert listed == [DESK] and later[:3] == (200, "text/html", PAGE_HEADERS) and later[4] == ALREADY


async def test_an_unsubscribe_redis_cannot_take_is_kept_in_the_spool_folder_the_setting_names(
        settings, redis_server, frozen, write_yaml, api_headers, tmp_path):
    """The containers' data folder is read-only: PLEDGEWATCH_UNSUBSCRIBE_SPOOL_DIR names a folder (a volume the
    notifiers and the dashboard share) where the unsubscribe is kept instead, and recorded from once Redis answers.
    Before: the setting was not read, the data folder could not be written, and the link answered 503."""
    server, url = redis_server
    spool = tmp_path / "shared-spool" / "unsubscribes-pending.jsonl"
    _unwritable(settings.data_dir)
    async with _running(settings, url, write_yaml, unsubscribe_spool_dir=spool.parent) as link:
        with frozen(server):
            one_click = await _ask("POST", link, data=ONE_CLICK)
            kept = spool.read_text() if spool.exists() else ""
        await _until_recorded(spool)
        await _until_answered(link)
        listed = await _unsubscribed(link, api_headers)
    assert one_click[:3] == (200, "text/html", PAGE_HEADERS) and one_click[4] == DONE
    assert f'"address": "{DESK}"' in kept
    assert spool.parent.stat().st_mode & 0o777 == 0o700  # made owner-only
    assert listed == [DESK]


async def test_an_unwritable_spool_folder_answers_503_as_an_unwritable_data_folder_did(
        settings, redis_server, frozen, write_yaml, tmp_path):
    """The setting is the only place unsubscribes are kept: the data folder, writable here, is not tried instead,
    where the dashboard would never see them."""
    server, url = redis_server
    spool_folder = tmp_path / "shared-spool"
    _unwritable(spool_folder)
    async with _running(settings, url, write_yaml, unsubscribe_spool_dir=spool_folder) as link:
        with frozen(server):
            one_click = await _ask("POST", link, data=ONE_CLICK)
    assert _outage(one_click) == NOT_DONE
    assert not (settings.data_dir / "unsubscribes-pending.jsonl").exists()


async def _until_recorded(spool) -> None:
    """Until the notifier, on its own, has recorded in Redis what it kept in ``spool``, and dropped it."""
    for _ in range(int(OUTER / 0.2)):
        if not spool.exists():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"still kept, never recorded: {spool.read_text()}")


async def _unsubscribed(link: str, api_headers) -> list[str]:
    """Who the operator's API lists as unsubscribed from "mail": what Redis holds."""
    base = link.split("/unsubscribe/")[0]
    async with aiohttp.ClientSession() as client:
        async with client.get(f"{base}/subscriptions/mail/unsubscribed", headers=api_headers) as answer:
            assert answer.status == 200, await answer.text()
            return (await answer.json())["unsubscribed"]



@pytest.mark.skipif(not PROC_LOCKS.exists(), reason="Linux lists who waits for a lock in /proc/locks")
async def test_an_unsubscribe_kept_while_redis_is_down_is_written_off_the_event_loop(
        settings, redis_server, write_yaml):
    """Keeping one waits for the spool's lock and syncs two files: on the event loop, every request and delivery of
    the notifier stood still meanwhile. Here another process holds the lock until the loop is seen running while
    the unsubscribe waits for it. Before: the loop itself waited, and it was never seen running."""
    server, url = redis_server
    async with _running(settings, url, write_yaml) as link:
        await asyncio.to_thread(server.stop)
        loop_ran, one_click = await held_while(settings.data_dir / "unsubscribes-pending.lock",
                                               _ask("POST", link, data=ONE_CLICK))
    assert loop_ran, "the event loop stood still while the unsubscribe waited for the lock"
    assert one_click[:3] == (200, "text/html", PAGE_HEADERS) and one_click[4] == DONE
