""""This year" and "next year" in a release that counts in financial years are those financial years."""

from __future__ import annotations

from datetime import date

from services.classifier.core import classify
from services.classifier.core.financial_years import as_financial_year, counts_in_financial_years, named_years
from services.classifier.core.folding import LoweredBody


def test_a_release_naming_a_current_financial_year_counts_in_them():
    assert counts_in_financial_years("The package is worth $2.3 million in 2003-04.", date(2003, 5, 15))
    assert counts_in_financial_years("Fiscal Year (FY) 2023 grants total $2 billion.", date(2023, 2, 27))
    assert not counts_in_financial_years("Between 2018-2020 crime fell; the plan runs to 2025.", date(2018, 1, 5))


def test_the_body_s_fold_made_once_finds_the_same_years():
    """The classifier passes the fold it made of the whole body (``LoweredBody``): the same years as a fold made
    again, where the body is sliced and where it is lowered span by span ("Σ", "İ")."""
    for body in ("Fiscal Year (FY) 2023 grants total $2 billion.", "ΣΟΦΟΣ: İn FY 2023-24, ſpending of 2018-19",
                 "The FY2024 plan, fiscal years 2019 and 2020 – in 2003/04.", "No year at all."):
        folded = LoweredBody(body, body.lower()).folded(0, len(body))
        assert [m.span() for m in named_years(body, folded=folded)] == [m.span() for m in named_years(body)]
        assert counts_in_financial_years(body, date(2019, 1, 1), folded=folded) == \
            counts_in_financial_years(body, date(2019, 1, 1))


def test_past_years_of_statistics_are_not_counting():
    assert not counts_in_financial_years("Use fell from 28.3 per cent in 2003/04 to 19.3 per cent in 2011/12.",
                                         date(2013, 1, 28))


def test_this_and_next_year_are_the_publishers_financial_years():
    assert as_financial_year("This year", date(2023, 2, 27), 10) == (date(2022, 10, 1), date(2023, 9, 30))
    assert as_financial_year("next year", date(2003, 5, 15), 7) == (date(2003, 7, 1), date(2004, 6, 30))
    assert as_financial_year("in this year", date(2017, 11, 29), 4) == (date(2017, 4, 1), date(2018, 3, 31))


def test_a_day_set_in_the_year_is_left_alone():
    assert as_financial_year("by the end of this year", date(2023, 2, 27), 10) is None


def test_classify_reads_this_year_as_the_financial_year_of_a_release_counting_in_them(make_release):
    release = make_release("The Home Office will provide £24 million in 2017-18 for policing.\n\nThis year, the "
                           "Home Office will fund 40 new specialist officers.")
    deadlines = [deadline for commitment in classify(release).commitments for deadline in commitment.deadlines
                 if deadline.text == "This year"]
    assert [(d.type, d.start, d.end) for d in deadlines] == [("period", date(2017, 4, 1), date(2018, 3, 31))]
