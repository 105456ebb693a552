"""Where a trigger word can start in a lowercased body (one Aho–Corasick pass instead of a regex), and the
sentences that hold one.

``cue_positions(low)`` returns the start of every match ``REFERENCE`` (below) finds in ``low`` with
``finditer``, sorted, found with one C-level multi-pattern scan (``pyahocorasick``) and a word-boundary
check at each hit. Python's ``re`` tries every alternative of a big alternation at every offset; the
automaton reads each character once. ``tests/unit/classifier/test_cues.py`` compares the two.

``REFERENCE`` is the pattern this replaces, kept for the test. Its first-letter look-ahead has no "f", so
"forc…" never matched: that quirk is kept (no "forc" below).
"""

from __future__ import annotations

import re

import ahocorasick

from .sentences import Sentence

REFERENCE = re.compile(
    r"\b(?=[wsmncpvuagridotleiry])(?:will|shall|must|should|need|needs|commit\w*|pledg\w*|promis\w*|vow\w*|"
    r"undert\w*|agree\w*|resolved|going|plan|plans|intend\w*|step|steps|call\w*|urg\w*|press\w*|ask\w*|"
    r"demand\w*|requir\w*|instruct\w*|direct\w*|order\w*|oblig\w*|compel\w*|forc\w*|tell\w*|told|advocat\w*|"
    r"push\w*|argu\w*|lobb\w*|appeal\w*|essential|vital|important|crucial|imperative|critical|necessary|"
    r"want\w*|decided|is\s+to|are\s+to|set\s+to|right\s+for|time\s+for|pounds?|dollars?|euros?)\b"
    r"|[£$€]|['’]ll\b")

_WHOLE, _PREFIX, _PAIR, _ANYWHERE, _SUFFIX = range(5)  # what a hit needs besides the word itself
_WORDS = {
    _WHOLE: "will shall must should need needs resolved going plan plans step steps told essential vital important "
            "crucial imperative critical necessary decided pound pounds dollar dollars euro euros",
    _PREFIX: "commit pledg promis vow undert agree intend call urg press ask demand requir instruct direct order "
             "oblig compel tell advocat push argu lobb appeal want",
    _PAIR: "is are set right time",  # "is to", "right for": checked with _PAIRED
    _ANYWHERE: "£ $ €",
    _SUFFIX: "'ll ’ll",  # no boundary before, one after
}
_PAIRED = re.compile(r"(?:is|are|set)\s+to\b|(?:right|time)\s+for\b")

_AUTOMATON = ahocorasick.Automaton()
for _kind, _words in _WORDS.items():
    for _word in _words.split():
        _AUTOMATON.add_word(_word, (len(_word) - 1, _kind))
_AUTOMATON.make_automaton()


def _is_word(char: str) -> bool:
    """``re``'s ``\\w`` for one character of a str pattern."""
    return char.isalnum() or char == "_"


def cue_positions(low: str) -> list[int]:
    """The sorted start offsets of ``REFERENCE.finditer(low)``."""
    found = set()
    size = len(low)
    for end, (length, kind) in _AUTOMATON.iter(low):
        start = end - length
        if kind == _ANYWHERE:
            found.add(start)
            continue
        if kind != _SUFFIX and start and _is_word(low[start - 1]):
            continue  # no word boundary before
        if kind == _PREFIX or kind == _PAIR and _PAIRED.match(low, start) \
                or kind in (_WHOLE, _SUFFIX) and (end + 1 == size or not _is_word(low[end + 1])):
            found.add(start)
    return sorted(found)


# The sentences worth reading closely: every trigger holds a cue, and a headline may announce without one.
_HEADLINE_CUE = re.compile(r"^[A-Z0-9][^\n.,;:]{0,60}?\s+to\s", re.MULTILINE)  # "Councils to get £100m"


def candidate_sentences(body: str, sentences: list[Sentence]) -> list[Sentence]:
    """The sentences that hold a trigger word, found with one scan of ``body``."""
    positions = sorted(cue_positions(body.lower()) + _headline_cues(body))
    chosen, index = [], 0
    for position in positions:
        while index < len(sentences) and sentences[index].end <= position:
            index += 1
        if index == len(sentences):
            break
        if sentences[index].start <= position and (not chosen or chosen[-1] is not sentences[index]):
            chosen.append(sentences[index])
    return chosen


def _headline_cues(body: str) -> list[int]:
    """``[m.start() for m in _HEADLINE_CUE.finditer(body)]``, trying only line starts (where "^" matches). A
    match may run on past a line break, but only over spaces and "to ", where no match can start."""
    found, at = [], 0
    while at != -1:
        match = _HEADLINE_CUE.match(body, at)
        if match is not None:
            found.append(at)
        at = body.find("\n", at)
        at = at + 1 if at != -1 else -1
    return found
