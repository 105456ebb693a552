"""Which build of pledgewatch this process runs: its release (``pledgewatch.__version__``, the version pyproject
builds) and, when it runs from a git checkout, that checkout's commit, read once at start. Both are shown where
processes are told apart: ``pledgewatch status``, ``pledgewatch_build_info`` at ``/metrics``, the version records
and heartbeats, each process's start line. Outside a checkout (an installed wheel, a container image) the commit
is ``unknown`` and the release alone names the build.
"""

from __future__ import annotations

import functools
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import __version__

UNKNOWN = "unknown"
PROJECT_ROOT = Path(__file__).resolve().parent.parent  # the checkout's top folder when run from one
GIT_SECONDS = 5.0


@dataclass(frozen=True)
class Build:
    release: str
    commit: str  # 12 hex digits, with ``-dirty`` when tracked files differ from it; or UNKNOWN

    def named(self) -> str:
        """``0.1.0 (commit 3c4b5078c66b)``, or ``0.1.0`` when the commit is unknown."""
        return build_named(self.release, self.commit)


def build_named(release: str, commit: str) -> str:
    return release if commit == UNKNOWN else f"{release} (commit {commit})"


def git_commit(root: Path) -> str:
    """The commit of the git checkout whose top folder is ``root``; UNKNOWN when ``root`` is no checkout's top (a
    package installed in a virtualenv inside some other checkout is not that one's), or git is absent or refuses."""
    try:
        top = _git(root, "rev-parse", "--show-toplevel")
        if Path(top).resolve() != root.resolve():
            return UNKNOWN
        return _git(root, "describe", "--always", "--dirty", "--abbrev=12", "--exclude=*")
    except (OSError, subprocess.SubprocessError):
        return UNKNOWN


def _git(root: Path, *args: str) -> str:
    # GIT_OPTIONAL_LOCKS=0: `describe --dirty` then leaves the index as it is, never locking it under a running git
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=GIT_SECONDS,
                          check=True, env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"})
    return done.stdout.strip()


@functools.cache
def this_build() -> Build:
    return Build(__version__, git_commit(PROJECT_ROOT))
