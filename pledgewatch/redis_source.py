"""Which Redis a command works on, where it came from, and how a command tells that it was not reached.

A command reaches either the Redis of the ``pledgewatch run`` holding the data folder (found through its
``run.json``: the run's embedded Redis, or the one its REDIS_URL named) or, with no run there, the Redis of
REDIS_URL. What to do about one that does not answer differs: REDIS_URL is the user's to fix; the run's Redis
is the run's, and a REDIS_URL naming another Redis is refused while the run goes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from services.common.embedded_redis import PID_FILE
from services.common.runtime import NOT_REDIS, NOT_REDIS_ADVICE, NotRedis, RedisRefusedCredentials, RedisUnavailable

from .errors import OUT_OF_MEMORY_ADVICE, CommandError
from services.common.redis_url_shown import redacted

REDIS_URL_ADVICE = ("start that Redis, or set REDIS_URL to one that runs, or unset it (`pledgewatch run` then starts "
                    "a Redis of its own, which the other commands find)")
CREDENTIALS_ADVICE = "put its user and password in REDIS_URL (redis://USER:PASSWORD@HOST:PORT/DB)"


def silent(reason: str) -> bool:
    """Whether ``reason`` (redis-py's, or a wait's ``TimeoutError``) tells of a Redis that took the connection and
    answered nothing within the wait (stopped by SIGSTOP, or hung), not of one refusing or not taking connections."""
    return reason == "TimeoutError" or reason.startswith("Timeout reading")


class RedisNotReached(CommandError):
    """A command's Redis did not answer or refused its credentials: the line goes after the command's name."""

    names_the_command = True


@dataclass(frozen=True)
class RedisSource:
    """``url``, and the run it belongs to: ``run_pid`` None for REDIS_URL's; ``embedded`` None when the run's
    ``run.json`` does not say (written by an older version)."""

    url: str
    data_dir: Path
    run_pid: int | None = None
    embedded: bool | None = None

    def described(self) -> str:
        """``Redis at redis://…/0 (REDIS_URL)``, or ``the embedded Redis at … of the pledgewatch running in …``."""
        if self.run_pid is None:
            return f"Redis at {redacted(self.url)} (REDIS_URL)"
        kind = "embedded Redis" if self.embedded else "Redis"
        return f"the {kind} at {redacted(self.url)} of the pledgewatch running in {self.data_dir} (pid {self.run_pid})"

    def _advice(self, reason: str) -> str:
        if self.run_pid is None:
            return REDIS_URL_ADVICE
        if self.embedded and silent(reason):
            return (f"it takes connections but answers nothing: it is stopped or hung, not exited, so the run does "
                    f"not start it again; see to its process ({self._process()}, else stop the run (Ctrl+C) and "
                    "start it again")
        if self.embedded:
            return ("the run starts its embedded Redis again when it exits: try again in a moment; if it goes on, "
                    "see the run's log")
        if self.embedded is False:
            return "start that Redis again (the run goes on once it answers); see the run's log"
        return "see the run's log"

    def _process(self) -> str:
        """The embedded Redis's process, by the pid its server wrote (``redis/redis.pid`` in the data folder), or by
        its port without one, with what wakes it if it was stopped."""
        path = self.data_dir / "redis" / PID_FILE
        try:
            pid = int(path.read_text().strip())
        except (OSError, ValueError):
            return (f"the redis-server listening on port {urlsplit(self.url).port}): `kill -CONT` it if it was "
                    "stopped")
        return f"pid {pid}, in {path}): `kill -CONT {pid}` if it was stopped"

    def not_answering(self, reason: str, *, wait: float | None = None) -> RedisNotReached:
        within = f" within {wait:g} s" if wait else ""
        return RedisNotReached(f"{self.described()} did not answer{within} ({reason}): {self._advice(reason)}")

    def not_redis(self, reason: str) -> RedisNotReached:
        """What answered there speaks another protocol: another program's port."""
        advice = (f"{NOT_REDIS_ADVICE}, or unset it (`pledgewatch run` then starts a Redis of its own, which the "
                  "other commands find)") if self.run_pid is None else "see the run's log"
        return RedisNotReached(f"{self.described()} {NOT_REDIS} ({reason}): {advice}")

    def out_of_memory(self, reason: str) -> RedisNotReached:
        """Redis answered, but refuses writes (and, from a transaction, reads) at its ``maxmemory``."""
        return RedisNotReached(f"{self.described()} is out of memory ({reason}): {OUT_OF_MEMORY_ADVICE}")

    def refusing(self, reason: str) -> RedisNotReached:
        advice = CREDENTIALS_ADVICE if self.run_pid is None else (
            "its password changed after the run started: start the run again with the new one in its REDIS_URL")
        return RedisNotReached(f"{self.described()} refused the credentials ({reason}): {advice}")

    @contextmanager
    def told(self) -> Iterator[None]:
        """Meanwhile, a Redis not reached is told as this source's (:class:`RedisNotReached`)."""
        try:
            yield
        except RedisUnavailable as exc:
            raise self.not_answering(exc.reason, wait=exc.wait) from None
        except RedisRefusedCredentials as exc:
            raise self.refusing(exc.reason) from None
        except NotRedis as exc:
            raise self.not_redis(exc.reason) from None
