"""Where a trigger word can start in a lowercased body (one Aho–Corasick pass instead of a regex), and the
sentences that hold one.

``cue_positions(low)`` returns the start of every match ``REFERENCE`` (below) finds in ``low`` with
``finditer``, sorted, found with one multi-pattern scan (see ``folding.Lexicon``) and a word-boundary
check at each hit. Python's ``re`` tries every alternative of a big alternation at every offset; the
automaton reads each character once. ``tests/unit/classifier/test_cues.py`` compares the two.

``REFERENCE`` is the pattern this replaces, kept for the test. Its first-letter look-ahead has no "f", so
"forc…" never matched: that quirk is kept (no "forc" below).

``read_body(body)`` runs the same pass with the first words of the terrorism terms, the trigger words and the
words a calendar word begins with added, so that neither ``terrorism.score_release`` nor the reading of each
sentence (its trigger words, whether it may hold a deadline) reads the body again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final, NamedTuple

from .deadlines import CALENDAR_PREFIXES
from .folding import Lexicon, starts_within
from .sentences import Sentence
from .terrorism import _FIRST_WORDS as _TERM_FIRST_WORDS
from .triggers import TRIGGER_WORDS, TriggerWords

REFERENCE: Final = re.compile(
    r"\b(?=[wsmncpvuagridotleirybe])(?:will|shall|must|should|need|needs|commit\w*|pledg\w*|promis\w*|vow\w*|"
    r"undert\w*|agree\w*|resolved|going|plan|plans|intend\w*|step|steps|call\w*|urg\w*|press\w*|ask\w*|"
    r"demand\w*|requir\w*|instruct\w*|direct\w*|order\w*|oblig\w*|compel\w*|forc\w*|tell\w*|told|advocat\w*|"
    r"push\w*|argu\w*|lobb\w*|appeal\w*|essential|vital|important|crucial|imperative|critical|necessary|"
    r"want\w*|decid\w*|invit\w*|request\w*|encourag\w*|is\s+to|are\s+to|set\s+to|right\s+for|time\s+for|"
    r"pounds?|dollars?|euros?|million|billion|bn|usd|eur|gbp|aud|cad|nzd|mandates?|extend\w*|renew\w*|prolong\w*)\b"
    r"|[£$€]|['’]ll\b")

# What a hit needs besides the word itself (each Final: compiled, a constant, not a look-up in the module's globals)
_WHOLE: Final = 0
_PREFIX: Final = 1
_PAIR: Final = 2
_ANYWHERE: Final = 3
_SUFFIX: Final = 4
_TERM: Final = 5  # no cue: where a terrorism term can start (see read_body)
_CALENDAR: Final = 6  # no cue: where a calendar word can start (``deadlines.CALENDAR_PREFIXES``, see read_body)
_WORDS: Final = {
    _WHOLE: "will shall must should need needs resolved going plan plans step steps told essential vital important "
            "crucial imperative critical necessary pound pounds dollar dollars euro euros million billion bn usd "
            "eur gbp aud cad nzd mandate mandates",
    _PREFIX: "commit pledg promis vow undert agree intend call urg press ask demand requir instruct direct order "
             "oblig compel tell advocat push argu lobb appeal want decid invit request encourag extend renew prolong",
    _PAIR: "is are set right time",  # "is to", "right for": checked with _PAIRED
    _ANYWHERE: "£ $ €",
    _SUFFIX: "'ll ’ll",  # no boundary before, one after
}
_PAIRED: Final = re.compile(r"(?:is|are|set)\s+to\b|(?:right|time)\s+for\b")
_SPACES: Final = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
          "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"  # what \s matches


_Value = tuple[int | None, object]  # the word's kind, its trigger value


def _lexicon(terms: tuple[str, ...] = (), triggers: Mapping[str, object] | None = None,
             calendar: tuple[str, ...] = ()) -> Lexicon[_Value]:
    """The cue words, each with (its kind, None), ``terms`` as _TERM words, ``calendar`` as _CALENDAR words, and
    the words of ``triggers`` (``triggers.TRIGGER_WORDS``) with their value second: a word may be a cue and a
    trigger word at once."""
    entries: dict[str, _Value] = {}
    for kind, words in _WORDS.items():
        for word in words.split():
            if kind == _PAIR:  # held with the start of what _PAIRED needs after it, so that the common "is "
                # and "this " are no hits: a space and "to" ("for"), or a second space
                follower = "for" if word in ("right", "time") else "to"
                for space in _SPACES:
                    entries.update((word + space + after, (kind, None)) for after in (follower, *_SPACES))
            else:
                entries[word] = (kind, None)
    for term in terms:
        if term in entries:
            raise ValueError(f"{term!r} is a cue word")
        entries[term] = (_TERM, None)
    for word in calendar:
        if word in entries or triggers and word in triggers:
            raise ValueError(f"{word!r} is a cue, term or trigger word")
        entries[word] = (_CALENDAR, None)
    for word, value in (triggers or {}).items():
        entries[word] = (entries.get(word, (None, None))[0], value)
    return Lexicon(entries.items())


_CUES: Final = _lexicon()
_BODY_WORDS: Final = _lexicon(_TERM_FIRST_WORDS, TRIGGER_WORDS, CALENDAR_PREFIXES)


class BodyWords(NamedTuple):
    """What ``read_body`` finds in a release body."""

    cues: list[int]  # cue_positions(body.lower())
    # Where fold(body) is body.lower() (else None): terrorism.term_starts(fold(body)), and the trigger words.
    term_starts: list[int] | None
    triggers: TriggerWords | None
    calendar: list[int] | None  # where a word of deadlines.CALENDAR_PREFIXES starts, sorted (None as above)


def read_body(body: str, *, low: str | None = None) -> BodyWords:
    """Where a cue, a terrorism term and a trigger word can start in ``body``, found in one pass where the
    folded and the lowercased body are the same string (``fold`` differs from ``str.lower`` on three letters
    only). ``low``: ``body.lower()``, when known."""
    low = body.lower() if low is None else low
    if not body.isascii() and ("İ" in body or "ı" in body or "ſ" in body):
        return BodyWords(cue_positions(low), None, None, None)
    cues, terms, triggers, calendar = _scan(low, _BODY_WORDS)
    return BodyWords(cues, terms, TriggerWords(triggers), calendar)  # type: ignore[arg-type]  # TRIGGER_WORDS' values


def calendar_starts(words: BodyWords, start: int, end: int) -> list[int] | None:
    """Where a word of ``deadlines.CALENDAR_PREFIXES`` starts in ``fold(body[start:end])`` (offsets relative to
    ``start``; those of a word that runs past ``end`` too, which ``may_hold_deadline`` reads as it reads any other
    start), read off the body's pass; None when unknown."""
    return None if words.calendar is None else starts_within(words.calendar, start, end)


def cue_positions(low: str) -> list[int]:
    """The sorted start offsets of ``REFERENCE.finditer(low)``."""
    return _scan(low, _CUES)[0]


def _scan(low: str, lexicon: Lexicon[_Value]) -> tuple[list[int], list[int], list[tuple[int, int, object]],
                                                       list[int]]:
    """The cue offsets and the _TERM word offsets in ``low``, each sorted, the trigger words' hits
    (start, end, value), and the _CALENDAR word offsets, sorted."""
    cues, terms, triggers, calendar = set(), set(), [], set()
    size = len(low)
    values = lexicon.values
    for index, start, end in lexicon.hits(low):
        kind, trigger = values[index]
        if trigger is not None:
            triggers.append((start, end, trigger))
        if kind is None:  # a trigger word only (an int from here: compiled, compared as one)
            continue
        if kind == _ANYWHERE:
            cues.add(start)
        elif kind == _TERM:
            terms.add(start)
        elif kind == _CALENDAR:
            calendar.add(start)
        elif kind != _SUFFIX and start and (low[start - 1].isalnum() or low[start - 1] == "_"):
            continue  # a \w character before: no word boundary (the test is inlined: this loop is hot)
        elif kind == _PREFIX or kind == _PAIR and _PAIRED.match(low, start):
            cues.add(start)
        elif kind == _WHOLE or kind == _SUFFIX:
            if end == size or not (low[end].isalnum() or low[end] == "_"):
                cues.add(start)
    return sorted(cues), sorted(terms), triggers, sorted(calendar)


# The sentences worth reading closely: every trigger holds a cue, and a headline may announce without one.
_HEADLINE: Final = r"[A-Z0-9][^\n.,;:]{0,60}?\s+to\s"  # "Councils to get £100m"
_HEADLINE_CUE: Final = re.compile("^" + _HEADLINE, re.MULTILINE)  # what ``_headline_cues`` finds
# A line break before a headline: searched for as fast as str.find, as the pattern starts with one character.
_BREAK_BEFORE_HEADLINE: Final = re.compile(r"\n(?=" + _HEADLINE + ")")


def candidate_sentences(body: str, sentences: list[Sentence], *, cues: list[int] | None = None) -> list[Sentence]:
    """The sentences that hold a trigger word, found with one scan of ``body`` (``cues``: its
    ``cue_positions(body.lower())`` if the caller has them, from ``read_body``)."""
    if cues is None:
        cues = cue_positions(body.lower())
    positions = sorted(cues + _headline_cues(body))
    chosen: list[Sentence] = []
    index = 0
    for position in positions:
        while index < len(sentences) and sentences[index].end <= position:
            index += 1
        if index == len(sentences):
            break
        if sentences[index].start <= position and (not chosen or chosen[-1] is not sentences[index]):
            chosen.append(sentences[index])
    return chosen


_HEADLINE_REACH: Final = 60  # characters of a headline's subject after its first (_HEADLINE)
_HEADLINE_FIRST: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _headline_cues(body: str) -> list[int]:
    """``[m.start() for m in _HEADLINE_CUE.finditer(body)]``, trying only line starts (where "^" matches). A
    match may run on past a line break, but only over spaces and "to ", where no match can start."""
    return _breaks_before_headlines(body, first=True)


def _breaks_before_headlines(body: str, *, first: bool = False) -> list[int]:
    """``[m.end() for m in _BREAK_BEFORE_HEADLINE.finditer(body)]``, read from each "to" between spaces rather
    than by trying the pattern's lazy run after every line break. A line break matches when such a "to"
    follows spaces that begin at most _HEADLINE_REACH characters after its line's first character, with no
    line break and none of ".,;:" before them, and that first character is one of _HEADLINE_FIRST. ``first``:
    0 too when the body's first line so begins (``_HEADLINE_CUE.match(body)``: read in the same pass, where the
    lazy run tried at 0 cost as much as the pass)."""
    starts = set()
    size = len(body)
    at = body.find("to", 1)
    while at != -1:
        if at + 2 < size and body[at + 2].isspace() and body[at - 1].isspace():
            spaces = at - 1  # where the spaces before "to" begin
            while spaces > 0 and body[spaces - 1].isspace():
                spaces -= 1
            line_break = body.rfind("\n", max(0, spaces - _HEADLINE_REACH - 2), spaces)
            if line_break == -1:  # the first line, when no line break is near enough
                if first and spaces <= _HEADLINE_REACH + 1 and body[0] in _HEADLINE_FIRST \
                        and body.find(".", 0, spaces) == -1 and body.find(",", 0, spaces) == -1 \
                        and body.find(";", 0, spaces) == -1 and body.find(":", 0, spaces) == -1:
                    starts.add(0)
            elif body[line_break + 1] in _HEADLINE_FIRST \
                    and body.find(".", line_break, spaces) == -1 and body.find(",", line_break, spaces) == -1 \
                    and body.find(";", line_break, spaces) == -1 and body.find(":", line_break, spaces) == -1:
                starts.add(line_break + 1)
        at = body.find("to", at + 1)
    return sorted(starts)
