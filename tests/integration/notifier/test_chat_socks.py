"""An Apprise send through a SOCKS proxy (``ALL_PROXY=socks5://…`` or ``socks5h://…``, which requests supports
with PySocks installed) is held to the outbound policy as one through an HTTP proxy is: the proxy is let
through at its port, and the service it is asked to connect to is judged before it is asked."""

import asyncio
import importlib.util
import socket
import struct
import threading
import time
from datetime import datetime, timezone
from socketserver import StreamRequestHandler, ThreadingTCPServer

import pytest

from schemas import TestNotification
from services.notifier.channels import socks_proxies
from services.notifier.channels.chat import AppriseSender

pytestmark = pytest.mark.integration

PUBLIC = "93.184.215.14"
REFUSED = "refused: 127.0.0.1 is a loopback address; outbound requests go only to public addresses"
has_pysocks = importlib.util.find_spec("socks") is not None
needs_pysocks = pytest.mark.skipif(not has_pysocks, reason="requests speaks SOCKS only with PySocks installed")


class _Socks5Relay(StreamRequestHandler):
    """A SOCKS5 server (no authentication, CONNECT only) that records where it is asked to connect and, whatever
    it was asked, connects to the HTTP receiver on loopback, as a proxy reaching the service would."""

    timeout = 5  # every read and write bounded: a test fails rather than hangs

    def handle(self):
        self.server.connections += 1
        _, methods = self.rfile.read(2)
        self.rfile.read(methods)
        self.wfile.write(b"\x05\x00")
        _, command, _, kind = self.rfile.read(4)
        if kind == 1:
            host = socket.inet_ntop(socket.AF_INET, self.rfile.read(4))
        elif kind == 4:
            host = socket.inet_ntop(socket.AF_INET6, self.rfile.read(16))
        else:
            host = self.rfile.read(self.rfile.read(1)[0]).decode()
        self.server.asked.append((host, struct.unpack(">H", self.rfile.read(2))[0]))
        self.wfile.write(b"\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00")
        with socket.create_connection(self.server.service, timeout=5) as service:
            _relay(self.connection, service)


def _relay(client: socket.socket, service: socket.socket) -> None:
    """Bytes both ways, until the service has answered and closed."""
    threading.Thread(target=_copy, args=(client, service), daemon=True).start()
    _copy(service, client)


def _copy(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:  # the other side closed, or the bound ran out
        pass


class _AnswerOnce(StreamRequestHandler):
    """An HTTP receiver: reads one request, records its request line, answers 200 ``{}`` and closes."""

    timeout = 5

    def handle(self):
        line = self.rfile.readline().decode().strip()
        length = 0
        while (header := self.rfile.readline()) not in (b"\r\n", b""):
            name, _, value = header.decode().partition(":")
            length = int(value) if name.lower() == "content-length" else length
        self.rfile.read(length)
        self.server.hits.append(line)
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                         b"Connection: close\r\n\r\n{}")


def _serving(handler) -> ThreadingTCPServer:
    server = ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.hits, server.asked, server.connections = [], [], 0
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


@pytest.fixture
def receiver():
    server = _serving(_AnswerOnce)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def socks(monkeypatch, receiver):
    """A SOCKS5 server on 127.0.0.1 relaying to ``receiver``; set it as ALL_PROXY with ``socks.use(scheme)``."""
    server = _serving(_Socks5Relay)
    server.service = receiver.server_address
    for name in ("NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    server.use = lambda scheme: monkeypatch.setenv("ALL_PROXY", f"{scheme}://127.0.0.1:{server.server_address[1]}")
    yield server
    server.shutdown()
    server.server_close()


async def _send(url: str):
    sender = AppriseSender(url, timeout=5)  # no allow-list: the proxy on loopback is let through as a proxy
    return await sender.send(TestNotification(notification_id="t-1", subscription_id="chat",
                                              created_at=datetime.now(timezone.utc)))


def _resolving(monkeypatch, name: str, *answers: str) -> None:
    """``name`` resolves to each of ``answers`` in turn, then to the last one; other names as they do."""
    resolve, left = socket.getaddrinfo, list(answers)

    def answer(host, port, *args, **kwargs):
        if host != name:
            return resolve(host, port, *args, **kwargs)
        address = left.pop(0) if len(left) > 1 else left[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port or 0))]

    monkeypatch.setattr(socket, "getaddrinfo", answer)


@pytest.mark.parametrize("scheme", ["socks5", "socks5h"])
async def test_a_socks_proxy_without_pysocks_fails_saying_what_is_missing(socks, scheme, monkeypatch):
    """Before: requests' "Missing dependencies for SOCKS support" was logged by Apprise as a connection error,
    and the delivery failed, retried, as "it could not be reached"."""
    monkeypatch.setattr(socks_proxies, "socks", None)  # as where PySocks is not installed
    socks.use(scheme)
    result = await _send(f"json://{PUBLIC}/hook")
    assert not result.ok and result.retryable
    assert "SOCKS proxy" in result.error and "PySocks" in result.error
    assert f"{scheme}://127.0.0.1:{socks.server_address[1]}" in result.error
    assert socks.connections == 0


async def test_a_socks_proxy_password_is_not_repeated_in_the_reason(socks, monkeypatch):
    monkeypatch.setenv("ALL_PROXY", f"socks5://user:secretpw@127.0.0.1:{socks.server_address[1]}")
    result = await _send(f"json://{PUBLIC}/hook")
    assert "secretpw" not in (result.error or "")


@needs_pysocks
@pytest.mark.parametrize(("scheme", "url", "asked"), [
    pytest.param("socks5", f"json://{PUBLIC}/hook", (PUBLIC, 80), id="socks5-ip-literal"),
    pytest.param("socks5h", f"json://{PUBLIC}/hook", (PUBLIC, 80), id="socks5h-ip-literal"),
    pytest.param("socks5", "json://chat.example.org/hook", (PUBLIC, 80), id="socks5-public-name"),
    pytest.param("socks5h", "json://chat.example.org/hook", ("chat.example.org", 80), id="socks5h-public-name"),
])
async def test_a_send_through_a_socks_proxy_on_loopback_reaches_a_public_service(
        socks, receiver, monkeypatch, scheme, url, asked):
    """The proxy on loopback is let through at its port with no allow-list; socks5 asks it for the address
    resolved here, socks5h for the name, which the proxy resolves."""
    _resolving(monkeypatch, "chat.example.org", PUBLIC)
    socks.use(scheme)
    result = await _send(url)
    assert result.ok, result.error
    assert socks.asked == [asked]
    assert receiver.hits == ["POST /hook HTTP/1.1"]


@needs_pysocks
@pytest.mark.parametrize("scheme", ["socks5", "socks5h"])
@pytest.mark.parametrize("url", [
    pytest.param("json://127.0.0.1:9/hook", id="ip-literal"),
    pytest.param("json://2130706433:9/hook", id="number"),
    pytest.param("json://localhost:9/hook", id="name"),
    pytest.param("json://chat.example.org:9/hook", id="name-resolving-to-loopback"),
])
async def test_a_send_through_a_socks_proxy_to_a_loopback_service_is_refused_before_the_proxy_hears_of_it(
        socks, receiver, monkeypatch, scheme, url):
    _resolving(monkeypatch, "chat.example.org", "127.0.0.1")
    socks.use(scheme)
    result = await _send(url)
    assert not result.ok and not result.retryable
    assert result.error.startswith(REFUSED)
    assert socks.connections == 0 and receiver.hits == []


@needs_pysocks
async def test_a_socks5_proxy_is_never_asked_for_an_address_the_name_was_not_judged_at(socks, receiver, monkeypatch):
    """socks5 resolves the service's name here, not in the proxy: a name answering a public address when judged
    and a loopback one next (DNS rebinding) must not have the proxy asked for loopback. Before: PySocks resolved
    the name again after the judgement and asked the proxy to connect to 127.0.0.1."""
    _resolving(monkeypatch, "chat.example.org", PUBLIC, "127.0.0.1")
    socks.use("socks5")
    result = await _send("json://chat.example.org/hook")
    assert ("127.0.0.1", 80) not in socks.asked
    assert receiver.hits == []
    assert not result.ok and not result.retryable and result.error.startswith(REFUSED)


class _Dripping(_AnswerOnce):
    """Reads one request, then answers its head and a body a byte a second, noting in ``ended`` whether the
    client hung up first or the whole answer went."""

    def handle(self):
        self.rfile.readline()
        while self.rfile.readline() not in (b"\r\n", b""):
            pass
        try:
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % DRIP_SECONDS)
            for _ in range(DRIP_SECONDS):
                self.wfile.write(b" ")
                time.sleep(1)
        except OSError:
            self.server.ended.append("hung up")
            return
        self.server.ended.append("answered")


DRIP_SECONDS = 30


@needs_pysocks
async def test_a_send_through_a_socks_proxy_that_timed_out_hangs_up(socks, monkeypatch):
    """At the send's timeout its connections are shut down, through a SOCKS proxy as directly. Before: the
    connection urllib3's SOCKS support opened was not among the send's, and the thread read the dripped answer
    to its end."""
    slow = _serving(_Dripping)
    slow.ended = []
    socks.service = slow.server_address
    socks.use("socks5")
    result = await AppriseSender(f"json://{PUBLIC}/hook", timeout=1).send(
        TestNotification(notification_id="t-1", subscription_id="chat", created_at=datetime.now(timezone.utc)))
    assert (result.ok, result.error) == (False, "timed out after 1s")
    for _ in range(DRIP_SECONDS + 10):
        if slow.ended:
            break
        await asyncio.sleep(1)
    slow.shutdown()
    slow.server_close()
    assert slow.ended == ["hung up"]
