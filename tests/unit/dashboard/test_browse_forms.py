"""The search forms of the releases and deadlines pages read into the ledger's own queries; what cannot be read
named field by field; and the rows those pages show."""

from __future__ import annotations

from datetime import date, datetime, timezone
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.dashboard.browse_forms import (BAD_CURSOR, MAX_BACK, BrowseErrors, BrowseForm, browse_form,
                                             deadline_query_of, release_query_of)
from services.dashboard.views import PASSED_LABEL, release_rows, timeline
from services.ledger.core.entries import LedgerEntry
from services.ledger.core.cursors import encode_cursor
from services.ledger.models import ReleaseSummary
from tests.unit.notifier.samples import dated

TODAY = date(2026, 12, 6)
CURSOR = encode_cursor("releases", 1767258000.0, "gov-uk/r001")


def errors_of(read, **params) -> list[tuple[str, str]]:
    with pytest.raises(BrowseErrors) as refused:
        read(browse_form(params))
    return refused.value.errors


def test_fields_left_empty_are_not_given():
    query = release_query_of(browse_form({"q": " ", "from": "", "to": "", "cursor": ""}))
    assert (query.words, query.published_from, query.published_to, query.cursor) == ((), None, None, None)


def test_a_release_search_is_the_ledgers_query_of_its_words_days_and_place():
    query = release_query_of(browse_form({"q": "Iraq  FUNDING", "from": "2026-01-02", "to": "2026-01-05",
                                          "cursor": CURSOR}))
    assert query.words == ("iraq", "funding") and query.cursor == CURSOR
    assert (query.published_from, query.published_to) == (date(2026, 1, 2), date(2026, 1, 5))


@pytest.mark.parametrize(("params", "field", "words"), [
    pytest.param({"from": "6/12/2026"}, "from", "'6/12/2026' is not a day: give it as YYYY-MM-DD", id="slashes"),
    pytest.param({"to": "2026-02-30"}, "to", "'2026-02-30' is not a day", id="no-such-day"),
    pytest.param({"from": "20261206"}, "from", "is not a day", id="basic-iso-format"),
    pytest.param({"from": "2026-12-06", "to": "2026-12-01"}, "to", "the range ends before it starts",
                 id="range-reversed"),
    pytest.param({"q": "x" * 201}, "q", "at most 200 characters", id="too-many-words"),
    pytest.param({"q": "\u2014"}, "q", "Words: '\u2014' holds no word to search for (only dashes, quotes or accents)",
                 id="no-word"),
    pytest.param({"cursor": "nonsense"}, "cursor", BAD_CURSOR, id="cursor-not-given"),
    pytest.param({"cursor": encode_cursor("releases", float("nan"), "r")}, "cursor", BAD_CURSOR, id="cursor-nan"),
    pytest.param({"cursor": encode_cursor("releases", 1.0, "r" * 600)}, "cursor", BAD_CURSOR, id="cursor-too-long"),
])
def test_what_cannot_be_read_is_named_field_by_field(params, field, words):
    errors = errors_of(release_query_of, **params)
    assert [name for name, _ in errors] == [field] and words in errors[0][1]


def test_a_deadline_search_of_no_word_is_refused_not_read_as_no_search():
    """Before: ``-`` searched for nothing, and every deadline was shown under "Upcoming deadlines" as found."""
    errors = errors_of(lambda form: deadline_query_of(form, today=TODAY), q="- \"")
    assert [name for name, _ in errors] == ["q"] and "holds no word to search for" in errors[0][1]


def test_every_field_at_fault_is_named_at_once():
    errors = errors_of(lambda form: deadline_query_of(form, today=TODAY), **{"from": "soon", "to": "later",
                                                                             "show": "all", "cursor": "x"})
    assert [name for name, _ in errors] == ["from", "to", "show", "cursor"]


@pytest.mark.parametrize(("params", "window", "latest_first"), [
    pytest.param({}, (TODAY, None), False, id="upcoming-from-today"),
    pytest.param({"from": "2020-01-01", "to": "2027-03-01"}, (TODAY, date(2027, 3, 1)), False,
                 id="upcoming-never-before-today"),
    pytest.param({"from": "2027-01-01"}, (date(2027, 1, 1), None), False, id="upcoming-from-a-later-day"),
    pytest.param({"show": "past"}, (None, date(2026, 12, 5)), True, id="past-until-yesterday"),
    pytest.param({"show": "past", "from": "2018-01-01", "to": "2019-06-30"}, (date(2018, 1, 1), date(2019, 6, 30)),
                 True, id="past-within-a-range"),
])
def test_deadlines_are_upcoming_from_today_or_passed_the_latest_first(params, window, latest_first):
    search = deadline_query_of(browse_form(params), today=TODAY)
    assert (search.query.due_after, search.query.due_before) == window
    assert search.latest_first is latest_first and search.query.states is None  # live ones, as the API's


@pytest.mark.parametrize(("params", "other_days"), [
    pytest.param({}, False, id="upcoming-every-day"),
    pytest.param({"show": "past"}, False, id="passed-every-day"),
    pytest.param({"from": "2026-11-01"}, True, id="upcoming-from-a-passed-day"),
    pytest.param({"from": str(TODAY), "to": "2027-01-01"}, False, id="upcoming-from-today"),
    pytest.param({"to": "2026-11-01"}, True, id="upcoming-to-a-passed-day-from-any"),
    pytest.param({"show": "past", "to": str(TODAY)}, True, id="passed-to-today"),
    pytest.param({"show": "past", "from": "2026-11-01", "to": "2026-12-05"}, False, id="passed-to-yesterday"),
    pytest.param({"show": "past", "from": "2026-11-01"}, True, id="passed-from-a-day-to-any"),
])
def test_a_search_says_when_its_days_hold_deadlines_of_the_other_kind(params, other_days):
    """Days typed before today hold passed deadlines, which Upcoming does not show (and from today on, upcoming
    ones, which Passed does not): the page says so and links to them."""
    form = browse_form(params)
    assert deadline_query_of(form, today=TODAY).other_days is other_days
    other = dict(parse_qsl(urlsplit(form.other_show_link("/dashboard/deadlines")).query))
    assert other.get("show", "upcoming") != form.show and other.get("from") == params.get("from")


def test_a_range_of_past_days_holds_no_upcoming_deadline():
    assert deadline_query_of(browse_form({"to": "2020-01-01"}), today=TODAY).query is None
    assert deadline_query_of(browse_form({"show": "past", "from": "2027-01-01"}), today=TODAY).query is None


def test_a_page_link_reads_back_as_the_same_search_at_the_next_place():
    form = BrowseForm(q="Home Office & co", start="2026-01-01", end="2026-02-01", show="past")
    link = form.link("/dashboard/deadlines", CURSOR)
    assert urlsplit(link).path == "/dashboard/deadlines"
    assert browse_form(dict(parse_qsl(urlsplit(link).query))) == BrowseForm(
        q="Home Office & co", start="2026-01-01", end="2026-02-01", show="past", cursor=CURSOR)
    assert BrowseForm().link("/dashboard/releases") == "/dashboard/releases"


def _form_of(link: str) -> BrowseForm:
    return browse_form(dict(parse_qsl(urlsplit(link).query)))


def test_each_page_links_back_to_the_one_before_it_as_searched_and_the_second_to_the_first():
    path = "/dashboard/deadlines"
    first = BrowseForm(q="Home Office", show="past")
    second = _form_of(first.next_link(path, encode_cursor("deadlines", 739_500, "c-1")))
    third = _form_of(second.next_link(path, encode_cursor("deadlines", 739_400, "c-9")))
    assert first.previous_link(path) is None
    assert second.previous_link(path) == first.link(path) == "/dashboard/deadlines?q=Home+Office&show=past"
    assert _form_of(third.previous_link(path)) == second
    for form in (second, third):
        deadline_query_of(form, today=TODAY)  # read as the dashboard gave it


def test_the_way_back_is_kept_for_the_latest_pages_only_the_first_page_still_linked():
    path, form = "/dashboard/releases", BrowseForm()
    for n in range(MAX_BACK + 5):
        form = _form_of(form.next_link(path, encode_cursor("releases", 1767000000.0 - n, f"gov-uk/r{n:03d}")))
        release_query_of(form)
    steps = 0
    while (link := form.previous_link(path)) is not None:
        form, steps = _form_of(link), steps + 1
    assert steps == MAX_BACK and form.cursor and form.link(path) == path  # no way further back but the first page


@pytest.mark.parametrize("params", [
    pytest.param({"back": "first"}, id="without-a-cursor"),
    pytest.param({"cursor": CURSOR, "back": f"first.{CURSOR}.nonsense"}, id="a-cursor-not-given"),
    pytest.param({"cursor": CURSOR, "back": f"{CURSOR}.first"}, id="first-not-first"),
    pytest.param({"cursor": CURSOR, "back": ".".join([CURSOR] * (MAX_BACK + 1))}, id="too-long"),
])
def test_a_way_back_the_dashboard_did_not_give_is_refused_as_its_cursor(params):
    assert errors_of(release_query_of, **params) == [("cursor", BAD_CURSOR)]


@given(st.dictionaries(st.sampled_from(["q", "from", "to", "show", "cursor", "back", "other"]), st.text(max_size=600)))
def test_any_parameters_are_a_query_or_our_own_refusal(params):
    for read in (release_query_of, lambda form: deadline_query_of(form, today=TODAY)):
        try:
            read(browse_form(params))
        except BrowseErrors as exc:
            assert exc.errors


def test_a_release_row_says_when_how_many_commitments_and_whether_it_was_withdrawn():
    summary = ReleaseSummary(release_id="gov-uk/r1", version=2, title="UK\nramps up", source="seeds",
                             published_at=datetime(2026, 1, 1, 23, 30, tzinfo=timezone.utc), commitments=3,
                             withdrawn=True)
    (row,) = release_rows([summary])
    assert (row.title, row.published, row.commitments, row.withdrawn) == ("UK ramps up", "1 Jan 2026", 3, True)


def test_a_passed_deadline_is_marked_passed_not_known_whether_met():
    commitment = dated("c-old", date(2026, 1, 15))
    entry = LedgerEntry.model_validate({
        "key": "c-old", "release_id": "gov-uk/r1", "title": "t", "source": "seeds", "url": "https://www.gov.uk/x",
        "published_at": "2026-01-01T00:00:00Z", "first_seen": "2026-01-01T00:00:00Z", "versions": [1],
        "state": "active", "commitment": commitment.model_dump(mode="json")})
    (month,) = timeline([(date(2026, 1, 15), commitment.deadlines[0], entry)], today=TODAY)
    assert (month.month, month.items[0].state, month.items[0].label) == ("January 2026", "passed", PASSED_LABEL)


def test_a_page_numbers_its_first_item_on_from_the_items_shown_before_it_and_back_as_it_was():
    path, first = "/dashboard/releases", BrowseForm()
    second = _form_of(first.numbered(first.next_link(path, CURSOR), 25))
    third = _form_of(second.numbered(second.next_link(path, encode_cursor("releases", 1.0, "r")), 7))  # stopped early
    assert (first.first_number, second.first_number, third.first_number) == (1, 26, 33)
    assert _form_of(third.previous_link(path)) == second and _form_of(second.previous_link(path)) == first
    release_query_of(third)


@pytest.mark.parametrize("number", ["", "0", "-3", "1e3", "٣", "1" * 10, "5 6"])
def test_a_page_number_no_page_link_gives_numbers_the_page_from_1(number):
    assert browse_form({"cursor": CURSOR, "n": number}).first_number == 1


def test_a_way_back_numbered_as_the_dashboard_never_numbers_is_refused():
    assert errors_of(release_query_of, cursor=CURSOR, back=f"first.{CURSOR}~0") == [("cursor", BAD_CURSOR)]
    assert errors_of(release_query_of, cursor=CURSOR, back=f"first.{CURSOR}~x") == [("cursor", BAD_CURSOR)]


def test_a_deadline_search_selects_by_a_range_of_amounts_and_keeps_it_in_its_links():
    form = browse_form({"q": "£10m", "min_amount": "1m", "max_amount": "20,000,000", "currency": "GBP"})
    query = deadline_query_of(form, today=TODAY).query
    assert (query.currency, query.min_amount, query.max_amount, query.q) == ("GBP", 1e6, 2e7, "£10m")
    assert form.filtered
    kept = dict(parse_qsl(urlsplit(form.next_link("/dashboard/deadlines", "CUR")).query))
    assert (kept["min_amount"], kept["max_amount"], kept["currency"]) == ("1m", "20,000,000", "GBP")


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"min_amount": "-5", "currency": "GBP"}, "min_amount", "Money from: is negative: give 0 or more."),
    ({"max_amount": "lots", "currency": "GBP"}, "max_amount",
     "Money to: 'lots' is not an amount: give a number, such as 10000000 or 10m."),
    ({"min_amount": "5m", "max_amount": "1m", "currency": "GBP"}, "max_amount",
     "Money to: is less than “Money from”."),
    ({"min_amount": "5m"}, "currency", "Currency: give the currency of “Money from” (amounts in two currencies are "
                                       "not compared)."),
    ({"currency": "JPY"}, "currency",
     "Currency: 'JPY' is not a currency the ledger records (AUD, CAD, EUR, GBP, NZD, USD)."),
    ({"currency": "$"}, "currency",
     "Currency: '$' is any dollar: give the one meant, AUD, CAD, NZD or USD (amounts in two currencies are not "
     "compared)."),
])
def test_a_range_of_amounts_that_cannot_be_read_is_named_field_by_field(params, field, message):
    assert errors_of(lambda form: deadline_query_of(form, today=TODAY), **params) == [(field, message)]


@pytest.mark.parametrize(("params", "link"), [
    ({}, "/ledger/commitments.csv?due_after=2026-12-06&state=active%2Cchanged&limit=200"),
    ({"q": "£10m iraq", "from": "2027-01-01", "to": "2027-06-30", "currency": "GBP", "min_amount": "1m"},
     "/ledger/commitments.csv?q=%C2%A310m+iraq&due_after=2027-01-01&due_before=2027-06-30&state=active%2Cchanged"
     "&min_amount=1m&currency=GBP&limit=200"),
    ({"show": "past", "max_amount": "5bn", "currency": "usd"},
     "/ledger/commitments.csv?due_before=2026-12-05&state=active%2Cchanged&max_amount=5bn&currency=usd&limit=200"),
])
def test_a_deadline_search_links_its_commitments_as_csv_with_the_same_filters(params, link):
    form = browse_form(params)
    assert deadline_query_of(form, today=TODAY).csv_link(form) == link
