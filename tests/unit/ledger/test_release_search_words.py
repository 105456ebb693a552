"""Which releases a search's words select: case, accents, curly quotes and quoted phrases."""

from __future__ import annotations

import pytest

from services.ledger.models import ReleaseSummary
from services.ledger.core.queries import QueryError
from services.ledger.release_search import matches, release_query

RELEASE = ReleaseSummary(release_id="r1", version=1, title="Minister’s statement on Sinn Féin’s  policing plan",
                         source="gov-uk", commitments=1)


@pytest.mark.parametrize(("q", "found"), [
    ("SINN FEIN", True),
    ("minister's", True),
    ('"policing plan"', True),  # a quoted phrase, the title's two spaces one
    ("“Sinn Féin’s policing”", True),
    ('"plan policing"', False),
    ("gov-uk statement", True),  # the source counts
    ("irish", False),
    ("state", True),  # the start of "statement" finds it
    ("lan", False),  # inside "plan", the start of no word: before, found
    ("tatement", False),
])
def test_a_release_search_reads_words_and_phrases_without_case_accents_or_curly_quotes(q, found):
    """Before: ``"policing plan"`` looked for the word ``"policing`` with its quote, ``minister's`` missed the
    curly apostrophe of "Minister’s", and ``Sinn Fein`` missed "Sinn Féin"."""
    assert matches(RELEASE, release_query(q=q).words) is found


@pytest.mark.parametrize("q", ["-", "\u2014", '"', "\u0301", ' " - " '])
def test_a_search_of_no_word_is_refused_not_read_as_no_search(q):
    """Before: ``q=-`` folded to no word, and every release was listed as found."""
    with pytest.raises(QueryError, match=r"^q: .* holds no word to search for \(only dashes, quotes or accents\)"):
        release_query(q=q)


MONEY_TITLE = ReleaseSummary(release_id="r2", version=1, title="£100 million for counter-terrorism policing",
                             source="gov-uk", commitments=1)


@pytest.mark.parametrize(("q", "found"), [
    ("£10", False),  # before: found, "£10" being the start of "£100"
    ("£100m", True),
    ("£100 million policing", True),
    ("GBP 100,000,000", True),
    ("€100m", False),
    ('"£100 million for"', True),  # within quotes, words
    ("100m", True),  # its scale and no currency: in any currency
    ("£10m £100m", True),  # any of the amounts
    ("£", True),  # a currency alone: any amount in it
    ("$", False),
])
def test_an_amount_searched_in_release_titles_is_matched_as_an_amount(q, found):
    query = release_query(q=q)
    assert matches(MONEY_TITLE, query.words, query.amounts) is found


def test_a_number_a_title_writes_without_its_currency_is_no_money_it_writes():
    """"1.5 million people" in a title is a count: a search for money (``£1.5m``, ``1.5m``, ``£``) does not find it."""
    title = ReleaseSummary(release_id="r3", version=1, title="1.5 million people to get help", source="gov-uk",
                           commitments=1)
    for q in ("£1.5m", "1.5m", "£"):
        query = release_query(q=q)
        assert not matches(title, query.words, query.amounts), q


@pytest.mark.parametrize(("title", "q", "found"), [
    pytest.param("£10m-£20m for counter-terrorism policing", "£20m", True, id="a-range-is-its-upper-bound"),
    pytest.param("£10m-£20m for counter-terrorism policing", "£10m", False, id="not-its-lower-bound"),
    pytest.param("£10-20m for policing", "£20m", True, id="the-scale-written-once"),
    pytest.param("$4-6 million for policing", "$6m", True, id="a-dollar-range"),
    pytest.param("Between £10m and £20m for policing", "£10m", False, id="between-and"),
    pytest.param("NZ$ 4.5m for the Pacific", "NZ$4.5m", True, id="a-country-dollar-sign"),
    pytest.param("A$20m for the region", "AUD", True, id="a-country-dollar-sign-by-its-code"),
    pytest.param("10 million pounds for policing", "£10m", True, id="a-currency-word"),
    pytest.param("3 million US dollars for training", "US$3m", True, id="a-country-currency-word"),
    pytest.param("3 million US dollars for training", "A$3m", False, id="not-another-dollar"),
])
def test_a_title_s_money_is_read_as_the_classifier_reads_it(title, q, found):
    """Before: "£10m-£20m" was £10m or £20m, "£10-20m" £10, and "NZ$ 4.5m", "A$20m" and "10 million pounds" no
    money a title writes."""
    summary = ReleaseSummary(release_id="r4", version=1, title=title, source="gov-uk", commitments=1)
    query = release_query(q=q)
    assert matches(summary, query.words, query.amounts) is found
