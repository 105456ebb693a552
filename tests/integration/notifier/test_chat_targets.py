"""Every connection an Apprise send makes is held to the outbound policy, whatever the service: the address it
would connect to, after resolution, is judged before anything is sent (not the URL's host, which a service's
URL may write as a number, a short name, or a name that resolves elsewhere the next time)."""

import socket
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from schemas import TestNotification
from services.common.outbound import TargetPolicy
from services.notifier.channels.chat import AppriseSender

pytestmark = pytest.mark.integration

FROM, TO, TOKEN = "+12025550101", "+12025550102", "abcdefabcdef0123456789"
REFUSED = "refused: 127.0.0.1 is a loopback address; outbound requests go only to public addresses"


class _Answering(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the stdlib's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST

    def log_message(self, *args):
        pass


class _Counting(ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 answering 200 ``{}``; it counts the connections made to it, a request or not."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Answering)
        self.hits: list[str] = []
        self.connections = 0

    def get_request(self):
        accepted = super().get_request()
        self.connections += 1
        return accepted


@pytest.fixture
def service():
    server = _Counting()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def syslog():
    """A UDP socket on 127.0.0.1, as an rsyslog server: its port, and what it has received so far."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.setblocking(False)

    def received() -> list[bytes]:
        datagrams = []
        while True:
            try:
                datagrams.append(sock.recv(65536))
            except BlockingIOError:
                return datagrams

    yield sock.getsockname()[1], received
    sock.close()


async def _send(url: str, targets: TargetPolicy | None = None):
    sender = AppriseSender(url, timeout=5, targets=targets)
    return await sender.send(TestNotification(notification_id="t-1", subscription_id="chat",
                                              created_at=datetime.now(timezone.utc)))


def _refused_for_good(result) -> None:
    assert not result.ok
    assert not result.retryable
    assert result.error.startswith(REFUSED)
    assert FROM not in result.error and TOKEN not in result.error and "secretpw" not in result.error


@pytest.mark.parametrize("url", [
    pytest.param("signal://2130706433:{port}/{from_}/{to}", id="signal-decimal-host"),
    pytest.param("signals://2130706433:{port}/{from_}/{to}", id="signal-over-tls"),
    pytest.param("hassio://0x7f000001:{port}/{token}", id="hassio-hex-host"),
    pytest.param("hassio://localhost:{port}/{token}", id="hassio-single-label-name"),
    pytest.param("kodi://017700000001:{port}", id="kodi-octal-host"),
    pytest.param("emby://2130706433:{port}/?user=u", id="emby-decimal-host"),
    pytest.param("json://127.0.0.1:{port}/x", id="json-ip-literal"),
    pytest.param("irc://2130706433:{port}/#desk", id="irc-own-socket"),
])
async def test_a_chat_service_on_loopback_gets_no_connection_at_all(service, url):
    """Before: signal://2130706433:PORT/… and hassio://0x7f000001:PORT/… (and a single-label name) were never
    checked, as their scheme was not among the self-hosted ones and their host had no dot: the loopback server
    got POST /v2/send and POST /api/services/persistent_notification/create."""
    result = await _send(url.format(port=service.server_address[1], from_=FROM, to=TO, token=TOKEN))
    _refused_for_good(result)
    assert service.hits == []
    assert service.connections == 0


async def test_an_email_through_apprise_to_a_loopback_smtp_server_is_refused(smtp):
    controller, inbox = smtp
    result = await _send(f"mailto://user:secretpw@2130706433:{controller.port}"
                         "?from=alerts@pledgewatch.test&to=desk@example.org&mode=insecure")
    _refused_for_good(result)
    assert inbox.received == []


async def test_a_syslog_datagram_to_loopback_is_refused(syslog):
    port, received = syslog
    result = await _send(f"rsyslog://2130706433:{port}")
    _refused_for_good(result)
    assert received() == []


async def test_the_allow_list_lets_a_loopback_chat_service_through(service):
    result = await _send(f"signal://2130706433:{service.server_address[1]}/{FROM}/{TO}",
                         TargetPolicy.parse(["127.0.0.0/8"]))
    assert result.ok, result.error
    assert service.hits == ["/v2/send"]


async def test_a_host_name_on_the_allow_list_is_let_through_at_the_address_it_resolves_to(service):
    result = await _send(f"hassio://localhost:{service.server_address[1]}/{TOKEN}", TargetPolicy.parse(["localhost"]))
    assert result.ok, result.error
    assert service.hits == ["/api/services/persistent_notification/create"]


@pytest.mark.parametrize(("host", "allowed"), [
    pytest.param("127.0.0.1", "127.0.0.0/8", id="cidr"),
    pytest.param("localhost", "localhost", id="host-name-at-an-address-it-resolves-to"),
])
async def test_the_allow_list_lets_an_email_through_apprise_reach_a_loopback_smtp_server(smtp, host, allowed):
    controller, inbox = smtp
    result = await _send(f"mailto://{host}:{controller.port}?smtp=127.0.0.1"
                         "&from=alerts@pledgewatch.test&to=desk@example.org&mode=insecure",
                         TargetPolicy.parse([allowed]))
    assert result.ok, result.error
    [(recipients, _)] = inbox.messages
    assert recipients == ["desk@example.org"]


async def test_an_allowed_host_name_does_not_let_its_send_connect_elsewhere(smtp):
    """Before: with mail.corp.example allowed, a mailto:// URL naming it, and smtp=127.0.0.1, connected to
    127.0.0.1: the allowed name passed every connection of the send, wherever it went."""
    controller, inbox = smtp
    result = await _send(f"mailto://user:secretpw@mail.corp.example:{controller.port}?smtp=127.0.0.1"
                         "&from=alerts@pledgewatch.test&to=desk@example.org&mode=insecure",
                         TargetPolicy.parse(["mail.corp.example"]))
    _refused_for_good(result)
    assert inbox.received == []


async def test_a_syslog_datagram_to_a_host_name_goes_to_the_address_judged(syslog):
    """The name is resolved once, judged, and the datagram sent to that address (not resolved again)."""
    port, received = syslog
    result = await _send(f"rsyslog://localhost:{port}", TargetPolicy.parse(["127.0.0.0/8"]))
    assert result.ok, result.error
    assert len(received()) == 1


class _ProxyStub(_Answering):
    """Answers as an HTTP proxy does for a plain-HTTP request (absolute URI): 200 ``{}``, recording the URI; a
    CONNECT (for HTTPS) is recorded and answered 502, as by a proxy that cannot reach the service."""

    def do_CONNECT(self):  # noqa: N802 - the stdlib's name
        self.server.hits.append(f"CONNECT {self.path}")
        self.send_response(502)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def proxy(monkeypatch):
    """An HTTP proxy stub on 127.0.0.1, set as HTTP_PROXY for requests."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ProxyStub)
    server.daemon_threads = True
    server.hits = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    for name in ("NO_PROXY", "no_proxy", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.server_address[1]}")
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "ALL_PROXY"])
async def test_a_send_through_a_proxy_on_loopback_reaches_a_public_service(proxy, monkeypatch, variable):
    """Before: the proxy's loopback address was judged as the target: every send behind a proxy was refused."""
    monkeypatch.delenv("HTTP_PROXY")
    monkeypatch.setenv(variable, f"http://127.0.0.1:{proxy.server_address[1]}")
    result = await _send("json://93.184.215.14/hook")
    assert result.ok, result.error
    assert proxy.hits == ["http://93.184.215.14/hook"]


async def test_an_https_send_through_a_proxy_asks_it_to_connect_to_the_service(proxy, monkeypatch):
    monkeypatch.delenv("HTTP_PROXY")
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.server_address[1]}")
    result = await _send("jsons://93.184.215.14/hook")
    assert proxy.hits == ["CONNECT 93.184.215.14:443"]
    assert not result.ok and result.retryable and not result.error.startswith("refused")


@pytest.mark.parametrize("url", [
    pytest.param("json://127.0.0.1:9/hook", id="ip-literal"),
    pytest.param("json://2130706433:9/hook", id="number"),
    pytest.param("json://localhost:9/hook", id="name"),
])
async def test_a_send_through_a_proxy_to_a_loopback_service_is_refused_before_the_proxy_hears_of_it(proxy, url):
    result = await _send(url)
    _refused_for_good(result)
    assert proxy.hits == []


async def test_a_proxy_permits_its_own_port_only(proxy, service):
    """The proxy's address is let through at its port; another service on the same address is not."""
    result = await _send(f"rsyslog://127.0.0.1:{service.server_address[1]}")
    _refused_for_good(result)
    assert service.connections == 0


async def test_a_send_refused_at_one_address_of_its_service_reaches_no_other(service, monkeypatch):
    """A service's name with a refused address and an allowed one: the send fails for good, as a webhook's does, and
    nothing is sent. Before: the refusal failed the first connection only, the plugin went on to the next
    address and delivered, and the delivery was recorded as failed for good (dead-lettered: a replay sent it
    twice)."""
    port = service.server_address[1]
    resolve = socket.getaddrinfo

    def two_addresses(host, *args, **kwargs):  # a name answering a loopback address first, then an allowed one
        if host != "chat.example.org":
            return resolve(host, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.2", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", two_addresses)
    result = await _send(f"json://chat.example.org:{port}/x", TargetPolicy.parse(["127.0.0.1/32"]))
    assert not result.ok and not result.retryable
    assert result.error.startswith("refused: 127.0.0.2 is a loopback address")
    assert service.hits == [] and service.connections == 0
