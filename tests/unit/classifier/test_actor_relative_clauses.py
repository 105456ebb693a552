"""A relative clause describes the body before it: in "platforms that fall within Ofcom’s jurisdiction are
required to", the platforms act, not Ofcom."""

from __future__ import annotations

import pytest

from services.classifier.core.actors import clause_subject


def _subject(sentence: str, verb: str) -> str:
    return clause_subject(sentence, sentence.index(verb))


@pytest.mark.parametrize(("sentence", "verb", "subject"), [
    pytest.param("Video-sharing platforms that fall within Ofcom’s jurisdiction are required to put in place "
                 "measures.", "are required", "Video-sharing platforms", id="that"),
    pytest.param("Search services which are likely to be accessed by children must assess the risks.", "must",
                 "Search services", id="which"),
    pytest.param("Providers who receive a notice from the Commissioner will have to remove the material.",
                 "will have", "Providers", id="who"),
])
def test_a_relative_clause_after_a_body_leaves_the_body_the_subject(sentence, verb, subject):
    assert _subject(sentence, verb) == subject


@pytest.mark.parametrize(("sentence", "verb", "subject"), [
    pytest.param("The minister said that councils will publish their plans.", "will", "councils", id="said-that"),
    pytest.param("The Government confirmed that Ofcom will enforce the rules.", "will", "Ofcom",
                 id="confirmed-that"),
])
def test_a_clause_after_a_verb_has_its_own_subject(sentence, verb, subject):
    assert _subject(sentence, verb) == subject


def test_a_clause_with_its_own_subject_after_a_body_is_no_relative_clause():
    sentence = "Kofi Annan told the Council that the fight against terrorism must begin with the law."
    assert _subject(sentence, "must") == "the fight against terrorism"
