"""A process that ends when the process that started it dies, even by SIGKILL (Linux), so none is orphaned.

A child asks for this itself, first thing after it starts (:func:`end_with_parent`), rather than in a
``preexec_fn`` between fork and exec: that runs in a copy of a process with threads, where a lock another
thread held (the import lock, logging's, malloc's) is never released, and it forces the slow fork path.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

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
