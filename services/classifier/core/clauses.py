"""One commitment per clause with its own actor and action: "We will continue to support stabilisation,
and we will continue to lead Coalition efforts …" holds two. The other clauses of such a sentence that
hold a cue ("$186 million to expand the prison; $34.6 million to roll out tablets; …", a list joined into
one sentence) are proposed on their own with no reading, so that the decision stage weighs each of them."""

from __future__ import annotations

import re
from typing import Final

from .actors import Actor
from .commitments import Found, find_commitment, may_commit
from .folding import LoweredBody, case_sensitive
from .sentences import Sentence
from .triggers import TriggerWords, read_cues

# A clause boundary: ", and" / ", but" / ", while" / ";" before a new subject. Written to begin with "[,;]"
# so that the regex engine skips quickly to those characters.
_BOUNDARY: Final = re.compile(r"[,;](?:\s+(?:and|but|while|whilst)|(?<=;))\s+(?=\S)", re.IGNORECASE)
_BOUNDARY_FOLDED: Final = case_sensitive(_BOUNDARY)  # over the folded text: same spans, faster
# Whether there is a boundary at all, by regexes that begin with a literal (the fastest scan), over the
# sentence itself: most sentences have none, and need not be folded here.
_SEMICOLON: Final = re.compile(r";\s+\S")
_COMMA_AND: Final = re.compile(r",\s+(?:and|but|while|whilst)\s+\S", re.IGNORECASE)


def commitments_in(body: str, sentence: Sentence, publisher: str, previous: Actor | None,
                   words: TriggerWords | None = None, *, alone: bool,
                   lowered: LoweredBody | None = None,
                   money: bool | None = None) -> list[tuple[Sentence, Found | None]]:
    """The commitments ``sentence`` makes: one per clause when two or more clauses each name their own
    actor and act (with each other clause that may commit, read as none), else at most one for the whole
    sentence. ``words``: the body's trigger words, if known
    (``cues.read_body``); ``alone``: whether the sentence is the whole of its paragraph
    (``proposals.Paragraphs``); ``lowered``: the body lowercased, and ``money``: ``has_money`` of the sentence,
    if known."""
    lowered = LoweredBody(body, None) if lowered is None else lowered
    text = body[sentence.start:sentence.end]
    if _has_boundary(text):
        clauses, begin = [], 0
        for match in _BOUNDARY_FOLDED.finditer(lowered.folded(sentence.start, sentence.end)):
            clauses.append(tuple.__new__(Sentence, (sentence.start + begin, sentence.start + match.start())))
            begin = match.end()
        clauses.append(tuple.__new__(Sentence, (sentence.start + begin, sentence.end)))  # no Python frame
        readable = []  # (clause, its cues) for the clauses that may commit
        for clause in clauses:
            start, end = clause
            cues = words.within(start, end) if words else read_cues(lowered.folded(start, end))
            if may_commit(body[clause.start:clause.end], cues):
                readable.append((clause, cues))
        found: list[tuple[Sentence, Found | None]] = []
        for clause, cues in readable if len(readable) > 1 else ():
            commitment = find_commitment(body[clause.start:clause.end], publisher, previous, cues=cues,
                                         low=lowered.low(clause.start, clause.end),
                                         folded=lowered.folded(clause.start, clause.end))
            if commitment is not None and commitment.trigger.start > 0:  # its own subject before the verb
                found.append((clause, commitment))
                previous = commitment.actor
            else:
                found.append((clause, None))
        if sum(commitment is not None for _, commitment in found) > 1:
            return found
    commitment = find_commitment(text, publisher, previous, alone=alone,
                                 cues=words.within(sentence.start, sentence.end) if words else None,
                                 low=lowered.low(sentence.start, sentence.end),
                                 folded=lowered.folded(sentence.start, sentence.end), money=money)
    return [(sentence, commitment)] if commitment is not None else []


def _has_boundary(text: str) -> bool:
    """``_BOUNDARY.search(text) is not None``."""
    return ";" in text and _SEMICOLON.search(text) is not None or "," in text and _COMMA_AND.search(text) is not None
