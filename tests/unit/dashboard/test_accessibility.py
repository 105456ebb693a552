"""What assistive technology reads of the dashboard's pages: errors announced only when there are some, each
tied to its input and named in the tab's title."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from services.dashboard.browse_forms import BrowseErrors, BrowseForm
from services.dashboard.forms import FormErrors
from services.dashboard.pages import render
from services.dashboard.forms import CATEGORY_CHOICES, KIND_CHOICES
from services.dashboard.views import subscription_rows
from services.notifier.subscriptions import parse_subscription

from .test_views import NOW, _home

PAST_DAY = "until: must be in the future (given 2017-11-30T00:00:00Z)"


class _Elements(HTMLParser):
    """Every element's tag and attributes, in the order of the page."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.all: list[tuple[str, dict[str, str]]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.all.append((tag, {name: value or "" for name, value in attrs}))

    def by_id(self, element_id: str) -> tuple[str, dict[str, str]] | None:
        return next((e for e in self.all if e[1].get("id") == element_id), None)


def _dangling_descriptions(page: str) -> list[str]:
    """The ids an ``aria-describedby`` names that no element of the page holds."""
    elements = _Elements(page)
    return [f"{attrs.get('id')} -> {name}" for _, attrs in elements.all
            for name in attrs.get("aria-describedby", "").split() if elements.by_id(name) is None]


def _title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1)


def _rows():
    sub = parse_subscription({"id": "desk", "channels": ["console"]})
    return subscription_rows([(sub, "api")], {}, now=NOW)


def test_a_form_with_nothing_refused_announces_no_error():
    page = _home(subscriptions=_rows())
    assert 'role="alert"' not in page and "was not saved" not in page
    assert not FormErrors()


def test_every_refusal_is_shown_beside_an_input_that_names_it():
    everything = FormErrors([{"field": f, "message": "refused"} for f in (
        "id", "channels.0.url", "channels.0.secret", "filter.categories.0", "filter.kinds.0", "filter.actors",
        "filter.keywords", "filter.sources", "filter.min_confidence", "filter.min_amount", "filter.max_amount",
        "filter.currency", "timezone")])
    page = _home(errors=everything, category_choices=CATEGORY_CHOICES, kind_choices=KIND_CHOICES)
    assert _dangling_descriptions(page) == []
    elements = _Elements(page)
    for name in ("id", "target", "secret", "categories", "kinds", "actors", "keywords", "sources",
                 "min_confidence", "min_amount", "max_amount", "currency", "timezone"):
        assert elements.by_id(f"{name}-error") is not None, f"no refusal shown beside {name}"


def test_each_refusal_summed_up_at_the_top_leads_to_its_input():
    errors = FormErrors([{"field": "id", "message": "String should match pattern"},
                         {"field": "filter.min_confidence", "message": "Input should be less than or equal to 1"}])
    page = _home(errors=errors)
    summary = re.search(r'<div class="error" role="alert"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert re.findall(r'<a href="#([^"]+)">', summary) == ["id", "min_confidence"]


def test_a_refused_pause_is_tied_to_its_day_and_arrived_at():
    page = _home(subscriptions=_rows(), row_errors={"desk": PAST_DAY})
    elements = _Elements(page)
    _, day = elements.by_id("until-desk")
    assert day.get("aria-invalid") == "true"
    (described,) = day["aria-describedby"].split()
    _, error = elements.by_id(described)
    assert error.get("role") == "alert" and error.get("tabindex") == "-1"
    actions = [attrs["action"] for tag, attrs in elements.all if tag == "form" and "/pause" in attrs.get("action", "")]
    assert actions == [f"/dashboard/subscriptions/desk/pause#{described}"]
    assert _dangling_descriptions(page) == []


def test_a_page_answering_a_refusal_says_so_in_its_title():
    assert _title(_home()) == "Dashboard · pledgewatch"
    assert _title(_home(errors=FormErrors([{"field": "id", "message": "x"}]))).startswith("Error: ")
    assert _title(_home(subscriptions=_rows(), row_errors={"desk": PAST_DAY})).startswith("Error: ")
    assert _title(_home(failure="This form did not come from this page")).startswith("Error: ")
    signing_in = dict(signed_in=False, csrf="tok", can_sign_in=True, json_reads=True)
    assert _title(render("sign_in_page.html.j2", **signing_in, sign_in_error="That API token is not valid.")) \
        == "Error: Sign in · pledgewatch"
    listing = dict(signed_in=False, csrf="tok", can_sign_in=True, json_reads=True, path="/dashboard/releases",
                   form=BrowseForm(), first_link="/dashboard/releases", next_link=None, releases=[],
                   stopped_early=False)
    assert _title(render("releases.html.j2", **listing, errors=BrowseErrors())) == "All releases · pledgewatch"
    refused = BrowseErrors([("from", "From: '17/06/2017' is not a day")])
    assert _title(render("releases.html.j2", **listing, errors=refused)) == "Error: All releases · pledgewatch"


def test_no_two_inputs_share_a_name():
    """Before: each row's day was labelled "Pause until (a day, UTC)", so a screen reader moving from input to
    input heard the same name on every row, not which subscription it pauses."""
    subs = [parse_subscription({"id": name, "channels": ["console"]}) for name in ("desk", "ops")]
    page = _home(subscriptions=subscription_rows([(s, "api") for s in subs], {}, now=NOW),
                 category_choices=CATEGORY_CHOICES, kind_choices=KIND_CHOICES)
    labels = [re.sub(r"<[^>]+>|\s+", " ", text).strip()
              for text in re.findall(r"<label for=\"[^\"]+\">(.*?)</label>", page, re.S)]
    assert "Pause desk until (a day, UTC)" in labels
    assert len(labels) == len(set(labels)), sorted(label for label in labels if labels.count(label) > 1)


def test_a_heading_within_a_section_is_below_the_sections_own():
    """Before: the sign-in form under Subscriptions was headed h2, as if a section of its own beside it."""
    page = _home(signed_in=False, subscriptions=_rows())
    for section in re.findall(r'<section [^>]*aria-labelledby="([^"]+)"[^>]*>(.*?)</section>', page, re.S):
        title, body = section
        own = int(re.search(rf'<h([1-6]) id="{title}"', body).group(1))
        others = [int(level) for level, element_id in re.findall(r'<h([1-6])(?: id="([^"]*)")?', body)
                  if element_id != title]
        assert all(level > own for level in others), (title, own, others)
    assert '<h3 id="sign-in-title">Sign in</h3>' in page
