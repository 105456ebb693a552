"""A REDIS_URL naming the port of a server that is not Redis (NATS, MySQL, an HTTP server: a port mistyped, or
pledgewatch's own HTTP port) is told as such, in one line naming the command, the URL and what to do; exit 1.

Before: `error: unexpected InvalidResponse: Protocol error, got "I" as reply type byte (run again as `pledgewatch
--debug ...` for the traceback, and report it)` from `run`, `ingest`, `dlq` and `ledger`, and `status` said the
server "did not answer", when it had answered, in another protocol."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.cli.test_redis_not_answering import BIN, COMMAND_NAMES, COMMANDS, _one_error_line, _pledgewatch

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]

GREETING = b'INFO {"server_id":"NATS","version":"2.10.0"}\r\n'  # what a NATS server says to every connection


@pytest.fixture
def not_redis() -> Iterator[int]:
    """The port of a loopback server that greets every connection as a NATS server does and then reads on."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve(connection: socket.socket) -> None:
        with connection:
            connection.sendall(GREETING)
            connection.settimeout(0.2)
            while not stop.is_set():
                try:
                    if not connection.recv(4096):
                        return
                except TimeoutError:
                    continue
                except OSError:
                    return

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=serve, args=(connection,), daemon=True).start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        acceptor.join()
        listener.close()


ADVICE = ("another program listens there, not Redis: set REDIS_URL to a Redis server's address, or unset it "
          "(`pledgewatch run` then starts a Redis of its own, which the other commands find)")


def _told(line: str, command: str, url: str) -> None:
    assert line.startswith(f"error: {command}: Redis at {url} (REDIS_URL) answered as no Redis server does "
                           '(Protocol error, got "I" as reply type byte)'), line
    assert line.endswith(ADVICE), line


@pytest.mark.parametrize("command", COMMANDS, ids=COMMANDS.keys())
def test_a_command_on_a_redis_url_of_another_server_says_it_is_not_redis(command: str, not_redis: int,
                                                                        tmp_path: Path):
    url = f"redis://127.0.0.1:{not_redis}/0"
    line = _one_error_line(_pledgewatch(COMMANDS[command], {"REDIS_URL": url, "PLEDGEWATCH_HOME": str(tmp_path)},
                                        tmp_path))
    _told(line, COMMAND_NAMES[command], url)


def test_a_run_on_a_redis_url_of_another_server_says_it_is_not_redis_at_once(not_redis: int, tmp_path: Path):
    url = f"redis://127.0.0.1:{not_redis}/0"
    result = _pledgewatch(["run", "--watch", str(tmp_path)],
                          {"REDIS_URL": url, "PLEDGEWATCH_HOME": str(tmp_path / "home"), "PLEDGEWATCH_HTTP_PORT": "0",
                           "PLEDGEWATCH_REDIS_WAIT_SECONDS": "60"}, tmp_path)
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in result.stderr, result.stderr
    _told(errors[0], "pledgewatch run", url)


def test_a_service_started_alone_on_a_redis_url_of_another_server_says_it_is_not_redis(not_redis: int,
                                                                                       tmp_path: Path):
    url = f"redis://127.0.0.1:{not_redis}/0"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    result = subprocess.run([str(BIN / "faststream"), "run", "services.classifier.app:app"], capture_output=True,
                            text=True, cwd=ROOT, timeout=60,
                            env={**clean, "REDIS_URL": url, "PLEDGEWATCH_HOME": str(tmp_path),
                                 "PLEDGEWATCH_HTTP_PORT": "0", "PLEDGEWATCH_REDIS_WAIT_SECONDS": "60"})
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert f'Redis at 127.0.0.1:{not_redis} answered as no Redis server does (Protocol error, got "I"' in result.stderr

