"""The ledger's commitments as CSV: one row each, what a spreadsheet needs, nothing it would run."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest

from services.ledger.core.commitments_csv import COLUMNS, commitments_csv
from services.ledger.core.entries import EntryState, LedgerEntry
from tests.unit.notifier.samples import CONTENT, FUNDING, PUBLISHED


def entry(commitment, **changes):
    fields = dict(key=commitment.id, release_id="gov-uk/iraq", title="UK ramps up, “again”", url="https://www.gov.uk/x",
                  source="gov-uk", published_at=PUBLISHED, first_seen=PUBLISHED, versions=[1, 2],
                  state=EntryState.CHANGED, commitment=commitment)
    return LedgerEntry(**{**fields, **changes})


def rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")  # spreadsheets read it as UTF-8 by it: "£" stays "£"
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_one_row_a_commitment_with_its_money_deadlines_and_release():
    (row,) = rows(commitments_csv([entry(FUNDING)]))
    assert list(row) == list(COLUMNS)
    assert row["key"] == "c-funding" and row["state"] == "changed" and row["versions"] == "1;2"
    assert (row["money"], row["amount"], row["currency"]) == ("£10m", "10000000", "GBP")
    assert row["deadlines"] == "over the next three years (2020-11-29)"
    assert row["release_title"] == "UK ramps up, “again”" and row["release_id"] == "gov-uk/iraq"
    assert row["text"] == FUNDING.text and row["published_at"] == PUBLISHED.isoformat()


def test_every_publication_time_is_written_in_utc_so_the_column_sorts_and_compares_as_one():
    """Before: each in its publisher's zone, "2026-12-05T23:30:00-05:00" beside "2026-12-06T00:00:00+00:00", which
    sorted as text put the later release first and read as the 5th one of the 6th's."""
    new_york = datetime(2026, 12, 5, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    london = datetime(2026, 12, 6, tzinfo=timezone.utc)
    got = rows(commitments_csv([entry(FUNDING, published_at=new_york), entry(CONTENT, published_at=london)]))
    assert [row["published_at"] for row in got] == ["2026-12-06T04:30:00+00:00", "2026-12-06T00:00:00+00:00"]


def test_a_commitment_without_money_or_a_date_leaves_those_cells_empty():
    (row,) = rows(commitments_csv([entry(CONTENT)]))
    assert (row["money"], row["amount"], row["currency"]) == ("", "", "")
    assert row["deadlines"] == "within one to two hours of release"


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text():
    sneaky = FUNDING.model_copy(update={"actor": "=HYPERLINK(\"http://x\")", "text": "-£5m cut\nfrom the budget"})
    (row,) = rows(commitments_csv([entry(sneaky, title="@SUM(A1)")]))
    assert row["actor"] == "'=HYPERLINK(\"http://x\")" and row["release_title"] == "'@SUM(A1)"
    assert row["text"] == "'-£5m cut\nfrom the budget"  # a line break kept, inside its quoted cell


def test_none_is_the_header_alone():
    assert rows(commitments_csv([])) == []
    assert commitments_csv([]).splitlines()[0] == "\ufeff" + ",".join(COLUMNS)


@pytest.mark.parametrize("words", [
    pytest.param("\t=1+1", id="tab"), pytest.param("\r=1+1", id="carriage-return"),
    pytest.param(" =HYPERLINK(\"http://x\")", id="space-equals"), pytest.param("  +1+1", id="spaces-plus"),
    pytest.param("\n-1+1", id="line-feed-minus"), pytest.param("\u00a0@SUM(A1)", id="no-break-space-at"),
    pytest.param(" \t =1+1", id="mixed-whitespace"), pytest.param("\x00=1+1", id="null"),
])
def test_a_formula_behind_whitespace_or_a_control_is_written_as_text(words):
    (row,) = rows(commitments_csv([entry(FUNDING.model_copy(update={"actor": words}))]))
    assert row["actor"] == "'" + words


@pytest.mark.parametrize("words", ["  the Home Office", "a-b", "x = y", "UK +3", "email@example.org"])
def test_a_cell_that_only_holds_such_a_character_later_is_written_as_it_is(words):
    (row,) = rows(commitments_csv([entry(FUNDING.model_copy(update={"actor": words}))]))
    assert row["actor"] == words


@pytest.mark.parametrize("control", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
                                     "\u2069"])
def test_a_bidi_embedding_override_or_isolate_is_written_as_its_escape(control):
    """Before: kept as it was, so that a spreadsheet showed a cell (and, in some, the cells after it) reordered: a
    title "\u202eevil.exe" read "exe.live". Written as a console line writes a C1 control, as its escape."""
    sneaky = FUNDING.model_copy(update={"actor": f"UK{control}gpj.exe", "text": f"The UK will {control}pay£10m"})
    (row,) = rows(commitments_csv([entry(sneaky, title=f"{control}=HYPERLINK(1)")]))
    escaped = f"\\u{ord(control):04x}"
    assert (row["actor"], row["text"]) == (f"UK{escaped}gpj.exe", f"The UK will {escaped}pay£10m")
    assert row["release_title"] == f"{escaped}=HYPERLINK(1)"  # an escape's backslash starts no formula
    assert all(control not in cell for cell in row.values())
