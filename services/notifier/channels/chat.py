"""Chat and other services through Apprise URLs (Slack, Teams, Discord, Telegram, ntfy, …).

Apprise's plugins post with requests, blocking a thread each. A send runs on a pool of this module's own,
:data:`APPRISE_THREADS` threads, never on Apprise's process-wide pool or the event loop's default executor
(which aiohttp's resolver and ``asyncio.to_thread`` use): a service answering slowly occupies only these. A
thread cannot be stopped, so once a send has timed out the connections it opened are shut down, and an answer
still coming is no longer read: the thread ends soon after. A send finding every thread taken waits for one
within its own timeout, and then fails, retryably, saying so.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import socket
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import ContextVar, copy_context
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from urllib.parse import urlsplit

import requests
import requests.adapters
import urllib3.connection
from apprise.plugins.ntfy import NotifyNtfy
from apprise.plugins.slack import NotifySlack

from services.common.outbound import TargetPolicy, TargetRefused, socket_host, socket_literal

from schemas.alerts import Alert

from ..messages import Message, chat_text
from ..redaction import redact_url
from ..release_pages import ReleasePage
from .apprise_hosts import apprise
from .base import DeliveryResult
from .chat_length import body_room, cut_line, cut_to, title_room, utf16_length
from .chat_lines import lines_kept
from .chat_markup import kept_as_words, sent_as, title_in_text, title_kept
from .chat_structure import shown_text, telegram_html
from .socks_proxies import SOCKSConnection, missing_pysocks, resolved_here, socks


# Schemes of services Apprise reached once and no longer does, with where they are reached now
_RETIRED_SCHEMES = {
    "msteams": "Microsoft retired the Office 365 connectors msteams:// posted to: reach Teams through a Power "
               "Automate workflow, workflows://<host>/<workflow>/<signature> (Apprise's wiki: Workflows)",
}


def apprise_url_problem(url: str) -> str | None:
    """None when Apprise understands ``url`` as one service, else why not. Several URLs in one (``a://…,b://…``)
    are refused: Apprise would send to them on its own shared threads, not on :data:`_THREADS`."""
    if apprise.Apprise.instantiate(url, suppress_exceptions=True) is None:
        scheme = url.split("://", 1)[0]
        retired = _RETIRED_SCHEMES.get(scheme.lower())
        return (f"Apprise does not understand this URL (scheme {scheme!r}); "
                + (retired or "see the Apprise wiki for services"))
    notifier = apprise.Apprise()
    notifier.add(url)
    return _several_services(notifier)


def _several_services(notifier: "apprise.Apprise") -> str | None:
    """Why ``notifier``, made from one URL, is not one service; None when it is."""
    return None if len(notifier) == 1 else f"this Apprise URL names {len(notifier)} services; give each its own channel"


# Apprise's plugins post through requests (and a few through smtplib or sockets of their own), and that needs
# bounds, set while an Apprise send runs (its thread runs in a copy of the sender's context, which holds the
# send's :class:`_Sending`):
# - the outbound policy holds for every connection the send makes, whatever the service: a URL's host may be
#   a number (2130706433), a single-label name (redis) or a name resolving elsewhere the next time, and
#   Apprise resolves it itself, so the address each socket is about to connect or send to is judged, before
#   a byte goes (TLS and SMTP included): a refused one fails the send for good, saying why. A name given to a
#   socket is resolved first and the socket given the address judged (it would resolve the name again,
#   unseen); an allowed host name permits the addresses it resolves to as the send begins; through a proxy,
#   the proxy is permitted at its port and the service judged by resolving its name before the request;
# - requests follows redirects, so a service answering 307 would send the notification on to wherever it
#   chose: no redirect is followed, the 3xx is the answer, as it is for a webhook;
# - a plugin reads the service's whole answer into memory: it is read up to MAX_ANSWER_BYTES (decompressed),
#   then the connection is dropped;
# - a plugin goes on after the send has timed out (a thread cannot be stopped), and requests' read timeout is
#   per read, so a service dripping a byte a second would hold the thread for as long as it drips: at the
#   send's timeout every connection the send opened is shut down, and no more of an answer is read after it.
MAX_ANSWER_BYTES = 1024 * 1024
# Threads for Apprise sends, at most (each blocks on one service's answer, so this bounds the sends in flight).
APPRISE_THREADS = 32


@dataclass
class _Sending:
    """One Apprise send: its deadline (``time.monotonic()``), the outbound policy its connections are held to,
    what the bounds stopped (told from its thread), and the connections it opened, shut down if it times out.

    Each connection is held by a duplicate of its socket's descriptor: over TLS the socket the connection was
    opened with gives its descriptor up to the TLS socket wrapping it (``detach``), so shutting that socket down
    would reach nothing, while a shutdown through the duplicate ends the connection whoever holds it."""

    deadline: float
    targets: TargetPolicy = field(default_factory=TargetPolicy)
    host: str = ""  # the service's host as its URL names it: a name the policy may allow
    # what its connections may reach whatever the policy says: an allowed host name and the addresses it
    # resolved to when the send began, and the (address, port) of a proxy requests goes through
    permitted: set[object] = field(default_factory=set)
    refused: str | None = None  # why a connection was refused, the first one
    unsent: str | None = None  # why nothing was sent, though nothing was refused (a SOCKS proxy with no PySocks)
    notes: list[str] = field(default_factory=list)
    sockets: list[socket.socket] = field(default_factory=list)
    over: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def opened(self, sock: socket.socket) -> None:
        with self.lock:
            if not self.over:
                try:
                    self.sockets.append(sock.dup())
                except OSError:  # no descriptor to spare: this one, which serves while no TLS wraps it
                    self.sockets.append(sock)
                return
        _shut(sock)  # opened after the send ended: not used

    def end(self) -> None:
        """The send timed out: its connections are shut down, which ends a read blocked on one."""
        for sock in self._taken():
            _shut(sock)
            sock.close()

    def done(self) -> None:
        """The send's thread has finished: the duplicates are closed (its connections closed themselves)."""
        for sock in self._taken():
            sock.close()

    def _taken(self) -> list[socket.socket]:
        with self.lock:
            self.over, sockets, self.sockets = True, self.sockets, []
        return sockets


_CONNECTING = frozenset({"socket.connect", "socket.sendto", "socket.sendmsg"})  # the audit events naming a peer


def _judged_while_sending(event: str, args: tuple[Any, ...]) -> None:
    """An audit hook: a socket's connect or send to an address the policy refuses, while an Apprise send runs
    in this context, closes the socket and raises :class:`TargetRefused` (an ``OSError``: the plugin fails as
    it would unreached)."""
    if event not in _CONNECTING:
        return
    sending = _APPRISE_SENDING.get()
    if sending is None:
        return
    # Once one is refused, so is every later one: a plugin going on to the next address of a name (or to
    # another server) would deliver what the send is then recorded as failing for good, as a webhook's is.
    reason = sending.refused or sending.targets.socket_refusal(args[1], sending.permitted)
    if reason is not None:
        sending.refused = reason
        args[0].close()  # not every plugin closes a socket whose send failed
        raise TargetRefused(reason)


def _notify_judged(sending: _Sending, notifier: "apprise.Apprise", **message: Any) -> Any:
    """Apprise's send, on its thread: an allowed host name in the URL permits only the addresses it resolves to
    now (resolved here, within the send's time: at its timeout the send fails whether this has ended or not)."""
    sending.permitted.update(sending.targets.name_permits(sending.host))
    return notifier.notify(**message)


def _resolved_once(sock: socket.socket, address: Any) -> Any:
    """``address`` with a host name in it resolved, here, to the address the socket then uses: the audit hook
    judges that address, which the socket does not resolve again (a name it would, unseen, after the check)."""
    if _APPRISE_SENDING.get() is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return address
    host = socket_host(address[0]) if isinstance(address, tuple) and len(address) >= 2 else None
    if host is None or socket_literal(host) is not None:
        return address
    infos = socket.getaddrinfo(host, address[1], sock.family, sock.type)
    return (infos[0][4][0], *address[1:])


def _connect_resolved_once(sock: socket.socket, address: Any) -> None:
    _connect(sock, _resolved_once(sock, address))


def _connect_ex_resolved_once(sock: socket.socket, address: Any) -> int:
    return _connect_ex(sock, _resolved_once(sock, address))


def _sendto_resolved_once(sock: socket.socket, data: Any, *flags_and_address: Any) -> int:
    if not flags_and_address:
        return _sendto(sock, data)  # type: ignore[call-arg]
    *flags, address = flags_and_address
    return _sendto(sock, data, *flags, _resolved_once(sock, address))


def _proxy_judged_while_sending(adapter: requests.adapters.HTTPAdapter, request: requests.PreparedRequest,
                                stream: bool = False, timeout: Any = None, verify: Any = True, cert: Any = None,
                                proxies: Any = None) -> requests.Response:
    sending = _APPRISE_SENDING.get()
    proxy = requests.utils.select_proxy(request.url or "", proxies) if sending is not None else None
    if sending is not None and proxy:
        _judge_behind_proxy(sending, request.url or "", proxy)
        if unusable := missing_pysocks(proxy):  # requests' own error would be logged as the service unreached
            sending.unsent = unusable
            raise requests.ConnectionError(unusable)
    return _adapter_send(adapter, request, stream=stream, timeout=timeout, verify=verify, cert=cert,
                         proxies=proxies)


# the port a proxy URL without one is reached at, by its scheme (urllib3's and PySocks' defaults)
_PROXY_PORTS = {"http": 80, "https": 443, "socks4": 1080, "socks4a": 1080, "socks5": 1080, "socks5h": 1080}


def _judge_behind_proxy(sending: _Sending, url: str, proxy: str) -> None:
    """Through a proxy the socket reaches the proxy, not the service: the service's host is judged here, by
    what it resolves to before the request (what the proxy then connects to is the proxy's to keep to), and
    the proxy's own address is permitted, at its port only."""
    try:
        reason = sending.targets.resolution_refusal(urlsplit(url).hostname or "", sending.permitted)
    except (socket.gaierror, UnicodeError):
        raise requests.ConnectionError("the service's host does not resolve: it cannot be judged") from None
    if reason is not None:
        sending.refused = sending.refused or reason
        raise requests.ConnectionError(reason)
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    port = parts.port or _PROXY_PORTS.get(parts.scheme.lower(), 80)
    try:
        infos = socket.getaddrinfo(parts.hostname or "", port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return  # nor will requests reach it
    sending.permitted.update((socket_literal(str(info[4][0])), port) for info in infos)


def _socks_connect_judged(sock: Any, destination: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
    """PySocks' connect, while an Apprise send runs: the service's address, or a name it would resolve here
    (socks5, socks4) resolved now, is judged before the proxy is asked for it (DNS rebinding after the
    judgement before the request would otherwise have the proxy asked for a refused address); a name the proxy
    resolves (socks5h) was judged by resolution before the request."""
    sending = _APPRISE_SENDING.get()
    if sending is not None:
        destination = resolved_here(sock.proxy, destination, lambda address: _address_refusal(sending, address))
    return _socks_connect(sock, destination, *args, **kwargs)


def _address_refusal(sending: _Sending, address: str) -> str | None:
    """Why ``sending`` may not have a proxy connect to ``address`` (as the name's addresses are judged before a
    request through a proxy); the first such reason stays the send's."""
    sending.refused = sending.refused or sending.targets.socket_refusal((address, None), sending.permitted)
    return sending.refused


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # closed already
        pass


_APPRISE_SENDING: ContextVar[_Sending | None] = ContextVar("apprise_sending", default=None)
_redirect_target = requests.Session.get_redirect_target
_iter_content = requests.Response.iter_content
_new_conn = urllib3.connection.HTTPConnection._new_conn
_adapter_send = requests.adapters.HTTPAdapter.send
_connect, _connect_ex, _sendto = socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto
_socks_connect = socks.socksocket.connect if socks is not None else None


class AnswerTooLarge(requests.RequestException):
    """A chat service's answer past :data:`MAX_ANSWER_BYTES`."""


class AnswerTooLate(requests.RequestException):
    """A chat service's answer still coming when the send timed out."""


def _no_redirect_while_sending(session: requests.Session, response: requests.Response) -> str | None:
    return None if _APPRISE_SENDING.get() is not None else _redirect_target(session, response)


def _bounded_while_sending(response: requests.Response, chunk_size: int | None = 1,
                           decode_unicode: bool = False) -> Iterator[Any]:
    chunks = _iter_content(response, chunk_size, decode_unicode)
    sending = _APPRISE_SENDING.get()
    return chunks if sending is None else _bounded(response, chunks, sending)


def _bounded(response: requests.Response, chunks: Iterator[Any], sending: _Sending) -> Iterator[Any]:
    read, limit = 0, MAX_ANSWER_BYTES
    for chunk in chunks:
        read += len(chunk)
        if read > limit:
            response.close()
            sending.notes.append(f"its answer was over {limit} bytes")
            raise AnswerTooLarge(f"answer over {limit} bytes")
        if time.monotonic() > sending.deadline:
            response.close()
            raise AnswerTooLate("answer still coming when the send timed out")
        yield chunk


def _noted_while_sending(new_conn: Any) -> Any:
    """urllib3's ``new_conn`` (a connection class's ``_new_conn``), noting the socket it opens in the send's."""
    def noted(connection: urllib3.connection.HTTPConnection) -> socket.socket:
        sock = new_conn(connection)
        sending = _APPRISE_SENDING.get()
        if sending is not None:
            sending.opened(sock)
        return sock
    return noted


requests.Session.get_redirect_target = _no_redirect_while_sending  # type: ignore[method-assign]
requests.Response.iter_content = _bounded_while_sending  # type: ignore[method-assign,assignment]
urllib3.connection.HTTPConnection._new_conn = _noted_while_sending(_new_conn)  # type: ignore[method-assign]
requests.adapters.HTTPAdapter.send = _proxy_judged_while_sending  # type: ignore[method-assign,assignment]
socket.socket.connect = _connect_resolved_once  # type: ignore[method-assign]
socket.socket.connect_ex = _connect_ex_resolved_once  # type: ignore[method-assign]
socket.socket.sendto = _sendto_resolved_once  # type: ignore[method-assign,assignment]
if socks is not None:
    socks.socksocket.connect = _socks_connect_judged
    SOCKSConnection._new_conn = _noted_while_sending(SOCKSConnection._new_conn)  # it opens its own socket
sys.addaudithook(_judged_while_sending)

_THREADS = ThreadPoolExecutor(APPRISE_THREADS, thread_name_prefix="apprise")
_free_threads = threading.Semaphore(APPRISE_THREADS)  # taken before a send is submitted: none ever queues
_THREAD_POLL_SECONDS = 0.02  # how often a send waiting for a thread looks again (threads free from other loops)


async def _take_thread(deadline: float) -> bool:
    """Takes one of the threads' places by ``deadline`` (``time.monotonic()``), or says it could not."""
    while not _free_threads.acquire(blocking=False):
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(_THREAD_POLL_SECONDS)
    return True


# Apprise's plugins log a refusal as "Failed to send ... notification: <phrase>, error=<status>."
_STATUS = re.compile(r"\berror=(\d{3})\b")


def failure_reason(result: object) -> str:
    """Why Apprise's ``result`` failed, from its captured log lines: the HTTP status the service answered,
    or that it could not be reached. Only these are repeated: a plugin's own words may hold a token."""
    lines = [entry.message for service in getattr(result, "results", ()) for entry in service.logs()]
    for line in reversed(lines):
        found = _STATUS.search(line)
        if found:
            return f"it answered HTTP {_with_phrase(int(found.group(1)))}"
    if any("connection error" in line.lower() for line in lines):
        return "it could not be reached"
    return "Apprise gave no reason"


def _with_phrase(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


class AppriseSender:
    name = "apprise"

    def __init__(self, url: str, *, timeout: float, targets: TargetPolicy | None = None,
                 release_page: ReleasePage | None = None) -> None:
        """``release_page``: release id -> its page on the dashboard, linked in the text; None: no link."""
        self.url, self.timeout, self.release_page = url, timeout, release_page
        self.targets = targets or TargetPolicy()
        self.destination = redact_url("apprise", url)  # tokens can sit anywhere in the URL

    async def send(self, message: Message) -> DeliveryResult:
        # No timeout of Apprise's own: with one, it would run the plugin on its process-wide pool and wait there.
        notifier = apprise.Apprise(asset=apprise.AppriseAsset(service_timeout=0))
        if not notifier.add(self.url):
            return DeliveryResult.failed("Apprise does not understand the URL", retryable=False)
        if several := _several_services(notifier):  # a subscription stored before such URLs were refused
            return DeliveryResult.failed(several, retryable=False)
        service = next(iter(notifier))
        # a text to be written as HTML keeps its headings' underlines, which mark them (chat_structure)
        title, body = chat_text(message, release_page=self.release_page,
                                underline=sent_as(service) is apprise.NotifyFormat.HTML)
        title, body = _fitted(service, title, body, whole_at=self._whole_at(message))
        if title_in_text(service):  # its room was counted in the text's: the service has no title of its own
            title, body = "", f"{title}\n{body}" if title else body
        deadline = time.monotonic() + self.timeout
        if not await _take_thread(deadline):
            return DeliveryResult.failed(f"timed out after {self.timeout:g}s waiting for a thread: all "
                                         f"{APPRISE_THREADS} Apprise threads are sending to services that have "
                                         "not answered yet")
        host = getattr(next(iter(notifier)), "host", None) or ""
        sending = _Sending(deadline=deadline, targets=self.targets, host=host)
        token = _APPRISE_SENDING.set(sending)
        try:
            context = copy_context()
        finally:
            _APPRISE_SENDING.reset(token)
        # The text is plain text (a release's own words among it): said so, Apprise escapes it for a service
        # that reads HTML or Markdown, so a title cannot add a link, a mention (Slack's <!channel>) or markup;
        # for Teams and Telegram it was escaped here (sent_as).
        future: Future[Any] = _THREADS.submit(context.run, _notify_judged, sending, notifier, body=body,
                                              title=title, body_format=sent_as(service))
        future.add_done_callback(lambda _: (sending.done(), _free_threads.release()))
        try:
            result = await asyncio.wait_for(asyncio.wrap_future(future),
                                            timeout=max(0.0, deadline - time.monotonic()))
        except asyncio.TimeoutError:
            sending.end()
            return DeliveryResult.failed(f"timed out after {self.timeout:g}s")
        except asyncio.CancelledError:
            sending.end()
            raise
        if sending.refused:
            return DeliveryResult.failed(sending.refused, retryable=False)
        if sending.unsent:
            return DeliveryResult.failed(f"{self.destination}: {sending.unsent}")
        if not result:
            reason = sending.notes[0] if sending.notes else failure_reason(result)
            return DeliveryResult.failed(f"{self.destination} did not take the notification: {reason}")
        return DeliveryResult.delivered(f"accepted by {self.destination}")

    def _whole_at(self, message: Message) -> str | None:
        """Where a message cut short can be read whole: an alert's release page, else the release itself."""
        if not isinstance(message, Alert):
            return None
        return self.release_page(message.release.release_id) if self.release_page else message.release.url


# ntfy shows a message of up to 4096 bytes as text (past that, as a file, or not at all where attachments are
# off), and Apprise sends its JSON as a file past 8000 characters, counting ``\uXXXX`` escapes: a message is
# counted as that JSON escapes it, which is never fewer than its UTF-8 bytes.
NTFY_MESSAGE_BYTES = 4096


# Slack's blocks (``?blocks=yes``) take less than its message: a header of 150 characters and a section of 3000,
# counted as sent, "<" as "&lt;"
SLACK_BLOCK_LIMITS = (150, 3000)


def _limits(service: Any) -> tuple[int, int]:
    """(most of the title, most of the body) that ``service`` (an Apprise plugin) takes: Apprise's, but a Slack
    message in blocks'."""
    if isinstance(service, NotifySlack) and service.use_blocks:
        return SLACK_BLOCK_LIMITS
    return service.title_maxlen, service.body_maxlen


def _fitted(service: Any, title: str, body: str, *, whole_at: str | None) -> tuple[str, str]:
    """``title`` and ``body`` cut to the lengths ``service`` (an Apprise plugin) takes, and kept as words there
    (:func:`kept_as_words`, :func:`title_kept`; Telegram's text written as HTML, :mod:`.chat_structure`). Each is cut before it is escaped, so never inside an escape, and counted as Apprise
    sends it: line breaks as CRLF (each line a paragraph where one break is none, :func:`lines_kept`), escaped for
    a Markdown service, in UTF-16 units (as JavaScript counts; a service counting characters gets a few fewer when
    there are emoji). The line saying where the whole of it is, a release's own address when no dashboard is set,
    is escaped with the rest."""
    markdown = (sent_as(service) is apprise.NotifyFormat.TEXT  # else escaped here
                and service.resolve_format(apprise.NotifyFormat.TEXT) == apprise.NotifyFormat.MARKDOWN)
    as_html = sent_as(service) is apprise.NotifyFormat.HTML  # its length counted as shown, after the markup
    title_max, body_max = _limits(service)

    def shown(text: str) -> str:
        return lines_kept(service, kept_as_words(service, text), sent_as=sent_as(service))

    def shown_title(text: str) -> str:
        return title_kept(service, text) if service.title_maxlen > 0 else shown(text)

    def shown_body(text: str) -> str:
        return telegram_html(text) if as_html else shown(text)

    def counted(sent: str) -> int:
        """``sent`` (as handed to Apprise; for HTML, as a reader sees it) counted as the service counts it."""
        if markdown:
            sent = apprise.conversion.convert_between(apprise.NotifyFormat.TEXT, apprise.NotifyFormat.MARKDOWN, sent)
        elif isinstance(service, NotifySlack):  # as Apprise escapes plain text for it
            sent = html.escape(sent, quote=False)
        return utf16_length(sent) + sent.count("\n")

    def title_length(text: str) -> int:
        return counted(text if as_html else shown_title(text))

    def body_length(text: str) -> int:
        return counted(shown_text(text) if as_html else shown(text))

    title = cut_line(title, title_room(title_max=title_max, body_max=body_max), length=title_length)
    if isinstance(service, NotifyNtfy):
        return shown_title(title), shown(cut_to(body, NTFY_MESSAGE_BYTES, whole_at=whole_at,
                                          length=lambda text: len(json.dumps(shown(text))) - 2))
    room = body_room(body_max=body_max, title_length=title_length(title), title_max=title_max,
                     title_in_body=service.overflow_amalgamate_title)
    return shown_title(title), shown_body(cut_to(body, room, whole_at=whole_at, length=body_length))
