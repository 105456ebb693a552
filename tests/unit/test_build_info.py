"""Which build a process runs: its release, and the git commit of its checkout when it runs from one."""

import subprocess
import tomllib
from pathlib import Path

from pledgewatch import __version__
from pledgewatch.build_info import UNKNOWN, Build, git_commit, this_build

ROOT = Path(__file__).resolve().parents[2]


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, text=True).stdout.strip()


def _checkout(folder: Path) -> str:
    folder.mkdir()
    _git(folder, "init", "-q")
    (folder / "a.txt").write_text("a\n")
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


def test_a_build_is_named_by_its_release_and_commit_and_by_its_release_alone_when_the_commit_is_unknown():
    assert Build("0.1.0", "3c4b5078c66b").named() == "0.1.0 (commit 3c4b5078c66b)"
    assert Build("0.1.0", UNKNOWN).named() == "0.1.0"
