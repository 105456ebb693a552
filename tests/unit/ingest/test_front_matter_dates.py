"""A .md/.txt release's date in front matter: a date, or a time with its zone, given once."""

from datetime import datetime, timedelta, timezone

import pytest

from services.ingest.files import ReleaseFileError, load_release

BODY = "Title\nThe Home Office will invest £12m by March 2027.\n"


def _load(tmp_path, front: str, name: str = "r.md"):
    path = tmp_path / name
    path.write_text(f"---\n{front}\n---\n{BODY}")
    return path, load_release(path)


def _refusal(tmp_path, front: str, name: str = "r.md") -> str:
    path = tmp_path / name
    path.write_text(f"---\n{front}\n---\n{BODY}")
    with pytest.raises(ReleaseFileError) as caught:
        load_release(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:") and "\n" not in message
    return message.removeprefix(str(path))


@pytest.mark.parametrize("front", [
    pytest.param("date: 2026-12-05T10:00:00", id="date-time"),
    pytest.param("date: 2026-12-05 10:00:00", id="date-space-time"),
    pytest.param("date: '2026-12-05T10:00:00'", id="quoted"),  # told quoted, as a string is
    pytest.param("published_at: 2026-12-05T10:00:00", id="published-at"),
])
def test_a_time_without_its_zone_is_refused_as_a_json_file_refuses_it(tmp_path, front):
    key, _, value = front.partition(": ")
    assert _refusal(tmp_path, front) == (
        f":2: bad front matter: {key} {value} is a time without its zone; write it with one "
        "(2026-12-05T10:00:00+00:00, or Z for UTC), or the date alone")


@pytest.mark.parametrize(("front", "expected"), [
    ("date: 2026-12-05T10:00:00Z", datetime(2026, 12, 5, 10, tzinfo=timezone.utc)),
    ("date: 2026-12-05T10:00:00+01:00", datetime(2026, 12, 5, 9, tzinfo=timezone.utc)),
    ("published_at: '2026-12-05T10:00:00-05:00'", datetime(2026, 12, 5, 15, tzinfo=timezone.utc)),
    ("date: 2026-12-01", datetime(2026, 12, 1, tzinfo=timezone.utc)),  # a date alone: midnight UTC, as before
    ("date: '2026-12-01'", datetime(2026, 12, 1, tzinfo=timezone.utc)),
])
def test_a_date_alone_or_a_time_with_its_zone_is_read(tmp_path, front, expected):
    _, release = _load(tmp_path, front)
    assert release.published_at == expected
    assert release.published_at.utcoffset() is not None


def test_both_date_and_published_at_are_refused_as_locale_and_language_are(tmp_path):
    assert _refusal(tmp_path, "date: 2026-12-01\npublished_at: 2026-11-01") == (
        ": front matter gives both date: and published_at:; keep one")


def test_a_key_given_twice_is_refused_naming_both_lines(tmp_path):
    assert _refusal(tmp_path, "date: 2026-12-01\ntitle: T\ndate: 2026-11-01") == (
        ":4: bad front matter: key 'date' given twice (first on line 2)")


@pytest.mark.parametrize(("front", "said"), [
    pytest.param("date: [2026-12-01]", "date [2026-12-01] (a list)", id="flow-list"),
    pytest.param("date:\n  - 2026-12-01", "date - 2026-12-01 (a list)", id="block-list"),
    pytest.param("date: {day: 2026-12-01}", "date {day: 2026-12-01} (key: value pairs)", id="mapping"),
    pytest.param("date: yes", "date yes", id="a-yes"),
    pytest.param("date: 2026", "date 2026", id="a-year"),  # as before
    pytest.param("date: 5th May 2026", "date '5th May 2026'", id="words"),  # as before
])
def test_a_value_that_is_no_date_is_told_as_the_file_writes_it(tmp_path, front, said):
    message = _refusal(tmp_path, front)
    assert message.startswith(f":2: bad front matter: {said} is not a date; write YYYY-MM-DD")
    assert "datetime" not in message


def test_a_date_with_its_zone_lies_within_the_admitted_bounds(tmp_path):
    soon = (datetime.now(timezone.utc) + timedelta(hours=1)).replace(microsecond=0)
    _, release = _load(tmp_path, f"date: {soon.isoformat()}")
    assert release.published_at == soon
