"""A chat (Apprise) delivery that fails says what the receiver answered, not only that it refused."""

import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from schemas import TestNotification
from services.common.embedded_redis import free_port
from services.common.outbound import TargetPolicy
from services.notifier.channels.chat import AppriseSender


class _Unavailable(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the stdlib's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def unavailable():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Unavailable)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


async def test_a_refused_chat_notification_names_the_status(unavailable):
    sender = AppriseSender(f"json://127.0.0.1:{unavailable}/chat", timeout=5,
                           targets=TargetPolicy.parse(["127.0.0.1"]))
    result = await sender.send(TestNotification(notification_id="t-1", subscription_id="chat",
                                                created_at=datetime.now(timezone.utc)))
    assert not result.ok and result.retryable
    assert result.error.startswith(f"json://127.0.0.1:{unavailable}/*** did not take the notification: ")
    assert result.error.endswith("it answered HTTP 503 Service Unavailable")


async def test_a_chat_service_that_cannot_be_reached_says_so():

    port = free_port()
    sender = AppriseSender(f"json://127.0.0.1:{port}/chat", timeout=5, targets=TargetPolicy.parse(["127.0.0.1"]))
    result = await sender.send(TestNotification(notification_id="t-2", subscription_id="chat",
                                                created_at=datetime.now(timezone.utc)))
    assert result.error == f"json://127.0.0.1:{port}/*** did not take the notification: it could not be reached"


@pytest.fixture
def logging_at_error():
    import logging

    from services.common.logs import NOISY_LOGGERS, setup_logging
    root = logging.getLogger()
    saved = root.level, list(root.handlers), {name: logging.getLogger(name).level for name in NOISY_LOGGERS}
    levels = {handler: handler.level for handler in root.handlers}
    setup_logging("ERROR")
    yield
    root.setLevel(saved[0])
    for handler in list(root.handlers):
        if handler not in saved[1]:
            root.removeHandler(handler)
    for handler, level in levels.items():
        handler.setLevel(level)
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)


async def test_the_status_is_named_whatever_level_the_services_log_at(unavailable, logging_at_error):
    sender = AppriseSender(f"json://127.0.0.1:{unavailable}/chat", timeout=5,
                           targets=TargetPolicy.parse(["127.0.0.1"]))
    result = await sender.send(TestNotification(notification_id="t-3", subscription_id="chat",
                                                created_at=datetime.now(timezone.utc)))
    assert result.error.endswith("it answered HTTP 503 Service Unavailable")
