"""A process that ends when the process that started it dies, even by SIGKILL (Linux), so none is orphaned.

A child asks for this itself, first thing after it starts (:func:`end_with_parent`), rather than in a
``preexec_fn`` between fork and exec: that runs in a copy of a process with threads, where a lock another
thread held (the import lock, logging's, malloc's) is never released, and it forces the slow fork path.

A program that is not ours (redis-server) is started through this file run as a script
(:func:`launched_ending_with`): it asks, then execs the program in its own process, whose pid stays the one
its starter was given; the request survives the exec (not for a set-user-ID program). It imports nothing of
the package, so that ``python -I -S`` runs it in a few milliseconds.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Sequence

PR_SET_PDEATHSIG = 1


def die_with_parent() -> bool:
    """On Linux, SIGTERM to this process when its parent dies, even by SIGKILL: whether that was set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return int(ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)) == 0
    except OSError:  # no glibc (musl, say): ended with its parent no more than elsewhere
        return False


def parent_gone_text(expected_pid: int, parent_pid: int) -> str | None:
    """What to say when the process that started this one, ``expected_pid``, is no longer its parent
    (``parent_pid``): it died before this one asked to die with it; None while it is."""
    if parent_pid == expected_pid:
        return None
    return f"the run that started it (pid {expected_pid}) is gone (its parent is pid {parent_pid})"


def end_with_parent(expected_pid: int, *, name: str) -> None:
    """First thing in a child started by ``expected_pid``: it gets SIGTERM when that process dies (Linux), and
    exits at once, with one line on stderr, if that process died already, before the request could reach it."""
    if not die_with_parent():
        return
    gone = parent_gone_text(expected_pid, os.getppid())
    if gone is not None:
        raise SystemExit(f"error: {name} (pid {os.getpid()}): {gone}; exiting")


def launched_ending_with(parent_pid: int, argv: Sequence[str]) -> list[str]:
    """The command that runs ``argv`` so that it ends when ``parent_pid``, the process that starts it, dies
    (Linux): this file as a launcher; elsewhere ``argv`` itself, started as it is."""
    if not sys.platform.startswith("linux"):
        return list(argv)
    # -I: no PYTHON* variables, user site or script folder on the path; -S: no site (its .pth files)
    return [sys.executable, "-I", "-S", os.path.abspath(__file__), str(parent_pid), *argv]


def launch(argv: Sequence[str]) -> None:
    """``PARENT_PID PROGRAM [ARG...]``: ends with ``PARENT_PID``, then becomes ``PROGRAM``; one line on stderr
    and exit status 1 when that process is gone already or the program cannot be started."""
    parent_pid, program = int(argv[0]), argv[1]
    end_with_parent(parent_pid, name=os.path.basename(program))
    try:
        os.execv(program, list(argv[1:]))
    except OSError as exc:
        raise SystemExit(f"error: cannot start {program}: {exc.strerror}") from None


if __name__ == "__main__":
    launch(sys.argv[1:])
