"""GOV.UK Content API items and Search API pages (pure)."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from services.ingest.errors import ContentError
from services.ingest.govuk import content_api_url, is_govuk_link, release_from_item
from services.ingest.identity import release_id_for
from services.ingest.search import SearchQuery, parse_search_page

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "govuk" / "content-api"
GOVUK = "https://www.gov.uk"


def item(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def release(name: str):
    return release_from_item(item(name), source="govuk", govuk_url=GOVUK).release


def test_press_release_becomes_a_release_with_paragraphs_kept():
    r = release("press_release")
    assert r.release_id == release_id_for("5b2f6c1e-8d47-4a0b-9c3e-2f71d4e8a901")
    assert r.url == GOVUK + "/government/news/new-fund-to-harden-regional-ports-against-terrorist-threats"
    assert r.published_at == datetime(2023, 3, 14, 9, 30, tzinfo=timezone.utc)
    assert (r.document_type, r.locale, r.withdrawn) == ("press_release", "en", False)
    assert r.organisations == ["Home Office", "Department for Transport"]
    paragraphs = r.body.split("\n\n")
    assert paragraphs[0].startswith("The Security Minister today (14 March 2023) announced a £24 million fund")
    assert "What the fund pays for" in paragraphs and "- new vehicle and freight screening lanes by March 2025" in paragraphs
    assert "<" not in r.body


def test_withdrawn_item_keeps_its_id_and_carries_the_notice():
    r = release("withdrawn")
    assert r.release_id == release("press_release").release_id
    assert r.withdrawn and r.withdrawn_notice == "This fund has been replaced by the Ports Security Programme."


def test_translation_has_its_locale_and_an_id_of_its_own():
    welsh, english = release("translated_welsh"), release("press_release")
    assert welsh.locale == "cy" and welsh.release_id != english.release_id
    assert welsh.title.startswith("Cronfa newydd")


def test_history_mode_item_keeps_its_original_dates():
    r = release("history_mode")
    assert r.published_at == datetime(2014, 6, 2, 9, 0, tzinfo=timezone.utc)
    assert r.document_type == "news_story"


def test_changed_text_changes_the_hash_and_a_changed_timestamp_does_not():
    base = item("press_release")
    retimed = {**base, "public_updated_at": "2023-04-01T00:00:00.000+00:00"}
    assert release_from_item(retimed, source="g", govuk_url=GOVUK).release.content_hash == release("press_release").content_hash
    assert release("press_release_changed").content_hash != release("press_release").content_hash


def test_item_is_dated_by_first_published_at_and_only_falls_back_to_public_updated_at():
    assert release_from_item(item("press_release"), source="g", govuk_url=GOVUK).dated
    updated_only = {k: v for k, v in item("press_release").items() if k != "first_published_at"}
    draft = release_from_item(updated_only, source="g", govuk_url=GOVUK)
    assert not draft.dated and draft.release.published_at.isoformat() == updated_only["public_updated_at"].replace(".000", "")


@pytest.mark.parametrize(
    ("data", "message"),
    [pytest.param({"base_path": "/x"}, "title", id="no-title"),
     pytest.param({"base_path": "/x", "title": "T", "details": {"body": "<p>b</p>"}}, "no first_published_at",
                  id="no-date"),
     pytest.param({"base_path": "/x", "title": "T", "first_published_at": "2020-01-01T00:00:00Z",
                   "details": {"body": "<script>x()</script>"}}, "no description or body", id="no-text"),
     pytest.param([1, 2], "not a Content API item", id="not-an-object"),
     pytest.param({"base_path": "/x", "title": "T", "first_published_at": "Not a date at all",
                   "public_updated_at": "2020-01-01T00:00:00Z", "details": {"body": "<p>b</p>"}},
                  r"not a Content API item \(first_published_at: Input should be a valid datetime", id="unreadable-date"),
     pytest.param({"base_path": "/x", "title": "T", "first_published_at": "2020-01-01T00:00:00",
                   "details": {"body": "<p>b</p>"}}, r"\(first_published_at: Input should have timezone info\)",
                  id="date-without-zone")],
)
def test_items_that_are_not_releases_are_refused(data, message):
    with pytest.raises(ContentError, match=message):
        release_from_item(data, source="g", govuk_url=GOVUK)


@pytest.mark.parametrize(
    ("link", "expected"),
    [("https://www.gov.uk/government/news/a-b", True), ("https://example.org/government/news/a", False),
     ("http://www.gov.uk/x", True), ("https://WWW.GOV.UK:443/x", True), ("https://www.gov.uk:8443/x", False)],
)
def test_govuk_links_are_recognised_by_scheme_host_and_port(link, expected):
    assert is_govuk_link(link, govuk_url=GOVUK) is expected


@pytest.mark.parametrize(
    ("link", "expected"),
    [pytest.param("http://127.0.0.1:8393/government/news/a", True, id="same-port"),
     pytest.param("http://127.0.0.1:8394/government/news/a", False, id="other-port"),
     pytest.param("http://127.0.0.1/government/news/a", False, id="default-port"),
     pytest.param("https://127.0.0.1:8393/government/news/a", False, id="other-scheme")],
)
def test_a_local_govuk_is_told_apart_from_other_ports_of_its_host(link, expected):
    assert is_govuk_link(link, govuk_url="http://127.0.0.1:8393") is expected


def test_the_description_is_not_read_as_body_text_when_the_body_states_it():
    data = {**item("press_release"), "description": "An extra £25 million for Prevent.",
            "details": {"body": "<p>The Home Office will give Prevent an extra £25 million next year.</p>"}}
    body = release_from_item(data, source="g", govuk_url=GOVUK).release.body
    assert body == "The Home Office will give Prevent an extra £25 million next year."


def test_an_item_with_no_body_text_is_read_from_its_description():
    data = {**item("press_release"), "description": "An extra £25 million for Prevent.", "details": {}}
    assert release_from_item(data, source="g", govuk_url=GOVUK).release.body == "An extra £25 million for Prevent."


def test_content_api_url_from_a_page_link():
    assert content_api_url("https://www.gov.uk/government/news/a-b?x=1#top", govuk_url=GOVUK) == \
        "https://www.gov.uk/api/content/government/news/a-b"


def test_search_query_asks_oldest_first_with_filters():
    query = SearchQuery(organisations=("home-office",), from_date=date(2020, 1, 1), to_date=date(2020, 12, 31),
                        page_size=50)
    params = parse_qsl(urlsplit(query.url(GOVUK, start=100)).query)
    assert ("filter_content_store_document_type", "press_release") in params
    assert ("filter_organisations", "home-office") in params
    assert ("filter_public_timestamp", "from:2020-01-01,to:2020-12-31") in params
    assert ("order", "public_timestamp") in params and ("start", "100") in params and ("count", "50") in params
    assert query.key() == SearchQuery(organisations=("home-office",), from_date=date(2020, 1, 1),
                                      to_date=date(2020, 12, 31), page_size=10).key()
    assert query.key() != SearchQuery().key()


def test_the_backfill_position_is_kept_per_site_and_the_default_sites_key_is_the_one_kept_before():
    window = SearchQuery(organisations=("home-office",), from_date=date(2020, 2, 1), to_date=date(2020, 2, 5))
    # The keys of GOV.UK's own site are those saved before the site was part of them: an upgrade resumes there.
    assert SearchQuery().key() == SearchQuery().key(site="https://www.gov.uk") == "c9464103823e8320"
    assert window.key(site="https://www.gov.uk/") == window.key(site="HTTPS://WWW.GOV.UK") == "e77a3955ee520322"
    sites = ["http://127.0.0.1:8765", "http://127.0.0.1:8766", "https://127.0.0.1:8765", "http://localhost:8765",
             "https://www.gov.uk/mirror"]
    keys = {window.key(site=site) for site in sites}
    assert len(keys) == len(sites) and "e77a3955ee520322" not in keys
    assert window.key(site="http://127.0.0.1:8765/") == window.key(site="http://127.0.0.1:8765")


def test_search_page_gives_paths_and_skips_links_off_govuk():
    page = parse_search_page({"results": [{"link": "/government/news/a"}, {"link": "https://elsewhere.org/x"}],
                              "total": 2, "start": 0})
    assert (page.paths, page.size, page.total, page.skipped) == (["/government/news/a"], 2, 2,
                                                                 ["https://elsewhere.org/x"])
    with pytest.raises(ContentError, match="not a Search API page"):
        parse_search_page({"error": "bad"})
