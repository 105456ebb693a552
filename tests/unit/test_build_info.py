"""Which build a process runs: its release, and the git commit of its checkout when it runs from one."""

import logging
import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from pledgewatch import __version__
from pledgewatch.build_info import PROJECT_ROOT, UNKNOWN, BadCommit, Build, git_commit, this_build

ROOT = Path(__file__).resolve().parents[2]


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, text=True).stdout.strip()


def _checkout(folder: Path, text: str = "a\n") -> str:
    folder.mkdir()
    _git(folder, "init", "-q")
    (folder / "a.txt").write_text(text)
    _git(folder, "add", "a.txt")
    _git(folder, "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false", "commit", "-q",
         "-m", "a")
    return _git(folder, "rev-parse", "--short=12", "HEAD")


def test_the_release_is_the_one_pyproject_builds():
    with (ROOT / "pyproject.toml").open("rb") as file:
        assert tomllib.load(file)["project"]["version"] == __version__ == this_build().release


def test_a_checkout_is_named_by_its_commit_and_an_edited_one_says_so(tmp_path):
    head = _checkout(tmp_path / "src")
    assert git_commit(tmp_path / "src") == head
    (tmp_path / "src" / "a.txt").write_text("b\n")
    assert git_commit(tmp_path / "src") == f"{head}-dirty"


def test_a_folder_of_no_checkout_or_inside_anothers_is_unknown(tmp_path):
    """An installed package in a virtualenv kept in some other project's checkout is not that project's commit."""
    (tmp_path / "plain").mkdir()
    assert git_commit(tmp_path / "plain") == UNKNOWN
    _checkout(tmp_path / "project")
    (tmp_path / "project" / "venv").mkdir()
    assert git_commit(tmp_path / "project" / "venv") == UNKNOWN


def test_a_checkout_is_named_by_its_own_commit_whatever_repository_the_environment_names(tmp_path, monkeypatch):
    """A process started from a git hook, or beside another checkout's commands, inherits GIT_DIR and the like."""
    head = _checkout(tmp_path / "src")
    _checkout(tmp_path / "other", "another text\n")
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "other" / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(tmp_path / "other" / ".git" / "index"))
    assert git_commit(tmp_path / "src") == head


def test_a_checkout_owned_by_another_user_is_named_by_its_commit(tmp_path, monkeypatch):
    """A deploy user's checkout run by a service's user: git refuses to look for a repository in a folder of
    another owner (safe.directory), yet the process already runs that owner's code from it."""
    head = _checkout(tmp_path / "src")
    if os.geteuid() == 0:
        for folder, _, files in os.walk(tmp_path / "src"):
            for name in [folder, *(os.path.join(folder, f) for f in files)]:
                os.lchown(name, 65534, 65534)
    else:
        monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")  # git's own switch for what it would refuse
    assert git_commit(tmp_path / "src") == head


def test_why_a_checkouts_commit_is_unknown_is_logged(tmp_path, caplog):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / ".git").write_text("gitdir: /nowhere\n")
    with caplog.at_level(logging.INFO, logger="pledgewatch.build_info"):
        assert git_commit(tmp_path / "src") == UNKNOWN
    assert [r.getMessage() for r in caplog.records] == [
        f"the git commit of {tmp_path / 'src'} is unknown: fatal: not a git repository: /nowhere"]


def test_a_folder_of_no_checkout_runs_no_git(tmp_path, monkeypatch):
    """An installed package (a wheel, a container image) spends nothing on git at each start."""
    monkeypatch.setenv("GIT_TRACE", str(tmp_path / "trace"))
    (tmp_path / "plain").mkdir()
    assert git_commit(tmp_path / "plain") == UNKNOWN
    assert not (tmp_path / "trace").exists()


def test_a_build_is_named_by_its_release_and_commit_and_by_its_release_alone_when_the_commit_is_unknown():
    assert Build("0.1.0", "3c4b5078c66b").named() == "0.1.0 (commit 3c4b5078c66b)"
    assert Build("0.1.0", UNKNOWN).named() == "0.1.0"


@pytest.fixture
def build_read_again(monkeypatch):
    """``this_build`` read afresh in the test (PLEDGEWATCH_COMMIT as it sets it), and afresh after it."""
    monkeypatch.delenv("PLEDGEWATCH_COMMIT", raising=False)
    this_build.cache_clear()
    yield
    this_build.cache_clear()


@pytest.mark.parametrize(("given", "named"), [
    ("3C4B5078C66B0123456789ABCDEF0123456789AB", "3c4b5078c66b"),  # `git rev-parse HEAD`, shortened as git's
    ("3c4b5078c66b-dirty", "3c4b5078c66b-dirty"),
    ("  3c4b507\n", "3c4b507"),
])
def test_the_commit_an_image_was_built_from_wins_over_git(build_read_again, monkeypatch, given, named):
    """A container image has no .git: its build passes the commit in PLEDGEWATCH_COMMIT (the Dockerfile's
    build argument of that name). Before: every image of a release was named by the release alone."""
    monkeypatch.setenv("PLEDGEWATCH_COMMIT", given)
    assert this_build() == Build(__version__, named)


@pytest.mark.parametrize("given", ["", "unknown", " UNKNOWN "])
def test_a_commit_left_unknown_is_read_from_the_checkout(build_read_again, monkeypatch, given):
    """The image's default when built without the argument; a checkout's own commit is read as before."""
    monkeypatch.setenv("PLEDGEWATCH_COMMIT", given)
    assert this_build().commit == git_commit(PROJECT_ROOT)


@pytest.mark.parametrize("given", ["main", "v0.1.0", "3c4b50", "3c4b5078c66b-modified", "3c4b5078 c66b",
                                   "3c4b5078c66b" + "0" * 53])
def test_a_commit_that_is_no_git_commit_is_refused_in_one_line_naming_it(build_read_again, monkeypatch, given):
    monkeypatch.setenv("PLEDGEWATCH_COMMIT", given)
    with pytest.raises(BadCommit, match=re.escape(f"PLEDGEWATCH_COMMIT={given!r} names no git commit")) as raised:
        this_build()
    assert "\n" not in str(raised.value) and "git rev-parse" in str(raised.value)
