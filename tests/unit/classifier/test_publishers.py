"""Who speaks as "we": from the publishing site, a department slug, or the minister the release names."""

from __future__ import annotations

import random
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from schemas import ReleasePublished
from services.classifier.core.aliases import acronyms
from services.classifier.core.publishers import _PLAIN_URL, financial_year_start, government_of, publisher, url_path
from services.ingest.files import load_release

ROOT = Path(__file__).resolve().parents[3]


def _release(source: str, url: str, body: str, title: str = "News", release_id: str = "r-1") -> ReleasePublished:
    return ReleasePublished(release_id=release_id, version=1, url=url, title=title, source=source, body=body,
                            published_at=datetime(2017, 6, 1, tzinfo=timezone.utc),
                            content_hash="sha256:" + "0" * 64)


@pytest.mark.parametrize(("source", "url", "body", "expected"), [
    pytest.param("gov.uk", "https://www.gov.uk/government/news/x", "The Home Secretary announced new funding.",
                 "Home Office", id="uk-minister-names-department"),
    pytest.param("gov.uk", "https://www.gov.uk/government/news/x", "The Prime Minister announced a review.",
                 "UK government", id="uk-prime-minister-is-government"),
    pytest.param("gov.uk", "https://www.gov.uk/government/news/x", "Funding was announced.", "UK government",
                 id="uk-no-signal"),
    pytest.param("govuk-department-for-education", "https://www.gov.uk/x", "We will act.",
                 "Department for Education", id="source-names-department"),
    pytest.param("canada.ca", "https://www.canada.ca/en/public-safety-canada/news/x.html", "We will act.",
                 "Public Safety Canada", id="canada-url-path"),
    pytest.param("canada.ca (via newswire.ca)", "https://www.newswire.ca/x", "Funding was announced.",
                 "Government of Canada", id="canada-repost"),
    pytest.param("dhs.gov", "https://www.embassy.example/x", "We will act.",
                 "U.S. Department of Homeland Security", id="us-department-site"),
    pytest.param("whitehouse.gov", "https://whitehouse.gov/x", "We will act.", "United States government",
                 id="us-white-house"),
    pytest.param("ec.europa.eu", "https://ec.europa.eu/x", "We will act.", "European Commission",
                 id="eu-commission"),
    pytest.param("mfat.govt.nz", "https://www.mfat.govt.nz/x", "We will act.", "New Zealand government",
                 id="new-zealand"),
    pytest.param("mediastatements.wa.gov.au", "https://www.mediastatements.wa.gov.au/x", "We will act.",
                 "Government of Western Australia", id="australian-state"),
    pytest.param("www.nsw.gov.au", "https://www.nsw.gov.au/media-releases/x", "We will act.", "NSW Government",
                 id="australian-state-nsw"),
    pytest.param("www.pm.gov.au", "https://www.pm.gov.au/media/x", "We will act.", "Australian government",
                 id="australian-federal"),
])
def test_publisher(source, url, body, expected):
    assert publisher(_release(source, url, body)) == expected


def test_a_department_slug_in_the_id_names_the_publisher():
    assert publisher(_release("gov.uk", "https://x.example/y", "We will act.", release_id="dft-road-funding")) \
        == "Department for Transport"


def test_a_department_belongs_to_its_government():
    assert government_of("Home Office") == "UK government"
    assert government_of("Public Safety Canada") == "Government of Canada"


def test_acronyms_defined_in_the_body_and_the_publishers_initials():
    names = acronyms("The National Cyber Office (NCO) will open in May.", "U.S. Department of Homeland Security")
    assert names["NCO"] == "National Cyber Office"
    assert names["DHS"] == "U.S. Department of Homeland Security"


def test_every_named_department_starts_with_a_capital():
    """``_NAMED_RE`` only tries offsets before a capital letter."""
    import re

    from services.classifier.core.publishers import _NAMED

    for pattern, _ in _NAMED:
        depth, alternatives, current = 0, [], ""
        for char in pattern:
            depth += char == "("
            depth -= char == ")"
            if char == "|" and depth == 0:
                alternatives.append(current)
                current = ""
            else:
                current += char
        for alternative in alternatives + [current]:
            assert re.match(r"(?:\(\?:[A-Z][^()]*\)\?)?[A-Z]", alternative), alternative


@pytest.mark.parametrize(("source", "url", "month"), [
    pytest.param("gov.uk", "https://www.gov.uk/government/news/x", 4, id="uk-april"),
    pytest.param("canada.ca", "https://www.canada.ca/en/news/x.html", 4, id="canada-april"),
    pytest.param("minister.example.gov.au", "https://minister.example.gov.au/x", 7, id="australia-july"),
    pytest.param("beehive.govt.nz", "https://www.beehive.govt.nz/x", 7, id="new-zealand-july"),
    pytest.param("treasury.gov", "https://home.treasury.gov/news/x", 10, id="united-states-october"),
    pytest.param("press.un.org", "https://press.un.org/x", 4, id="unknown-april"),
])
def test_the_financial_year_starts_in_the_publishers_own_month(source, url, month):
    assert financial_year_start(_release(source, url, "Funding was announced.")) == month


_URL_PIECES = ["http", "https", "HTTPS", "ftp", "a+b", "1x", ":", "//", "/", "?", "#", "[", "]", "::1", "www.gov.uk",
               "example.com", ":8080", "news", "-", ".", "%20", " ", "\t", "\n", "\x00", "\x7f", "é", "a", "x?y#z",
               "user@"]


def test_url_path_as_urlsplit_reads_it():
    rnd = random.Random(31)
    urls = ["".join(rnd.choice(_URL_PIECES) for _ in range(rnd.randint(0, 8))) for _ in range(30000)]
    urls += [load_release(path).url or "" for path in sorted((ROOT / "tests" / "data" / "releases").glob("*.json"))]
    for url in urls:
        try:
            expected = urlsplit(url).path
        except ValueError:
            with pytest.raises(ValueError):
                url_path(url)
        else:
            assert url_path(url) == expected, url
    assert all(_PLAIN_URL.match(url) for url in urls[-100:])  # the releases' own addresses take the short way


def test_slug_words_and_site_tables_as_the_regexes_find_them():
    from services.classifier.core import publishers

    rnd = random.Random(7)
    pieces = ["gov.uk", ".gov", ".au", ".nz", ".ca", "www.", "home-office", "dfe", "/", "-", "_", ".", "g7", "İ", "é",
              "K", "2018", " ", "news", "https://", "x.gov.au/", "a.nz", "canada.ca", "%20"]
    for _ in range(3000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))).lower()
        assert publishers._alnum_words(text) == publishers._ALNUM.findall(text), text
        for table in (publishers._FINANCIAL_YEAR_STARTS, publishers._DOLLARS):
            found = [value for host in publishers._HOST.findall(text) for ending, value in table
                     if host.endswith(ending)]
            if found:
                assert publishers._holds_any(text, table), text


def _named_as_by_regex(text: str, label: str) -> list[str]:
    import re
    return re.findall(rf"(?<!\bof )(?<!\bfor )\b{re.escape(label)}\b", text, re.IGNORECASE)


@pytest.mark.parametrize("label", ["osce", "ofcom", "ontario", "justice", "g7", "a-a", "isd"])
def test_the_words_naming_a_sites_body_are_what_the_look_behind_regex_finds(label):
    from services.classifier.core.publishers import named_as
    pieces = [label, label.upper(), label.title(), "of ", "for ", "Of ", "FOR ", " ", "-", "_", "x", "é", "İ", "ſ",
              "K", "\n", ".", "professor ", "(", label + "s", "1"]
    shuffle = random.Random(label)
    for _ in range(3000):
        text = "".join(shuffle.choice(pieces) for _ in range(shuffle.randint(0, 12)))
        assert named_as(text, label) == _named_as_by_regex(text, label), (text, label)
    text = "The OSCE and the Minister for Osce met; of osce, OSCE-led work"
    assert named_as(text, "osce") == ["OSCE", "OSCE"]
