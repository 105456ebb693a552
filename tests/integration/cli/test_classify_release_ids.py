"""`pledgewatch classify` names a release file as `pledgewatch ingest` names a new one: by its place, the folder
it is placed in and its path inside it (docs/decisions/0049), so its output and the alerts of the same file carry
one release id. Real processes, the session's Redis."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

PLAN = "Border plan published\nThe UK will invest £5m in border checks by 1 March 2027.\n"


def _pledgewatch(*args: object, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    full_env.update(env)
    return subprocess.run([sys.executable, "-m", "pledgewatch.cli", *map(str, args)], capture_output=True,
                          text=True, env=full_env, cwd=cwd, timeout=60)


def _write(path: Path, text: str = PLAN) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _ids(tmp_path: Path, redis_url: str, key_prefix: str, given: str, watch: str | None) -> tuple[str, str]:
    """The release id `pledgewatch ingest` publishes ``given`` (a path from ``tmp_path``) under, and the one
    `pledgewatch classify` prints for it, each run from ``tmp_path`` with PLEDGEWATCH_WATCH ``watch`` (unset:
    None)."""
    settings = {} if watch is None else {"PLEDGEWATCH_WATCH": watch}
    ingested = _pledgewatch("ingest", given, cwd=tmp_path,
                            env={"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix, **settings})
    assert ingested.returncode == 0 and ingested.stdout.startswith("published "), ingested.stderr
    classified = _pledgewatch("classify", given, cwd=tmp_path, env={"REDIS_URL": "redis://127.0.0.1:1/0", **settings})
    assert classified.returncode == 0, classified.stderr
    event = json.loads(classified.stdout)
    assert event["subject"] == event["data"]["release_id"]
    assert event["id"] == f"{event['subject']}/v1/classified"
    return ingested.stdout.split()[1], event["subject"]


@pytest.mark.parametrize("file, given, watch", [
    # in a folder of PLEDGEWATCH_WATCH, given by its absolute path from elsewhere
    ("srv/seeds/2026/2026-12-01-plan.txt", "{tmp}/srv/seeds/2026/2026-12-01-plan.txt", "{tmp}/srv/seeds"),
    # in ./seeds, the folder watched by default, given by a path relative to where the command runs
    ("seeds/2026-12-01-plan.txt", "seeds/2026-12-01-plan.txt", None),
    # in the folder given, as watching it places it: that folder and the path inside it
    ("press/2026/2026-12-01-plan.txt", "press", None),
    # in no folder watched or given: its own folder
    ("notes/2026-12-01-plan.txt", "notes/2026-12-01-plan.txt", "{tmp}/srv/seeds"),
    # in a folder of a watched folder's name elsewhere: told apart from the watched one
    ("old/seeds/2026-12-01-plan.txt", "old/seeds/2026-12-01-plan.txt", "{tmp}/srv/seeds"),
], ids=["watched", "watched-by-default", "folder-given", "own-folder", "a-watched-folders-name-elsewhere"])
def test_classify_prints_the_release_id_ingest_publishes_a_new_file_under(tmp_path, redis_url, key_prefix, file,
                                                                          given, watch):
    """Before: classify printed the id of the file's absolute path, which ingest no longer gives it."""
    (tmp_path / "srv" / "seeds").mkdir(parents=True, exist_ok=True)
    _write(tmp_path / file)
    published, classified = _ids(tmp_path, redis_url, key_prefix, given.format(tmp=tmp_path),
                                 None if watch is None else watch.format(tmp=tmp_path))
    assert classified == published


def test_a_file_giving_its_own_url_is_named_by_it_in_both(tmp_path, redis_url, key_prefix):
    _write(tmp_path / "seeds" / "2026-12-01-plan.md",
           "---\nurl: https://www.gov.uk/government/news/border-plan\n---\n" + PLAN)
    published, classified = _ids(tmp_path, redis_url, key_prefix, "seeds/2026-12-01-plan.md", None)
    assert classified == published
