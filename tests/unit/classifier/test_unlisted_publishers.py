"""A release from a site missing from the publishers table is no UK government's (issue #12): the actor written
is the body the site's host spells, else the site, else "the publisher"; what the model weighs stays the same."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from schemas import ReleasePublished
from services.classifier.core import classify
from services.classifier.core.classifier import proposals_of
from services.classifier.core.cues import read_body
from services.classifier.core.proposals import propose
from services.classifier.core.publishers import UNLISTED, publisher, shown_publisher
from services.classifier.core.sentences import split_sentences
from services.ingest.files import load_release

ROOT = Path(__file__).resolve().parents[3]


def _release(source: str, url: str, body: str, title: str = "News") -> ReleasePublished:
    return ReleasePublished(release_id="r-1", version=1, url=url, title=title, source=source, body=body,
                            published_at=datetime(2025, 6, 1, tzinfo=timezone.utc),
                            content_hash="sha256:" + "0" * 64)


@pytest.mark.parametrize(("source", "url", "body", "expected"), [
    pytest.param("ofcom.org.uk", "https://www.ofcom.org.uk/x", "Ofcom will publish its guidance. We will act.",
                 "Ofcom", id="regulator"),
    pytest.param("osce.org", "https://www.osce.org/x", "The OSCE Permanent Council adopted a decision today.", "OSCE",
                 id="acronym"),
    pytest.param("news.ontario.ca", "https://news.ontario.ca/x", "The Ontario government is helping police in Ontario.",
                 "Ontario", id="province"),
    pytest.param("justice.ie", "https://www.justice.ie/x", "The Minister for Justice said criminal justice reform will "
                 "follow.", "the publisher (justice.ie)", id="a-common-word-names-no-body"),
    pytest.param("osce.org", "https://www.osce.org/x", "The Prime Minister of Albania met the OSCE mission.", "OSCE",
                 id="a-prime-minister-on-a-foreign-site-is-no-uk-one"),
    pytest.param("interpol", "https://www.interpol.int/x", "We will act.", "the publisher (interpol.int)",
                 id="host-of-the-url"),
    pytest.param("folder", "file:///tmp/x.txt", "Funding was announced.", "the publisher", id="no-site"),
    pytest.param("folder", "urn:pledgewatch:x.y", "Funding was announced.", "the publisher", id="no-site-urn"),
    pytest.param("folder", "file:///tmp/x.txt", "The Prime Minister announced funding.", None,
                 id="no-site-a-uk-minister-names-the-uk"),
    pytest.param("gov.uk", "https://www.gov.uk/x", "Funding was announced.", None, id="listed-site"),
])
def test_shown_publisher(source, url, body, expected):
    release = _release(source, url, body)
    assert shown_publisher(release) == expected
    assert publisher(release) == "UK government" or expected is None  # what the rules read stays the same


def test_a_pledge_on_an_unlisted_site_is_not_the_uk_governments():
    result = classify(_release("osce.org", "https://www.osce.org/x",
                               "We will fund the mission with €5m.\nThe government will review it by 2027.\n"
                               "The UK Government will provide £2m to the mission by June 2026.", title="OSCE mission"))
    actors = {c.text.split()[1]: c.actor for c in result.commitments}
    assert actors == {"will": "OSCE", "government": "OSCE", "UK": "UK government"}  # the UK named is the UK's


def test_the_model_reads_the_same_signals_under_the_stand_in_name():
    """Every proposal of every training release with a default publisher reads the same signals under the
    stand-in name the classifier passes the rules as under "UK government" (which training reads)."""
    compared = 0
    for path in sorted((ROOT / "tests" / "data" / "releases").glob("*.json")):
        release = load_release(path)
        if shown_publisher(release) is None:
            continue
        body = release.body
        under_stand_in = propose(body, split_sentences(body), read_body(body), UNLISTED,
                                 year=release.published_at.year)
        for (span, found, read), (span2, found2, read2) in zip(proposals_of(release), under_stand_in, strict=True):
            assert span == span2 and read == read2 and (found is None) == (found2 is None)
            if found is not None and found2 is not None:
                assert found.trigger == found2.trigger
                assert found.actor[1:] == found2.actor[1:]  # agent, hostile, own
        compared += 1
    assert compared > 5
