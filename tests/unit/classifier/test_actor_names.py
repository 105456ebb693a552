"""A capitalised name is read whole: a name whose first letter is lowercase before a capital ("eSafety") keeps
that letter, and a name joined by "and" ("Security and Co-operation") is not cut there."""

from __future__ import annotations

import pytest

from services.classifier.core.actors import name_actor

PUBLISHER = "Press release publisher"


@pytest.mark.parametrize(("subject", "sentence_start", "name"), [
    pytest.param("The eSafety Commissioner", True, "eSafety Commissioner", id="the-name-mid-subject"),
    pytest.param("Australia’s eSafety Commissioner", True, "eSafety Commissioner", id="after-a-possessive"),
    pytest.param("eSafety", True, "eSafety", id="one-word-at-the-sentence-start"),
])
def test_a_name_with_a_lowercase_first_letter_keeps_it(subject, sentence_start, name):
    actor = name_actor(subject, sentence_start, PUBLISHER)
    assert (actor.name, actor.agent) == (name, True)


def test_a_capitalised_first_word_of_a_sentence_is_still_no_name():
    assert name_actor("Today", True, PUBLISHER).name == PUBLISHER
