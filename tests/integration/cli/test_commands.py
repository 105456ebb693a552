"""The pledgewatch command as a user runs it: a real process, a real Redis."""

import json
import os
import subprocess
import sys

import pytest
import redis

from schemas.streams import DEAD_LETTERS, EVENT_FIELD, RELEASES

pytestmark = pytest.mark.integration


def _pledgewatch(*args, env=None, cwd=None):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "pledgewatch.cli", *map(str, args)], capture_output=True,
                          text=True, env=full_env, cwd=cwd, timeout=60)


def test_classify_prints_one_classified_event_per_file_without_redis(seed_file, tmp_path):
    other = tmp_path / "2019-05-15-call.md"
    other.write_text("Christchurch Call\n\nOnline service providers must remove terrorist content within one hour.\n")
    result = _pledgewatch("classify", seed_file, other, env={"REDIS_URL": "redis://127.0.0.1:1/0"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    events = [json.loads(line) for line in lines]
    assert [e["type"] for e in events] == ["pledgewatch.release.classified"] * 2
    assert events[0]["data"]["is_counter_terrorism"] is True
    assert events[0]["data"]["published_at"].startswith("2017-11-29")
    # as the classified stream carries it: no deprecated "schemaversion": null beside the dataschema
    assert all("schemaversion" not in e and e["dataschema"] for e in events)


def test_classify_reports_a_bad_file_and_goes_on(seed_file, tmp_path):
    bad = tmp_path / "2020-01-01-bad.txt"
    bad.write_bytes(b"Caf\xe9 broken\nThe UK will act.")  # Latin-1 (b"\xff\xfe…" is UTF-16's byte-order mark)
    result = _pledgewatch("classify", bad, seed_file)
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 1
    assert f"error: {bad}: not UTF-8 (byte 3: b'\\xe9')" in result.stderr


def test_classify_refuses_an_unknown_front_matter_key_naming_the_known_ones(seed_file, tmp_path):
    bad = tmp_path / "2026-05-05-colour.md"
    bad.write_text("---\ntitle: Border plan\ncolour: red\n---\nThe UK will invest £5m.\n")
    result = _pledgewatch("classify", bad, seed_file)
    assert result.returncode == 1 and len(result.stdout.splitlines()) == 1
    assert result.stderr == (f"error: {bad}:3: bad front matter: unknown key 'colour' (known keys: date, language, "
                             "locale, published_at, source, title, url, withdrawn, withdrawn_notice)\n")


READS = "pledgewatch reads .txt, .md, .json, .html, .htm"


def test_classify_of_a_folder_with_no_release_file_says_so_as_of_a_file_of_another_type(tmp_path):
    """Before: nothing on stdout or stderr, exit 0: a typo'd folder or a folder of PDFs looked like one of
    releases with no commitments. `classify report.pdf` exits 1 (`unsupported file type`); so does this."""
    empty, pdfs = tmp_path / "empty", tmp_path / "pdfs"
    empty.mkdir()
    pdfs.mkdir()
    (pdfs / "report.pdf").write_bytes(b"%PDF-1.7")
    (pdfs / ".hidden.txt").write_text("Hidden\nThe UK will act.\n")
    result = _pledgewatch("classify", empty)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"error: {empty}: no release files in it "
                                                                       f"({READS})\n")
    result = _pledgewatch("classify", pdfs)
    assert (result.returncode, result.stdout, result.stderr) == (
        1, "", f"error: {pdfs}: no release files in it; {pdfs / 'report.pdf'}: not read ({READS})\n")
    single = _pledgewatch("classify", pdfs / "report.pdf")
    assert single.returncode == 1 and "unsupported file type '.pdf'" in single.stderr


def test_classify_of_a_folder_names_a_link_to_nothing_and_classifies_the_rest(seed_file, tmp_path):
    """Before: the link was left out without a word (exit 0), while `classify` of the link itself says what it
    is, and the watcher warns of it."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "2017-11-29-seed.txt").write_bytes(seed_file.read_bytes())
    (folder / "2026-12-05-gone.txt").symlink_to(tmp_path / "nowhere.txt")
    result = _pledgewatch("classify", folder)
    assert result.returncode == 1 and len(result.stdout.splitlines()) == 1
    assert result.stderr == (f"error: {folder / '2026-12-05-gone.txt'}: a link to {tmp_path / 'nowhere.txt'}, which "
                             "does not exist\n")


def test_classify_of_a_folder_names_a_link_to_a_folder_it_does_not_walk(seed_file, tmp_path):
    """Before: the link was left out without a word (exit 0), though each link left out is named."""
    folder, elsewhere = tmp_path / "inbox", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    (folder / "2017-11-29-seed.txt").write_bytes(seed_file.read_bytes())
    (folder / "more").symlink_to(elsewhere, target_is_directory=True)
    result = _pledgewatch("classify", folder)
    assert result.returncode == 1 and len(result.stdout.splitlines()) == 1
    assert result.stderr == f"error: {folder / 'more'}: a link to the folder {elsewhere}: links to folders are not walked\n"


def test_ingest_publishes_once_per_content_and_dead_letters_bad_files(seed_file, tmp_path, redis_url, key_prefix):
    env = {"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix}
    first = _pledgewatch("ingest", seed_file, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("published rel-") and " v1 " in first.stdout

    again = _pledgewatch("ingest", seed_file, env=env)
    assert again.stdout.startswith("unchanged rel-") and " v1 " in again.stdout

    empty = tmp_path / "2020-01-01-empty.txt"
    empty.write_text("")
    bad = _pledgewatch("ingest", empty, env=env)
    assert bad.returncode == 1 and "empty file (kept on the dead-letter stream)" in bad.stderr

    client = redis.Redis.from_url(redis_url)
    try:
        assert client.xlen(f"{key_prefix}{RELEASES}") == 1
        letters = client.xrange(f"{key_prefix}{DEAD_LETTERS}")
        assert len(letters) == 1
        letter = json.loads(letters[0][1][EVENT_FIELD.encode()])
        assert "empty file" in letter["data"]["reason"] and letter["data"]["payload"]["path"] == str(empty)
    finally:
        client.close()


def test_ingest_of_a_file_fixed_since_it_was_refused_says_how_to_drop_its_dead_letter(tmp_path, redis_url,
                                                                                      key_prefix):
    """The letter's hint says to fix the file and run `pledgewatch ingest` on it; the letter stayed, unsaid."""
    env = {"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix}
    latin1 = tmp_path / "2020-01-01-latin1.txt"
    latin1.write_bytes("Caf\xe9 plan\nThe UK will invest £5m.\n".encode("latin-1"))
    assert _pledgewatch("ingest", latin1, env=env).returncode == 1
    client = redis.Redis.from_url(redis_url)
    try:
        [(letter_id, _)] = client.xrange(f"{key_prefix}{DEAD_LETTERS}")
    finally:
        client.close()
    latin1.write_text("Café plan\nThe UK will invest £5m.\n")
    fixed = _pledgewatch("ingest", latin1, env=env)
    assert fixed.returncode == 0, fixed.stderr
    assert fixed.stdout.startswith("published rel-") and fixed.stdout.endswith(
        f" {latin1} (fixed since it was refused; its dead letter stays until dropped: pledgewatch dlq drop "
        f"{letter_id.decode()})\n")
    again = _pledgewatch("ingest", latin1, env=env)
    assert again.stdout.endswith(f" {latin1}\n")  # told once


def _out_of_range_files(tmp_path):
    old, future = tmp_path / "1899-12-31-old.txt", tmp_path / "2099-01-01-future.txt"
    for path in (old, future):
        path.write_text("Dated out of range\nThe UK will invest £5m by 1 January 2100.\n")
    return {old: "published_at 1899-12-31T00:00:00+00:00 is before 1900-01-01",
            future: "published_at 2099-01-01T00:00:00+00:00 is more than a day after now ("}


def test_ingest_of_a_file_dated_out_of_range_says_why_it_is_refused(tmp_path, redis_url, key_prefix):
    env = {"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix}
    for path, reason in _out_of_range_files(tmp_path).items():
        result = _pledgewatch("ingest", path, env=env)
        assert result.returncode == 1 and result.stdout == ""
        assert result.stderr.startswith(f"error: {path}: {reason}"), result.stderr
        assert result.stderr.endswith(" (kept on the dead-letter stream)\n")


def test_classify_refuses_the_dates_ingest_refuses_with_the_same_reason(tmp_path):
    for path, reason in _out_of_range_files(tmp_path).items():
        result = _pledgewatch("classify", path, env={"REDIS_URL": "redis://127.0.0.1:1/0"})
        assert result.returncode == 1 and result.stdout == ""
        assert result.stderr.startswith(f"error: {path}: {reason}") and result.stderr.count("\n") == 1


def test_classify_and_ingest_take_the_same_sources_and_refuse_the_same_with_the_same_line(tmp_path, redis_url,
                                                                                          key_prefix):
    """Before: `source: Bad Name!` was classified (exit 0) while ingest dead-lettered it ("not a source name")."""
    env = {"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix}
    free = tmp_path / "2026-12-05-free.md"
    free.write_text("---\nsource: Bad Name!\n---\nPort plan\n\nThe UK will invest £5m in port security.\n")
    classified = _pledgewatch("classify", free, env={"REDIS_URL": "redis://127.0.0.1:1/0"})
    assert classified.returncode == 0, classified.stderr
    assert json.loads(classified.stdout)["data"]["source"] == "Bad Name!"
    ingested = _pledgewatch("ingest", free, env=env)
    assert ingested.returncode == 0 and ingested.stdout.startswith("published rel-"), ingested.stderr

    long = tmp_path / "2026-12-05-long.md"
    long.write_text("---\nsource: " + "x" * 201 + "\n---\nPort plan\n\nThe UK will invest £5m.\n")
    line = f"error: {long}: source: {'x' * 80!r}: not a release's source; use 1 to 200 characters on one line, not all blank"
    classified = _pledgewatch("classify", long, env={"REDIS_URL": "redis://127.0.0.1:1/0"})
    ingested = _pledgewatch("ingest", long, env=env)
    assert (classified.returncode, classified.stdout, classified.stderr) == (1, "", line + "\n")
    assert (ingested.returncode, ingested.stdout, ingested.stderr) == (1, "", line + " (kept on the dead-letter stream)\n")


def test_ingest_without_a_running_system_says_how_to_start_one(seed_file, tmp_path):
    result = _pledgewatch("ingest", seed_file, env={"PLEDGEWATCH_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "no running pledgewatch found" in result.stderr and "pledgewatch run" in result.stderr


def test_a_backfill_window_that_ends_before_it_starts_is_a_usage_error(tmp_path):
    result = _pledgewatch("ingest", "--backfill", "--from", "2018-01-01", "--to", "2017-01-01",
                          env={"PLEDGEWATCH_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr == "error: --from 2018-01-01 is after --to 2017-01-01\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [pytest.param(["--page-size", "0"], "argument --page-size: 0: give how many results per search page, 1 to 1000",
                  id="page-size-zero"),
     pytest.param(["--page-size", "ten"], "argument --page-size: 'ten': not a whole number; give how many results "
                  "per search page, 1 to 1000", id="page-size-word"),
     pytest.param(["--concurrency", "0"], "argument --concurrency: 0: give how many items to fetch at once, 1 or more",
                  id="concurrency-zero"),
     pytest.param(["--from", "2018-02-30"], "argument --from: 2018-02-30 is not a real date (February 2018 has 28 "
                  "days)", id="impossible-from"),
     pytest.param(["--to", "2018-13-01"], "argument --to: 2018-13-01 is not a real date (there is no month 13)",
                  id="impossible-to"),
     pytest.param(["--from", "1/2/2018"], "argument --from: '1/2/2018' is not a date; write YYYY-MM-DD",
                  id="not-a-date"),
     pytest.param(["--govuk-url", "ftp://x"], "argument --govuk-url: 'ftp://x': only http:// and https:// URLs "
                  "are allowed", id="govuk-url-ftp"),
     pytest.param(["--source", "Bad Name!"], "argument --source: 'Bad Name!': not a source name; use 1 to 64 "
                  "lowercase letters, digits, '.', '_' or '-', starting with a letter or digit", id="source-bad-name"),
     pytest.param(["--source", ""], "argument --source: '': not a source name; use 1 to 64 lowercase letters, "
                  "digits, '.', '_' or '-', starting with a letter or digit", id="source-empty"),
     pytest.param(["--organisation", "Home Office"], "argument --organisation: 'Home Office': not a GOV.UK slug; "
                  "use lowercase letters, digits, '-' or '_' (home-office, press_release)", id="organisation-not-a-slug"),
     pytest.param(["--document-type", "press release"], "argument --document-type: 'press release': not a GOV.UK "
                  "slug; use lowercase letters, digits, '-' or '_' (home-office, press_release)",
                  id="document-type-not-a-slug")],
)
def test_bad_backfill_options_are_usage_errors_naming_the_option(tmp_path, args, message):
    result = _pledgewatch("ingest", "--backfill", *args, env={"PLEDGEWATCH_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr == f"error: pledgewatch ingest: {message} (see `pledgewatch ingest --help`)\n"


@pytest.mark.parametrize("option", [
    pytest.param(["--organisation", "home-office"], id="organisation"),
    pytest.param(["--document-type", "news_story"], id="document-type"),
    pytest.param(["--from", "2017-01-01"], id="from"),
    pytest.param(["--to", "2017-12-31"], id="to"),
    pytest.param(["--source", "govuk-backfill"], id="source-even-the-default"),
    pytest.param(["--page-size", "100"], id="page-size"),
    pytest.param(["--concurrency", "2"], id="concurrency"),
    pytest.param(["--govuk-url", "https://www.gov.uk"], id="govuk-url"),
    pytest.param(["--restart"], id="restart"),
    pytest.param(["--no-progress"], id="no-progress"),
])
def test_a_backfill_option_without_backfill_is_a_usage_error_naming_it(seed_file, tmp_path, option):
    result = _pledgewatch("ingest", *option, seed_file, env={"PLEDGEWATCH_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (f"error: pledgewatch ingest: {option[0]} is an option of --backfill; add --backfill "
                             "(and no PATH) to backfill, or leave it out (see `pledgewatch ingest --help`)\n")


def test_ingest_escapes_the_control_characters_of_a_file_name_it_reports(tmp_path, redis_url, key_prefix):
    """Before: a refused file named with an ANSI escape (`esc\\x1b[32m…`) turned the terminal green."""
    env = {"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix}
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "undated-\x1b[32m.txt").write_text("Plan\nThe UK will invest £5m.\n")
    (folder / "2024-01-01-\x1b]0;title\x07.txt").write_text("Plan\nThe UK will invest £6m.\n")
    result = _pledgewatch("ingest", folder, env=env)
    assert result.returncode == 1
    assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stdout
    assert f"error: {folder}/undated-\\x1b[32m.txt: no publication date" in result.stderr
    assert result.stdout.endswith(f" {folder}/2024-01-01-\\x1b]0;title\\x07.txt\n")


def test_ingest_published_dates_an_undated_text_and_its_refusal_names_the_option(tmp_path, redis_url, key_prefix):
    """Before: `ingest` had no --published, so a text `classify --published` read could not be ingested, and
    its refusal named only the ways of dating the file itself."""
    env = {"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix}
    note = tmp_path / "note.txt"
    note.write_text("Port plan\n\nThe Home Office will publish its strategy within 30 days.\n")
    refused = _pledgewatch("ingest", note, env=env)
    assert refused.returncode == 1
    assert refused.stderr == (f"error: {note}: no publication date (pass --published YYYY-MM-DD, name the file "
                              "YYYY-MM-DD-... or add a 'date:' front-matter line) (kept on the dead-letter stream)\n")
    ingested = _pledgewatch("ingest", note, "--published", "2026-03-01", env=env)
    assert ingested.returncode == 0, ingested.stderr
    assert ingested.stdout.startswith("published rel-") and f" v1 {note} (fixed since it was refused;" in ingested.stdout
    client = redis.Redis.from_url(redis_url)
    try:
        (_, fields), = client.xrange(f"{key_prefix}{RELEASES}")
    finally:
        client.close()
    assert json.loads(fields[EVENT_FIELD.encode()])["data"]["published_at"] == "2026-03-01T00:00:00Z"


def test_ingest_published_not_used_for_a_file_that_gives_its_own_date_is_told(tmp_path, redis_url, key_prefix):
    """Before: the option was left unused without a word."""
    env = {"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix}
    note = tmp_path / "2019-05-15-note.txt"
    note.write_text("Port plan\n\nThe Home Office will publish its strategy within 30 days.\n")
    for _ in range(2):  # published, then unchanged: told each time
        ingested = _pledgewatch("ingest", note, "--published", "2026-03-01", env=env)
        assert ingested.returncode == 0, ingested.stderr
        assert ingested.stderr == (f"note: {note} gives its own date, 2019-05-15: --published 2026-03-01 is not "
                                   "used (it dates only a text that gives none)\n")


@pytest.mark.parametrize("value, message", [
    pytest.param("1.3.2026", "'1.3.2026' is not a date; write YYYY-MM-DD", id="not-a-date"),
    pytest.param("2026-03-01T09:00", "'2026-03-01T09:00' is a time without its zone", id="no-zone"),
])
def test_ingest_published_is_read_as_classify_reads_it(tmp_path, value, message):
    note = tmp_path / "note.txt"
    note.write_text("Plan\n\nThe UK will act.\n")
    results = [_pledgewatch(command, note, "--published", value, env={"PLEDGEWATCH_DATA_DIR": str(tmp_path)})
               for command in ("classify", "ingest")]
    assert [r.returncode for r in results] == [2, 2]
    assert message in results[0].stderr
    assert results[1].stderr == results[0].stderr.replace("classify", "ingest")


def test_ingest_published_dates_one_file_only(seed_file, tmp_path):
    """A date given once, for several files or a folder, would stamp each with it, over the date each gives."""
    other = tmp_path / "note.txt"
    other.write_text("Plan\n\nThe UK will act.\n")
    for paths in ([seed_file, other], [tmp_path]):
        result = _pledgewatch("ingest", *paths, "--published", "2026-03-01",
                              env={"PLEDGEWATCH_DATA_DIR": str(tmp_path / "data")})
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr.startswith("error: pledgewatch ingest: --published dates one release file"), paths


def test_ingest_published_is_no_option_of_backfill(tmp_path):
    result = _pledgewatch("ingest", "--backfill", "--published", "2026-03-01",
                          env={"PLEDGEWATCH_DATA_DIR": str(tmp_path)})
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("error: pledgewatch ingest: --published dates a release file; --backfill takes each "
                             "release's date from GOV.UK\n")


def test_ingest_of_a_folder_says_how_to_date_a_file_in_it_without_the_option_it_refuses(tmp_path, redis_url,
                                                                                        key_prefix):
    """Before: "(pass --published YYYY-MM-DD, …)", an option `ingest` refuses for a folder."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "note.txt").write_text("Port plan\n\nThe Home Office will publish its strategy within 30 days.\n")
    result = _pledgewatch("ingest", folder, env={"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix})
    assert result.returncode == 1
    assert result.stderr == (f"error: {folder}/note.txt: no publication date (name the file YYYY-MM-DD-... or add a "
                             "'date:' front-matter line) (kept on the dead-letter stream)\n")


def test_ingest_of_a_folder_names_what_it_leaves_out_as_the_command_reads_it(tmp_path, redis_url, key_prefix):
    """Before: a .pdf in the folder was left out without a word (the watcher logs it), and a link out of the
    folder was "outside the watched folder .", when the command watches nothing."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "2026-03-01-plan.txt").write_text("Port plan\n\nThe UK will invest £5m.\n")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    result = _pledgewatch("ingest", ".", env={"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix}, cwd=folder)
    assert result.returncode == 1  # the link is an error, as it was
    assert result.stdout.startswith("published rel-")
    assert result.stderr.splitlines() == [
        "error: passwd.txt: a link to /etc/passwd, outside the folder given (.)",
        "warning: notes.pdf: not read (pledgewatch reads .txt, .md, .json, .html, .htm)"]
