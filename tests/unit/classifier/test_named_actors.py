"""Who commits where no site or name says who published a release: the body a sentence names ("Ofcom will
publish …"), never the stand-in "the publisher"."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from schemas import ReleasePublished
from services.classifier.core import classify

_OFCOM = ("Ofcom has today written to the largest video-sharing platforms operating in the UK.\n\n"
          "Platforms must remove terrorist content within one hour of being notified by the police.\n\n"
          "The regulator has also required each platform to respond to its information request within 28 days.\n\n"
          "Ofcom will publish its assessment of the responses by 30 June 2027.")


def _file_release(body: str, title: str) -> ReleasePublished:
    """A release file with no address and no source naming its publisher (as `pledgewatch classify` reads one)."""
    return ReleasePublished(release_id="rel-1", version=1, url="file:///tmp/release.txt", title=title,
                            source="folder", body=body, published_at=datetime(2026, 12, 7, tzinfo=timezone.utc),
                            content_hash="sha256:" + "0" * 64)


def test_a_release_with_no_publisher_keeps_the_body_its_sentences_name():
    # the title writes the name inside a sentence: a common word a sentence starts with ("Schools will …") it never is
    result = classify(_file_release(_OFCOM, "Video-sharing platforms must act on terrorist content, says Ofcom"))
    actors = {c.text.split()[0]: c.actor for c in result.commitments}
    assert actors["Ofcom"] == "Ofcom"
    assert "the publisher" not in actors.values()


@pytest.mark.parametrize("body", [
    pytest.param("Funding will reach every school by 2027.\n\nThe funding is part of a wider plan.",
                 id="a-word-the-release-writes-in-lowercase"),
    pytest.param("Councils will be given £5m by 2027.", id="a-passive"),
])
def test_a_common_word_at_a_sentence_s_start_names_no_body(body):
    result = classify(_file_release(body, "News"))
    assert [c.actor for c in result.commitments] == ["the publisher"]


@pytest.mark.parametrize("body", [
    pytest.param("Schools will get £10m by 2027.\n\nSchools will be told in January.", id="schools"),
    pytest.param("Applications will open on 1 March 2027.\n\nApplications must be made online by 30 April 2027.",
                 id="applications"),
])
def test_a_word_a_release_capitalises_only_at_a_sentence_s_start_names_no_body(body):
    result = classify(_file_release(body, "News"))
    actors = [c.actor for c in result.commitments]
    assert actors[0] == "the publisher"
    assert body.split()[0] not in actors
