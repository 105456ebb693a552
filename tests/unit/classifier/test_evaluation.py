"""The evaluation's matching rules: lenient actors, quotes located in the body, half-overlap matches."""

from __future__ import annotations

import pytest

from pledgewatch.evaluation import actor_matches, deadline_key, locate


@pytest.mark.parametrize(("found", "label"), [
    ("UK", "UK government"),
    ("UK government", "Department for Transport / UK government"),
    ("Home Office", "Home Office (FRANK)"),
    ("FRANK", "Home Office (FRANK)"),
    ("departments", "DfE, Defra and Department of Health"),
    ("DfE", "Department for Education"),
    ("major communications companies", "communications companies"),
    ("These providers", "hosting service providers"),
])
def test_actor_names_that_count_as_the_same(found, label):
    assert actor_matches(found, label)


@pytest.mark.parametrize(("found", "label"), [
    ("Iraqi government", "UK government"),
    ("UK government", "Department for Education"),
    ("local authorities", "Department for Education"),
])
def test_actor_names_that_differ(found, label):
    assert not actor_matches(found, label)


def test_quotes_are_found_despite_curly_quotes_and_line_breaks():
    body = "Defra’s plan will involve new standards,\n\nincluding for schools."
    assert locate("Defra's plan will involve new standards, including", body) == (0, body.index("including") + 9)
    assert locate("not in the body", body) is None


def test_deadlines_compare_by_value_not_by_text():
    assert deadline_key({"type": "response_time", "min": "PT24H", "max": "P1D"}) == ("response_time", 86400.0,
                                                                                     86400.0)
    assert deadline_key({"type": "period", "start": "2017-11-29", "end": None}) == ("period", "2017-11-29",
                                                                                    None, True)
