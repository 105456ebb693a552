"""Every command on a terminal that is not UTF-8 (an ASCII locale, a Latin-1 pipe): what it cannot show is
replaced, JSON escapes it, and no command ends in an UnicodeEncodeError; a UTF-8 terminal is shown it as it is."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration

NAME = "2020-01-01-café—€😀.txt"  # Latin-1 shows the é, neither shows the rest
RELEASE = "2026-11-03-fonds.txt"


def _pledgewatch(*args, env, encoding):
    full = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    full |= {**env, "LC_ALL": "C", "PYTHONIOENCODING": encoding}
    done = subprocess.run([sys.executable, "-m", "pledgewatch", *map(str, args)], capture_output=True, env=full,
                          timeout=120)
    assert "UnicodeEncodeError" not in done.stderr.decode(encoding), done.stderr
    assert done.returncode == 0, done.stderr
    return done.stdout.decode(encoding)


@pytest.fixture
def system(redis_url, key_prefix, tmp_path):
    """A dead letter whose reason names a file no ASCII terminal can show, and a release, ingested."""
    env = {"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix, "PLEDGEWATCH_HOME": str(tmp_path / "home")}
    empty = tmp_path / NAME
    empty.write_text("")
    release = tmp_path / RELEASE
    release.write_text("Fonds — €5m for schools\n\nThe department will publish the fund’s rules by 1 March 2027.\n",
                       encoding="utf-8")
    for path, code in ((empty, 1), (release, 0)):
        full = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
        done = subprocess.run([sys.executable, "-m", "pledgewatch", "ingest", str(path)], capture_output=True,
                              env={**full, **env}, timeout=120)
        assert done.returncode == code, done.stderr
    return env, empty, release


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_status_and_dead_letters_are_shown_on_a_terminal_that_is_not_utf8(system, encoding):
    env, empty, _ = system
    shown_name = "café-??.txt" if encoding == "latin-1" else "caf?-??.txt"
    text = _pledgewatch("status", env=env, encoding=encoding)
    assert f"{shown_name}: empty file" in text
    status = json.loads(_pledgewatch("status", "--json", env=env, encoding=encoding))
    [newest] = status["dead_letters"]["newest"]
    assert newest["from"] == str(empty)

    listed = _pledgewatch("dlq", "list", env=env, encoding=encoding)
    assert shown_name in listed
    [letter] = json.loads(_pledgewatch("dlq", "list", "--json", env=env, encoding=encoding))["letters"]
    assert letter["reason"] == f"{empty}: empty file"
    _pledgewatch("dlq", "show", letter["id"], env=env, encoding=encoding)
    shown = json.loads(_pledgewatch("dlq", "show", letter["id"], "--json", env=env, encoding=encoding))
    assert shown["reason"] == f"{empty}: empty file"


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_classify_prints_the_same_events_on_a_terminal_that_is_not_utf8(system, encoding):
    env, _, release = system
    wide = _pledgewatch("classify", release, "--published", "2026-11-03", env=env, encoding="utf-8")
    assert "—" in wide  # a UTF-8 terminal is shown the characters themselves
    narrow = _pledgewatch("classify", release, "--published", "2026-11-03", env=env, encoding=encoding)
    assert narrow.isascii() if encoding == "ascii" else "—" not in narrow
    assert [json.loads(line)["data"] for line in narrow.splitlines()] == [json.loads(line)["data"] for line in
                                                                          wide.splitlines()]


def test_help_is_shown_on_an_ascii_terminal():
    text = _pledgewatch("dlq", "list", "--help", env={}, encoding="ascii")
    assert "..." in text and text.isascii()
