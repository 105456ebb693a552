"""A sentence of any length is read within the time budget: the rules read a run of text with no sentence
boundary in pieces of at most ``MAX_SENTENCE_CHARS``, so the budget is looked at between pieces."""

from __future__ import annotations

import time

from services.classifier.core import classify
from services.classifier.core.sentences import MAX_SENTENCE_CHARS, split_sentences

# one sentence, as a table pasted without punctuation: every sum and every deadline in it
PIECE = "£1,000,000 by 2027 within 30 days 12 "


def _one_sentence(chars: int) -> str:
    return "The government will invest " + PIECE * (chars // len(PIECE))


def test_a_sentence_longer_than_the_cap_is_read_in_pieces_cut_at_spaces_and_losing_no_word():
    body = _one_sentence(3 * MAX_SENTENCE_CHARS + MAX_SENTENCE_CHARS // 2)
    pieces = split_sentences(body)
    assert len(pieces) == 4
    assert all(0 < end - start <= MAX_SENTENCE_CHARS for start, end in pieces)
    assert all(body[end] == " " for _, end in pieces[:-1])  # no word cut in two
    assert " ".join(body[start:end] for start, end in pieces) == body.rstrip()


def test_a_word_longer_than_the_cap_is_cut_at_the_cap():
    body = "x" * (2 * MAX_SENTENCE_CHARS + 5)
    assert [(s.start, s.end) for s in split_sentences(body)] == [
        (0, MAX_SENTENCE_CHARS), (MAX_SENTENCE_CHARS, 2 * MAX_SENTENCE_CHARS), (2 * MAX_SENTENCE_CHARS, len(body))]


def test_sentences_within_the_cap_are_read_whole():
    first, second = _one_sentence(MAX_SENTENCE_CHARS - 100).rstrip() + ".", _one_sentence(MAX_SENTENCE_CHARS - 100)
    body = first + " " + second
    assert [body[start:end] for start, end in split_sentences(body)] == [first, second.rstrip()]


def test_the_time_budget_stops_reading_inside_one_long_sentence(make_release):
    """Before: the budget was looked at between sentences only, and one 2 MB sentence took 16 s against 10."""
    body = _one_sentence(6 * MAX_SENTENCE_CHARS)
    seconds = iter(range(10_000))  # every look at the clock: one second later
    result = classify(make_release(body), budget_seconds=1.5, clock=lambda: next(seconds))
    second = split_sentences(body)[1]
    assert len(result.commitments) == 1
    assert result.commitments[0].text == body[:second.start].rstrip()
    assert result.unsupported_reason.startswith(f"read up to character {second.start} of {len(body)}: "
                                                "stopped at the time budget of 1.5 s")


def test_a_megabyte_sentence_is_classified_within_a_short_budget(make_release):
    release = make_release(_one_sentence(1_000_000))
    started = time.monotonic()
    result = classify(release, budget_seconds=0.2)
    assert time.monotonic() - started < 1.5  # before: 3 to 5 s
    assert "stopped at the time budget of 0.2 s" in result.unsupported_reason
