"""How the ``pledgewatch`` command fails: one line on stderr and an exit code.

Code raises :class:`CommandError` where it knows what went wrong, where and what to do;
``cli.main`` is the one place that prints it. Exit codes: 2 for a command line or setting
that cannot work as given, 1 for what went wrong while doing the work.
"""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from pydantic import ValidationError
from redis.exceptions import OutOfMemoryError

from services.common.errors import StartupError, bad_settings

USAGE, RUNTIME = 2, 1
INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for Ctrl+C
# The settings that are the default of a command-line option: a bad one is told with its option.
SETTING_OPTIONS = {
    "PLEDGEWATCH_WATCH": "pledgewatch run --watch",
    "PLEDGEWATCH_SUBSCRIPTIONS": "pledgewatch run --subscriptions",
    "PLEDGEWATCH_SOURCES": "pledgewatch run --sources",
    "PLEDGEWATCH_WORKERS": "pledgewatch run --workers",
    "PLEDGEWATCH_FETCH_CONCURRENCY": "pledgewatch ingest --backfill --concurrency",
    "PLEDGEWATCH_GOVUK_URL": "pledgewatch ingest --backfill --govuk-url",
}


class CommandError(Exception):
    """A failure the user can act on: ``message`` is the whole line, ``exit_code`` the status; a kind with
    ``names_the_command`` has the command's name put before it (``pledgewatch dlq list: …``)."""

    names_the_command = False

    def __init__(self, message: str, *, exit_code: int = RUNTIME) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def bad_settings_line(exc: ValidationError) -> str:
    """A settings error as a command tells it: each bad variable named, with its command-line option."""
    return bad_settings(exc, SETTING_OPTIONS)


def usage_error(message: str) -> CommandError:
    """A command line or setting that cannot work as given (exit code 2)."""
    return CommandError(message, exit_code=USAGE)


class OneLineParser(argparse.ArgumentParser):
    """argparse, with a usage error on one line instead of the usage block and the error."""

    _UNRECOGNISED_IN = "_unrecognised_in"  # the prog of the innermost command that left arguments over
    COMMAND = "_command"  # the prog of the innermost command given: ``pledgewatch dlq list``

    def error(self, message: str) -> NoReturn:
        raise usage_error(f"{self.prog}: {self._missing_command(message) or message} (see `{self.prog} --help`)")

    def _missing_command(self, message: str) -> str | None:
        """The commands to choose from, where argparse would name the variable a command is kept in."""
        for action in self._actions:
            if (isinstance(action, argparse._SubParsersAction)
                    and message == f"the following arguments are required: {action.dest}"):
                *names, last = action.choices
                return f"give a command: {', '.join(names)} or {last}" if names else f"give a command: {last}"
        return None

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> tuple[argparse.Namespace, list[str]]:
        namespace, extras = super().parse_known_args(args, namespace)
        if not hasattr(namespace, self.COMMAND):  # a command's own parser finishes first
            setattr(namespace, self.COMMAND, self.prog)
        if extras and not hasattr(namespace, self._UNRECOGNISED_IN):  # a command's own parser finishes first
            setattr(namespace, self._UNRECOGNISED_IN, self.prog)
        return namespace, extras

    def parse_args(self, args: Any = None, namespace: Any = None) -> argparse.Namespace:  # type: ignore[override]
        """As argparse's, but an argument left over is told against the command it was given to, whose
        ``--help`` lists what it takes."""
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:
            prog = getattr(namespace, self._UNRECOGNISED_IN, self.prog)
            raise usage_error(f"{prog}: unrecognized arguments: {' '.join(extras)} (see `{prog} --help`)")
        return namespace


# What to do about a Redis at its maxmemory under the noeviction policy: it answers, and refuses writes.
OUT_OF_MEMORY_ADVICE = ("it refuses every write until memory is freed or its maxmemory raised (redis-cli CONFIG SET "
                        "maxmemory …); nothing already stored is lost (see docs/RELIABILITY.md)")


def _only(exc: BaseException) -> BaseException:
    """The one exception inside nested exception groups (a task group around the services), else ``exc``."""
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return exc


def one_line(exc: BaseException, command: str | None = None) -> tuple[str, int]:
    """What to print (without the ``error:`` prefix) and the exit code for ``exc`` raised by ``command`` (its
    name, ``pledgewatch dlq list``; None when the command line was not read)."""
    exc = _only(exc)
    if isinstance(exc, CommandError):
        named = exc.names_the_command and command is not None
        return f"{command}: {exc}" if named else str(exc), exc.exit_code
    if isinstance(exc, ValidationError) and exc.title.endswith(("Settings", "Config")):
        return bad_settings_line(exc), USAGE
    if isinstance(exc, StartupError):
        return str(exc), RUNTIME
    first = (str(exc).strip().splitlines() or [""])[0]
    if isinstance(exc, OutOfMemoryError):
        return f"Redis is out of memory ({first}): {OUT_OF_MEMORY_ADVICE}", RUNTIME
    return (f"unexpected {type(exc).__name__}{': ' + first if first else ''} "
            "(run again as `pledgewatch --debug ...` for the traceback, and report it)"), RUNTIME
