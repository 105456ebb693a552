"""A chat service that answers slowly (a byte a second, never tripping requests' read timeout) holds an Apprise
thread only until the send times out, and never the threads other sends or the event loop need: a send to a
service that answers at once still gets through, and a send finding every thread taken fails at once, to be
retried, saying why, only once its own timeout has passed without a thread coming free."""

import asyncio
import ssl
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from schemas import TestNotification
from services.common.outbound import TargetPolicy
from services.notifier.channels import chat
from services.notifier.channels.chat import AppriseSender

from notifier_harness import wait_for

pytestmark = pytest.mark.integration

DRIP_SECONDS = 30  # how long the slow service would go on answering, a byte a second
SLOW_SECONDS = 5.0  # a slow send's timeout: it holds its thread until then
TLS = Path(__file__).parents[2] / "fixtures" / "tls"  # a self-signed pair for 127.0.0.1, for tests only


class _Service(BaseHTTPRequestHandler):
    """``/fast`` answers at once; ``/slow-body`` sends its head, then its body a byte a second;
    ``/slow-head`` its head a byte a second. Each request's path is noted in ``arrived`` as it comes; each slow
    answer's end (the client hung up, or all sent) in ``ended``, as seconds since the server started."""

    protocol_version = "HTTP/1.1"
    arrived: list
    ended: list
    started: float

    def do_POST(self):  # noqa: N802 - the stdlib's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.arrived.append(self.path)
        if self.path == "/fast":
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")
            return
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % DRIP_SECONDS
        try:
            if self.path == "/slow-head":
                for byte in head[:DRIP_SECONDS]:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(1)
            else:
                self.wfile.write(head)
                for _ in range(DRIP_SECONDS):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(1)
        except OSError:  # the notifier hung up
            pass
        self.ended.append(time.monotonic() - self.started)
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture(params=["http"])
def service(request):
    handler = type("Handler", (_Service,), {"arrived": [], "ended": [], "started": time.monotonic()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    if request.param == "https":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(TLS / "localhost.pem", TLS / "localhost.key")
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], handler
    server.shutdown()
    server.server_close()


def _sender(port: int, path: str, timeout: float, scheme: str = "json") -> AppriseSender:
    query = "?verify=no" if scheme == "jsons" else ""  # the test pair is self-signed
    return AppriseSender(f"{scheme}://127.0.0.1:{port}{path}{query}", timeout=timeout,
                         targets=TargetPolicy.parse(["127.0.0.1/32"]))


def _message() -> TestNotification:
    return TestNotification(notification_id="t-slow", subscription_id="chat", created_at=datetime.now(timezone.utc))


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")  # ?verify=no, said so
@pytest.mark.parametrize("service", ["http", "https"], indirect=True)
@pytest.mark.parametrize("path", ["/slow-body", "/slow-head"])
async def test_a_send_that_timed_out_stops_reading_the_slow_answer(service, path, request):
    """Before: the thread read the dripped answer to its end (30 s here; for ever from a service dripping for
    ever), long after the send had timed out; and over TLS (as nearly every chat service is) after the first
    fix, whose shutdown reached the plain socket TLS had taken over, not the connection."""
    port, handler = service
    scheme = "jsons" if request.node.callspec.params["service"] == "https" else "json"
    results = await asyncio.gather(*(_sender(port, path, 1.0, scheme).send(_message()) for _ in range(3)))
    assert [(r.ok, r.error, r.retryable) for r in results] == [(False, "timed out after 1s", True)] * 3
    await wait_for(lambda: len(handler.ended) == 3, timeout=DRIP_SECONDS / 2, what="every slow answer ended")
    assert max(handler.ended) < DRIP_SECONDS / 2, handler.ended  # the notifier hung up, long before the end


async def test_slow_services_hold_neither_other_sends_nor_the_default_executor(service):
    """Before: Apprise ran every plugin on its own process-wide pool (min(32, CPUs + 4) threads: 6 on 2 CPUs);
    sends to a slow service filled it, and a send to a service answering at once waited behind them until it
    timed out."""
    port, _ = service
    slow = [asyncio.ensure_future(_sender(port, "/slow-body", 3.0).send(_message())) for _ in range(12)]
    await asyncio.sleep(0.5)  # every slow send is waiting for its answer
    started = time.monotonic()
    await asyncio.to_thread(lambda: None)  # the loop's default executor (aiohttp's resolver uses it) is free
    assert time.monotonic() - started < 2.0  # a full pool would hold it until the slow sends end, 2.5 s on
    result = await _sender(port, "/fast", 2.0).send(_message())
    assert (result.ok, result.detail) == (True, f"accepted by json://127.0.0.1:{port}/***"), result
    assert all(r.error == "timed out after 3s" for r in await asyncio.gather(*slow))


async def test_a_send_finding_every_thread_taken_waits_for_one_within_its_timeout(service, monkeypatch):
    """Every thread held by a slow service: a send waits for one to come free, within its own timeout, and
    fails then, to be retried, saying why; a send whose timeout outlasts the slow ones' gets a thread."""
    port, handler = service
    monkeypatch.setattr(chat, "APPRISE_THREADS", 2)
    monkeypatch.setattr(chat, "_free_threads", threading.Semaphore(2))
    slow = [asyncio.ensure_future(_sender(port, "/slow-body", SLOW_SECONDS).send(_message())) for _ in range(2)]
    await wait_for(lambda: len(handler.arrived) == 2, what="both slow sends under way, each on a thread")
    started = time.monotonic()
    result = await _sender(port, "/fast", 0.5).send(_message())
    assert time.monotonic() - started > 0.45
    assert not any(s.done() for s in slow)  # it failed at its own timeout, every thread still taken
    assert (result.ok, result.retryable) == (False, True)
    assert result.error == ("timed out after 0.5s waiting for a thread: all 2 Apprise threads are sending to "
                            "services that have not answered yet")
    result = await _sender(port, "/fast", SLOW_SECONDS + 30).send(_message())  # waits for a slow send's thread
    assert result.ok, result
    assert any(s.done() for s in slow) and handler.arrived.count("/fast") == 1  # it got a slow send's thread
    await asyncio.gather(*slow)
