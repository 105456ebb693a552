"""Which build of pledgewatch this process runs: its release (``pledgewatch.__version__``, the version pyproject
builds) and, when it runs from a git checkout, that checkout's commit, read once at start. Both are shown where
processes are told apart: ``pledgewatch status``, ``pledgewatch_build_info`` at ``/metrics``, the version records
and heartbeats, each process's start line. A container image, which has no ``.git``, is given the commit it was
built from in ``PLEDGEWATCH_COMMIT`` (the Dockerfile's build argument), read first. Outside a checkout and given
none (an installed wheel, an image built without it) the commit is ``unknown`` and the release alone names the build.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from services.common.errors import StartupError

from . import __version__

log = logging.getLogger(__name__)

UNKNOWN = "unknown"
PROJECT_ROOT = Path(__file__).resolve().parent.parent  # the checkout's top folder when run from one
GIT_SECONDS = 5.0
SHOWN_DIGITS = 12  # as `git describe --abbrev=12` shows a checkout's
_COMMIT = re.compile(r"([0-9a-f]{7,64})(-dirty)?")  # 64: a repository of SHA-256 object names


class BadCommit(StartupError):
    """``PLEDGEWATCH_COMMIT`` names no git commit."""

# What git reads a repository from before its folder (`git rev-parse --local-env-vars`): inherited from a git hook
# or from another checkout's command, they would have it name another repository's commit.
_REPOSITORY_VARIABLES = frozenset({
    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
    "GIT_OBJECT_DIRECTORY", "GIT_DIR", "GIT_WORK_TREE", "GIT_IMPLICIT_WORK_TREE", "GIT_GRAFT_FILE", "GIT_INDEX_FILE",
    "GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE", "GIT_PREFIX", "GIT_INTERNAL_SUPER_PREFIX", "GIT_SHALLOW_FILE",
    "GIT_COMMON_DIR"})


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
    """The commit of the git checkout whose top folder is ``root``; UNKNOWN, running no git, when ``root`` holds no
    ``.git`` (an installed package; one in a virtualenv inside some other checkout is not that one's), and UNKNOWN,
    said in the log with git's reason, when git is absent, fails or takes longer than :data:`GIT_SECONDS`.

    Git is pointed at ``root``'s repository rather than left to look for one, so a checkout owned by another user
    (a deploy user's, run by a service's) is read: git refuses to look in such a folder (``safe.directory``) lest it
    run that user's hooks and settings, yet this process already runs that user's code from it."""
    if not (root / ".git").exists():
        return UNKNOWN
    try:
        return _git(root, "describe", "--always", "--dirty", "--abbrev=12", "--exclude=*")
    except subprocess.CalledProcessError as exc:
        reason = next(iter((exc.stderr or "").strip().splitlines()), f"git exited with {exc.returncode}")
    except subprocess.TimeoutExpired:
        reason = f"git took more than {GIT_SECONDS:g} s"
    except OSError as exc:
        reason = f"git cannot run: {exc}"
    log.info("the git commit of %s is unknown: %s", root, reason)
    return UNKNOWN


def commit_from(value: str) -> str | None:
    """The commit a value of ``PLEDGEWATCH_COMMIT`` names, shown as a checkout's is (12 hex digits, ``-dirty``
    kept); None when it names none (blank, or ``unknown``: an image built without it). Raises :class:`BadCommit`
    for a value that is no commit."""
    text = value.strip().lower()
    if text in ("", UNKNOWN):
        return None
    named = _COMMIT.fullmatch(text)
    if named is None:
        raise BadCommit(f"PLEDGEWATCH_COMMIT={value!r} names no git commit: give the commit the build is of, 7 to 64 "
                        "hex digits (`git rev-parse HEAD`), with -dirty when its files were edited, or unset it")
    return named[1][:SHOWN_DIGITS] + (named[2] or "")


def _git(root: Path, *args: str) -> str:
    # GIT_OPTIONAL_LOCKS=0: `describe --dirty` then leaves the index as it is, never locking it under a running git
    env = {name: value for name, value in os.environ.items() if name not in _REPOSITORY_VARIABLES}
    done = subprocess.run(["git", f"--git-dir={root / '.git'}", f"--work-tree={root}", *args], capture_output=True,
                          stdin=subprocess.DEVNULL, text=True, timeout=GIT_SECONDS, check=True,
                          env={**env, "GIT_OPTIONAL_LOCKS": "0"})
    return done.stdout.strip()


@functools.cache
def this_build() -> Build:
    """This process's build: the commit ``PLEDGEWATCH_COMMIT`` names, else its checkout's."""
    given = commit_from(os.environ.get("PLEDGEWATCH_COMMIT", ""))
    return Build(__version__, given if given is not None else git_commit(PROJECT_ROOT))
