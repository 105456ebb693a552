"""`pledgewatch classify` of a plain text: piped in as `-`, or a file with no date of its own, dated by
`--published`. A real process, as a user runs it; no Redis."""

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration

NOTE = "Port plan\n\nThe Home Office will publish the new border strategy within 30 days.\n"
NO_REDIS = {"REDIS_URL": "redis://127.0.0.1:1/0"}


def _classify(*args, stdin=b"", env=None):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    environ.update(NO_REDIS, **(env or {}))
    return subprocess.run([sys.executable, "-m", "pledgewatch.cli", "classify", *map(str, args)], input=stdin,
                          capture_output=True, env=environ, timeout=60)


def _events(result):
    assert result.returncode == 0, result.stderr.decode()
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


def _deadline(event):
    (commitment,) = event["data"]["commitments"]
    (deadline,) = commitment["deadlines"]
    return deadline


def test_a_text_piped_in_as_a_dash_is_classified_against_the_date_published_gives():
    """Before: `error: -: no such file or folder` (exit 2)."""
    (event,) = _events(_classify("-", "--published", "2026-03-01", stdin=NOTE.encode()))
    assert event["type"] == "pledgewatch.release.classified"
    assert event["data"]["title"] == "Port plan"
    assert event["data"]["published_at"] == "2026-03-01T00:00:00Z"
    assert (_deadline(event)["start"], _deadline(event)["end"]) == ("2026-03-01", "2026-03-31")
    assert event["id"] == f"{event['data']['release_id']}/v1/classified"


def test_the_same_text_piped_twice_gets_the_same_id_and_another_text_another():
    first, again = (_events(_classify("-", "--published", "2026-03-01", stdin=NOTE.encode()))[0] for _ in range(2))
    other = _events(_classify("-", "--published", "2026-03-01", stdin=NOTE.replace("30", "60").encode()))[0]
    assert first["data"]["release_id"] == again["data"]["release_id"] != other["data"]["release_id"]


def test_a_piped_text_with_a_date_in_its_front_matter_needs_no_published():
    text = "---\ndate: 2025-06-02\n---\n" + NOTE
    (event,) = _events(_classify("-", stdin=text.encode()))
    assert event["data"]["published_at"] == "2025-06-02T00:00:00Z"


def test_a_piped_text_with_no_date_is_refused_saying_to_pass_published():
    result = _classify("-", stdin=NOTE.encode())
    assert (result.returncode, result.stdout) == (1, b"")
    assert result.stderr.decode() == ("error: <stdin>: no publication date (pass --published YYYY-MM-DD or add a "
                                      "'date:' front-matter line)\n")


def test_a_piped_text_that_is_not_utf8_is_refused_naming_the_byte():
    result = _classify("-", "--published", "2026-03-01", stdin=b"Caf\xe9 plan\n\nThe UK will act.\n")
    assert (result.returncode, result.stdout) == (1, b"")
    assert result.stderr.decode() == "error: <stdin>: not UTF-8 (byte 3: b'\\xe9')\n"


def test_nothing_piped_in_is_refused():
    result = _classify("-", "--published", "2026-03-01", stdin=b"")
    assert (result.returncode, result.stdout) == (1, b"")
    assert result.stderr.decode() == "error: <stdin>: empty (nothing came on standard input)\n"


def test_a_piped_text_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setenv("PLEDGEWATCH_MAX_RELEASE_BYTES", "1000")
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"} | NO_REDIS
    result = subprocess.run([sys.executable, "-m", "pledgewatch.cli", "classify", "-", "--published", "2026-03-01"],
                            input=NOTE.encode() * 20, capture_output=True, env=env, timeout=60)
    assert (result.returncode, result.stdout) == (1, b"")
    assert result.stderr.decode().startswith("error: <stdin>: over the 1000-byte limit (PLEDGEWATCH_MAX_RELEASE_BYTES")


def test_an_undated_file_is_classified_with_published_and_refused_without_saying_to_pass_it(tmp_path):
    """Before: refused with `name the file YYYY-MM-DD-... or add a 'date:' front-matter line` and no way to
    classify the text as it is."""
    note = tmp_path / "note.txt"
    note.write_text(NOTE)
    refused = _classify(note)
    assert (refused.returncode, refused.stdout) == (1, b"")
    assert refused.stderr.decode() == (f"error: {note}: no publication date (pass --published YYYY-MM-DD, name the "
                                       "file YYYY-MM-DD-... or add a 'date:' front-matter line)\n")
    (event,) = _events(_classify(note, "--published", "2026-03-01T09:30:00+01:00"))
    assert event["data"]["published_at"] == "2026-03-01T09:30:00+01:00"
    assert event["data"]["url"] == note.as_uri()


def test_published_dates_only_the_files_that_give_no_date_of_their_own_of_every_kind(tmp_path):
    """Before: `classify DIR --published DATE` stood over the date of every file that gave its own, resolving
    their deadlines against it, where a date given on the command line is expected to fill in where a file
    gives none (as `ingest` refused it for a folder, for that reason)."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "2019-05-15-a-named.md").write_text(NOTE)
    (folder / "b-front.md").write_text("---\ndate: 2019-05-15\n---\n" + NOTE)
    (folder / "c-note.json").write_text(json.dumps({"id": "note", "title": "Port plan",
                                                    "published_at": "2019-05-15T00:00:00Z",
                                                    "body": NOTE.split("\n\n", 1)[1]}))
    (folder / "d-note.html").write_text('<html><head><title>Port plan</title><meta property="article:published_time" '
                                        f'content="2019-05-15"></head><body><article><p>{NOTE.split(chr(10))[2]}</p>'
                                        "</article></body></html>")
    (folder / "e-undated.txt").write_text(NOTE)
    for paths in ((folder,), sorted(folder.iterdir())):
        events = _events(_classify(*paths, "--published", "2026-03-01"))
        assert [e["data"]["published_at"] for e in events] == ["2019-05-15T00:00:00Z"] * 4 + ["2026-03-01T00:00:00Z"]
        assert [(_deadline(e)["start"], _deadline(e)["end"]) for e in events] == \
            [("2019-05-15", "2019-06-14")] * 4 + [("2026-03-01", "2026-03-31")]


def test_published_not_used_for_a_file_that_gives_its_own_date_is_told_naming_the_file_and_its_date(tmp_path):
    """Before: the option was left unused without a word, where the one who gave it expects the file dated by it."""
    dated = tmp_path / "front.md"
    dated.write_text("---\ndate: 2019-05-15\n---\n" + NOTE)
    undated = tmp_path / "note.txt"
    undated.write_text(NOTE)
    timed = tmp_path / "timed.md"
    timed.write_text("---\ndate: 2019-05-15T10:30:00+01:00\n---\n" + NOTE)
    result = _classify(dated, undated, timed, "--published", "2026-03-01")
    assert len(_events(result)) == 3
    assert result.stderr.decode().splitlines() == [
        f"note: {dated} gives its own date, 2019-05-15: --published 2026-03-01 is not used (it dates only a text "
        "that gives none)",
        f"note: {timed} gives its own date, 2019-05-15T09:30:00Z: --published 2026-03-01 is not used (it dates "
        "only a text that gives none)"]
    piped = _classify("-", "--published", "2026-03-01T09:00:00Z", stdin=("---\ndate: 2019-05-15\n---\n" + NOTE).encode())
    assert piped.stderr.decode() == ("note: - gives its own date, 2019-05-15: --published 2026-03-01T09:00:00Z is "
                                     "not used (it dates only a text that gives none)\n")


def test_published_dates_a_json_file_named_by_its_date_by_its_name(tmp_path):
    as_json = tmp_path / "2019-05-15-note.json"
    as_json.write_text(json.dumps({"id": "note", "title": "Port plan", "body": NOTE.split("\n\n", 1)[1]}))
    (event,) = _events(_classify(as_json, "--published", "2026-03-01"))
    assert event["data"]["published_at"] == "2019-05-15T00:00:00Z"


def test_a_json_file_with_no_published_at_takes_published(tmp_path):
    as_json = tmp_path / "note.json"
    as_json.write_text(json.dumps({"id": "note", "title": "Port plan", "body": NOTE.split("\n\n", 1)[1]}))
    (event,) = _events(_classify(as_json, "--published", "2026-03-01"))
    assert event["data"]["published_at"] == "2026-03-01T00:00:00Z"


def test_files_and_a_piped_text_are_classified_in_the_order_given(tmp_path, seed_file):
    events = _events(_classify(seed_file, "-", "--published", "2026-03-01", stdin=NOTE.encode()))
    assert [e["data"]["title"] for e in events][1] == "Port plan"
    assert len(events) == 2


@pytest.mark.parametrize(("value", "problem"), [
    pytest.param("5th May 2026", "'5th May 2026' is not a date; write YYYY-MM-DD (or YYYY-MM-DDTHH:MM:SS+01:00 "
                                 "with a time)", id="words"),
    pytest.param("2026-02-30", "'2026-02-30' is not a date; write YYYY-MM-DD", id="no-such-day"),
    pytest.param("2026-03-01T09:30", "'2026-03-01T09:30' is a time without its zone; write it with one "
                                     "(2026-03-01T09:30:00+00:00, or Z for UTC), or the date alone", id="no-zone"),
    pytest.param("1899-12-31", "published_at 1899-12-31T00:00:00+00:00 is before 1900-01-01", id="too-early"),
    pytest.param("2999-01-01", "published_at 2999-01-01T00:00:00+00:00 is more than a day after now", id="future"),
])
def test_a_published_that_is_no_publication_date_is_a_usage_error_naming_it(value, problem):
    result = _classify("-", "--published", value, stdin=NOTE.encode())
    assert (result.returncode, result.stdout) == (2, b"")
    stderr = result.stderr.decode()
    assert stderr.startswith("error: pledgewatch classify: argument --published: ") and problem in stderr, stderr
    assert stderr.count("\n") == 1


def test_a_dash_given_twice_is_a_usage_error():
    result = _classify("-", "-", "--published", "2026-03-01", stdin=NOTE.encode())
    assert (result.returncode, result.stdout) == (2, b"")
    assert result.stderr.decode() == "error: pledgewatch classify: give - once (standard input is read once)\n"


def test_a_piped_text_of_one_line_is_refused_saying_the_first_line_is_the_title():
    """Before: "no body text (the text of the release goes below its title)", naming no title: the one line
    given was taken for it. One line is refused, as a .txt file of one line is."""
    result = _classify("-", "--published", "2026-12-04", stdin=b"The UK will spend \xc2\xa31m by 2027.\n")
    assert (result.returncode, result.stdout) == (1, b"")
    assert result.stderr.decode() == ("error: <stdin>: no body text (the first line is the release's title: put the "
                                      "text of the release on the lines below it)\n")


def test_an_undated_file_among_others_is_not_told_to_pass_published_which_would_redate_them(tmp_path):
    """Before: `(pass --published YYYY-MM-DD, …)` for a file of a folder or of several paths: given so,
    `--published` stands over the date of every other file, and their deadlines resolve against it, unsaid."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    note = folder / "note.txt"
    note.write_text(NOTE)
    (folder / "2019-05-15-dated.txt").write_text(NOTE)
    told = (f"error: {note}: no publication date (name the file YYYY-MM-DD-... or add a 'date:' front-matter "
            "line)\n")
    for paths in ((folder,), (note, folder / "2019-05-15-dated.txt")):
        result = _classify(*paths)
        assert (result.returncode, result.stderr.decode()) == (1, told)
        assert len(result.stdout.splitlines()) == 1


def test_a_big_text_is_classified_within_the_budget_setting_as_the_classifier_service_reads_it():
    """Before: the command read every release whole whatever `PLEDGEWATCH_CLASSIFY_BUDGET_SECONDS` said."""
    big = "Schools plan\n\n" + "The UK will invest £10m in new schools. " * 2000  # 80 KB: past the inline size
    env = {"PLEDGEWATCH_CLASSIFY_BUDGET_SECONDS": "0.001"}
    (event,) = _events(_classify("-", "--published", "2026-03-01", stdin=big.encode(), env=env))
    assert "stopped at the time budget of 0.001 s" in event["data"]["unsupported_reason"]
    (small,) = _events(_classify("-", "--published", "2026-03-01", stdin=NOTE.encode(), env=env))
    assert small["data"]["unsupported_reason"] is None  # a body within the inline size is read whole
