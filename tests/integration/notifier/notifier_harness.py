"""Helpers for the notifier's integration tests: fast settings, waiting, a running service, an HTTP receiver."""

from __future__ import annotations

import asyncio
import email
import threading
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from email import policy
from typing import NamedTuple

import aiohttp
from aiohttp import web
from aiosmtpd.controller import Controller

from schemas import decode_event
from schemas.streams import CLASSIFIED, DEAD_LETTERS, DELIVERIES, EVENT_FIELD, REMINDERS
from services.common.streams import parse_stream_id

from services.common.auth import ApiAuth
from services.common.embedded_redis import free_port
from services.common.http import HttpServer
from services.common.service import make_broker
from services.notifier.config import NotifierConfig
from services.notifier.reminder_scripts import HELPERS
from services.notifier.reminder_store import FIRED_TTL_SECONDS, ReminderStore
from services.notifier.service import NotifierService


def subscriptions_cli(argv: list[str]) -> int:
    """``pledgewatch ARGV``, run in this process: its exit code, its failures one line on stderr."""
    from pledgewatch.cli import main

    return main(argv)


async def api_call(n, method: str, path: str, json=None) -> tuple[int, object]:
    """``method path`` on the API of ``n`` (a started notifier), with its API token: the status and the JSON
    body (None when it is not JSON)."""
    async with aiohttp.ClientSession(headers=n.api_headers) as session:
        async with session.request(method, n.url + path, json=json) as resp:
            return resp.status, (await resp.json() if resp.content_type == "application/json" else None)


def fast_config(**overrides) -> NotifierConfig:
    base = dict(delivery_attempts=3, retry_base_seconds=0.05, retry_max_seconds=0.2,
                destination_concurrency=2, delivery_poll_seconds=0.05, delivery_lease_seconds=5,
                smtp_timeout=2.0, apprise_timeout=2.0, leader_ttl_seconds=0.6)
    config = {**base, **overrides}
    if "delivery_lease_seconds" not in overrides:  # a slower poll: a lease of two polls, the least the settings take
        config["delivery_lease_seconds"] = max(5, 2 * config["delivery_poll_seconds"])
    return NotifierConfig(**config)


async def handled(service, entry_id) -> bool:
    """True once the notifier has read and acknowledged every classified entry up to ``entry_id``."""
    streams = service.runtime.streams
    (group,) = await streams.client.xinfo_groups(streams.key(CLASSIFIED))
    return parse_stream_id(group["last-delivered-id"]) >= parse_stream_id(entry_id) and group["pending"] == 0


def offset_firing_in(seconds: float, due: date) -> tuple[str, datetime]:
    """An ISO offset that makes the reminder for ``due`` (at 00:00 UTC) fire ``seconds`` from now."""
    on_day = datetime.combine(due, datetime.min.time(), tzinfo=timezone.utc)
    fire_at = datetime.now(timezone.utc) + timedelta(seconds=seconds)
    return f"PT{int((on_day - fire_at).total_seconds())}S", fire_at


class SoonReminder(NamedTuple):
    path: Path  # the subscriptions file
    due: date
    offset: str
    fire_at: datetime


def desk_reminded_soon(write_yaml, hook_url: str, seconds: float = 2.0) -> SoonReminder:
    """Subscription "desk", one webhook to ``hook_url`` and one reminder, which fires ``seconds`` from now
    for a commitment due in two days (with the reminder time at 00:00)."""
    due = datetime.now(timezone.utc).date() + timedelta(days=2)
    offset, fire_at = offset_firing_in(seconds, due)
    path = write_yaml(f"""
subscriptions:
  - id: desk
    reminders: [{offset}]
    channels: [{{webhook: {{url: "{hook_url}"}}}}]
""")
    return SoonReminder(path, due, offset, fire_at)


async def scheduled(service) -> dict[str, datetime]:
    """The reminders ``service`` has planned and not fired: id -> when each fires next (UTC)."""
    return dict(await service.reminders.scheduled())


async def fire_each_when_due(n, now) -> list[tuple[str, str, str]]:
    """Fire every planned reminder at its own time (the clock set to it): (commitment, due date, offset) of each
    ``reminder.due`` published, sorted."""
    store = n.service.reminders
    for at in sorted(set((await scheduled(n.service)).values())):
        now[0] = at
        claimed = await store.claim(until=at.timestamp(), lease_seconds=60, limit=250)
        await n.service.firing.fire(claimed)
    streams = n.service.runtime.streams
    events = [decode_event(f[EVENT_FIELD.encode()]).data for _, f in await streams.client.xrange(streams.key(REMINDERS))]
    return sorted((e.commitment.id, e.reminder.due.isoformat(), e.reminder.offset) for e in events)


async def delivery_attempts(service):
    """Every delivery attempt on the deliveries stream, oldest first."""
    streams = service.runtime.streams
    return [decode_event(f[EVENT_FIELD.encode()]).data for _, f in await streams.client.xrange(streams.key(DELIVERIES))]


async def final_attempts(service, sub_id: str):
    return [a for a in await delivery_attempts(service) if a.final and a.subscription_id == sub_id]


async def failed_attempts(service, sub_id: str):
    return [a for a in await delivery_attempts(service) if a.subscription_id == sub_id and a.outcome == "failed"]


async def dead_letter_count(service) -> int:
    streams = service.runtime.streams
    return await streams.client.xlen(streams.key(DEAD_LETTERS))



async def only_subscription(n, sub: dict) -> None:
    """``sub`` made through the API of ``n`` (a started notifier) its only subscription: the default console one
    deleted."""
    assert (await api_call(n, "DELETE", "/subscriptions/console"))[0] == 204
    assert (await api_call(n, "POST", "/subscriptions", sub))[0] == 201


async def dead_letter_of(notifier, publish_classified, sub: dict, released):
    """A notifier (``notifier`` fixture, one attempt a delivery, its API) whose only subscription ``sub`` was
    sent ``released`` (a classified release) and dead-lettered it: the one dead letter, its sends over."""
    n = await notifier(config=fast_config(delivery_attempts=1), http=True)
    await only_subscription(n, sub)
    await publish_classified(n.service, released)
    await wait_for(lambda: dead_letter_count(n.service), what="the dead letter")
    await n.service.worker.drain()
    return n


async def replay_the_letter(n):
    """``pledgewatch dlq replay`` of the one dead letter of ``n``: what it answered (``Replayed``)."""
    from pledgewatch.dead_letter_queue import DeadLetterQueue

    streams = n.service.runtime.streams
    [(letter_id, _)] = await streams.client.xrange(streams.key(DEAD_LETTERS))
    return await DeadLetterQueue(streams.client, streams.key(DEAD_LETTERS)).replay(letter_id.decode())


async def wait_for(predicate, timeout: float = 10.0, what: str = "condition"):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = predicate()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if loop.time() > deadline:
            raise AssertionError(f"{what} not met within {timeout}s")
        await asyncio.sleep(0.02)


class Running:
    """One NotifierService on its own broker (and optionally its HTTP API)."""

    def __init__(self, settings, config, clock=None, http=False, run_scheduler=True, replica=False):
        kwargs = {"config": config, "run_scheduler": run_scheduler, **({"replica": True} if replica else {})}
        if clock is not None:
            kwargs["clock"] = clock
        self.service = NotifierService(settings, **kwargs)
        self.broker = make_broker(settings)
        self.service.attach(self.broker)
        self.http = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings)) if http else None

    async def start(self):
        await self.service.start()
        await self.broker.start()
        if self.http:
            self.http.add_routes(self.service.routes())
            await self.http.start()
        await self.service.started()
        return self

    @property
    def url(self):
        return f"http://127.0.0.1:{self.http.port}"

    @property
    def api_headers(self) -> dict[str, str]:
        """What a client sends to write to this API: its token."""
        return {"Authorization": f"Bearer {self.service.settings.api_token_value}"}

    async def stop(self):
        if self.http:
            await self.http.stop()
        await self.broker.stop()
        await self.service.stop()


class Receiver:
    """A real HTTP server on 127.0.0.1: /hook answers 200, /hang (and /hang<anything>) never answers,
    /fail answers 500 and /busy 503 (200 once in ``fixed``), /gone answers 404, /cookie<anything> answers 200 setting a cookie,
    /later<seconds> 429 with ``Retry-After: <seconds>``."""

    def __init__(self):
        self.requests: list[tuple[str, dict[str, str], bytes, float]] = []
        self.app = web.Application()
        self.app.router.add_post("/{path}", self.handle)
        self.runner = web.AppRunner(self.app)
        self.port = 0
        self.release_hang = asyncio.Event()
        self.fixed: set[str] = set()  # paths that answer 200 from now on

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        path = request.match_info["path"]
        loop = asyncio.get_running_loop()
        if path.startswith("hang"):
            await self.release_hang.wait()
        self.requests.append((path, dict(request.headers), body, loop.time()))
        headers = {"Set-Cookie": f"session=secret-of-{path}"} if path.startswith("cookie") else None
        status = 200 if path in self.fixed else {"fail": 500, "busy": 503, "gone": 404}.get(path, 200)
        if path.startswith("later") and path not in self.fixed:
            status, headers = 429, {"Retry-After": path.removeprefix("later")}
        return web.Response(status=status, headers=headers)

    def hits(self, path: str) -> list:
        return [r for r in self.requests if r[0] == path]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    async def start(self):
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self):
        self.release_hang.set()
        await self.runner.cleanup()




class SmtpController(Controller):
    """aiosmtpd's controller, whose ``stop`` also closes the connections a client still holds open. aiosmtpd's own
    stops its loop with them open: their sockets were collected later, in whichever test was running then, which
    failed on the ``ResourceWarning`` (a slow relay's or a closed session's connection, seen in a full run)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions = []

    def factory(self):
        session = super().factory()
        self.sessions.append(session)
        return session

    def stop(self, no_assert: bool = False):
        if self.loop.is_running():
            closed = threading.Event()
            self.loop.call_soon_threadsafe(self._abort_open_connections, closed)
            closed.wait(5)
        super().stop(no_assert)

    def _abort_open_connections(self, closed: threading.Event) -> None:
        for session in self.sessions:
            for transport in (session.transport, getattr(session, "_original_transport", None)):
                if transport is not None and not transport.is_closing():
                    transport.abort()
        closed.set()


@contextmanager
def smtp_server(handler, **smtp):
    """A real SMTP server (aiosmtpd) on 127.0.0.1 answering with ``handler``, while in the block: its controller;
    ``smtp``: its settings (``tls_context``, ``authenticator``, …)."""
    controller = SmtpController(handler, hostname="127.0.0.1", port=free_port(), **smtp)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


class Inbox:
    """What a real SMTP server (aiosmtpd) on 127.0.0.1 received: (recipients, parsed message, raw bytes)."""

    def __init__(self):
        self.received: list[tuple[list[str], email.message.EmailMessage, bytes]] = []

    @property
    def messages(self) -> list[tuple[list[str], email.message.EmailMessage]]:
        return [(rcpts, mail) for rcpts, mail, _ in self.received]

    async def handle_DATA(self, server, session, envelope):
        mail = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((envelope.rcpt_tos, mail, envelope.content))
        return "250 OK"


async def start_mailing(notifier, write_yaml, smtp_port: int, to: list[str], *,
                        sender: str = "alerts@pledgewatch.test", **config):
    """A notifier (``notifier`` fixture) whose subscription "mail" emails ``to`` through the SMTP server
    on ``smtp_port``; ``config``: more NotifierConfig values, and ``http`` for its API."""
    http = config.pop("http", False)
    recipients = ", ".join(f"'{t}'" for t in to)
    path = write_yaml(f"subscriptions: [{{id: mail, channels: [{{email: {{to: [{recipients}]}}}}]}}]")
    return await notifier(config=fast_config(smtp_host="127.0.0.1", smtp_port=smtp_port, smtp_from=sender, **config),
                          subscriptions=path, http=http)


# The reminders of (id, release version dropping it) pairs dropped by the Lua ``cancel`` the agenda's settling
# script runs for the reminders a new version no longer plans, without the records that script compares first.
_CANCEL = HELPERS + """
for i = 3, #ARGV, 2 do cancel(ARGV[i], ARGV[i + 1], ARGV[1], ARGV[2]) end
"""


async def cancel_reminders(store: ReminderStore, dropped: list[tuple[str, int]]) -> None:
    """Drop the planned reminders ``dropped`` (reminder id, the release version dropping it) as a new version
    of their release does."""
    pairs = [x for reminder_id, version in dropped for x in (reminder_id, version)]
    await store.client.register_script(_CANCEL)(keys=store.planning_keys,
                                                args=[store.fired_by_prefix, FIRED_TTL_SECONDS, *pairs])
