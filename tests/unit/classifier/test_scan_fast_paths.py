"""The shortcuts in scanning a whole release (sentence splitting, the shared cue and terrorism pass, the
publisher's name and host look-ups, acronyms) find exactly what the plain code finds, on the labelled
releases and on random text built from the patterns' own words."""

from __future__ import annotations

import random
import re
from pathlib import Path

from services.classifier.core import aliases, cues, deadlines, publishers, terrorism, triggers
from services.classifier.core.cues import cue_positions, read_body
from services.classifier.core.folding import fold, starts_within
from services.classifier.core.sentences import Sentence, split_sentences
from services.ingest.files import load_release
from tests.shipped_seeds import SEED_RELEASE

_ROOT = Path(__file__).resolve().parents[3]
_RELEASES = [load_release(path) for path in sorted((_ROOT / "tests" / "data" / "releases").glob("*.json"))
             + [SEED_RELEASE]]


def _random_texts(pieces: list[str], count: int, seed: int, longest: int = 30) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, longest))) for _ in range(count)]


# The splitter as it was: each paragraph cut out, and an abbreviation looked for at every boundary.
_PLAIN_PARAGRAPH = re.compile(r"[^\n]+")
_PLAIN_CONTINUES = re.compile(r"(?:,|;|\b(?:and|or|including))\s*$")
_PLAIN_BOUNDARY = re.compile(r"[.!?](?:[)\"'’”]*\s+(?=[\"'‘“(]?[A-Z0-9£$€])"
                             r"|(?<=[a-z]{2}[.!?])[)\"'’”]*(?=[A-Z][a-z]))")
_PLAIN_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sir|St|Rt|Hon|Gen|Col|Lt|Capt|Sgt|Rev|No|Nos|Co|Ltd|Inc|vs?|etc|"
    r"approx|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|[A-Z])|\b(?:e\.g|i\.e|U\.S|U\.K|a\.m|p\.m))\.$")
_PLAIN_BULLET = re.compile(r"^(?:[-–•*·]|\d{1,2}[.)])\s+")


def _plain_split(body: str) -> list[Sentence]:
    sentences, pending = [], None
    for paragraph in _PLAIN_PARAGRAPH.finditer(body):
        text = paragraph.group()
        if not text.strip():
            continue
        pieces = _plain_pieces(text, paragraph.start())
        if pending is not None and pieces:
            pieces[0] = Sentence(pending, pieces[0].end)
            pending = None
        if pieces and _PLAIN_CONTINUES.search(text):
            pending = pieces.pop().start
        sentences.extend(pieces)
    if pending is not None:
        sentences.append(Sentence(pending, len(body.rstrip())))
    return sentences


def _plain_pieces(text: str, offset: int) -> list[Sentence]:
    pieces, begin = [], 0
    for match in _PLAIN_BOUNDARY.finditer(text):
        stop = match.start() + 1
        if _PLAIN_ABBREVIATION.search(text, 0, stop):
            continue
        while stop < len(text) and text[stop] in ")\"'’”":
            stop += 1
        pieces.append(_plain_trimmed(text, begin, stop, offset))
        begin = match.end()
    pieces.append(_plain_trimmed(text, begin, len(text), offset))
    return [piece for piece in pieces if piece]


def _plain_trimmed(text: str, begin: int, end: int, offset: int) -> Sentence | None:
    chunk = text[begin:end]
    lead = len(chunk) - len(chunk.lstrip())
    bullet = _PLAIN_BULLET.match(chunk[lead:])
    if bullet:
        lead += bullet.end()
    tail = len(chunk.rstrip())
    return Sentence(offset + begin + lead, offset + begin + tail) if tail > lead else None


_SENTENCE_PIECES = [
    "We will act", "the plan", ". ", "! ", "? ", ".", "!", "?", " ", "  ", "\n", "\n\n", "\r\n", "\t", "\xa0",
    "Mr. ", "Mrs.", "Dr. Smith", "St.", "No. 5", "Nos. ", "v. ", "vs. ", "approx. ", "Sept. ", "Sep.", "etc. ",
    "e.g. ", "i.e.", "U.S. ", "U.K.", "p.m. ", "A. ", "x.", "Inc.", "Prof.", "Capt. ", "The", "A", "2019", "£5m",
    "“Quote", "’", "”", "\"", ")", "(", "- ", "• ", "* ", "1) ", "12. ", "3.5", ",", ", and", " or", "including",
    ";", "action.The", "ab.Cd", "é", "_", "ı",
]


def test_sentences_split_as_the_plain_splitter_splits():
    texts = [release.body for release in _RELEASES] + _random_texts(_SENTENCE_PIECES, 6000, 17)
    for text in texts:
        found = split_sentences(text)
        assert found == _plain_split(text), text
        assert all(type(sentence) is Sentence and sentence.end == sentence[1] for sentence in found), text


def test_spaces_are_what_backslash_s_matches():
    assert set(cues._SPACES) == set(re.findall(r"\s", "".join(map(chr, range(0x110000)))))


_BODY_PIECES = (list(terrorism._FIRST_WORDS) + cues._WORDS[cues._WHOLE].split()[:12] + [
    "is to", "are\nto", "set  to", "this ", "care ", "time for", "right\tfor", "’ll", "we'll", "£", "x", " ", "-",
    "\n", "İ", "ı", "ſ", "Isis", "TERROR", "Prevent programme", "é", "_", "isil", "counter-terrorism ", "al-Qaeda",
    "Al Shabaab", "al qa’ida", "al-shabab", "AL-", "al ", "national ", "crisis",
])


def _two_passes(body: str) -> tuple[list[int], list[int] | None]:
    odd = any(letter in body for letter in "İıſ")
    return cue_positions(body.lower()), None if odd else terrorism.term_starts(fold(body))


def test_one_pass_finds_what_the_cue_and_terrorism_passes_find():
    texts = [release.body for release in _RELEASES] + _random_texts(_BODY_PIECES, 5000, 23, longest=15)
    for text in texts:
        words = read_body(text)
        assert (words.cues, words.term_starts) == _two_passes(text), text
        assert terrorism.score_release("Title", text, body_term_starts=words.term_starts) == \
            terrorism.score_release("Title", text), text
        sentences = split_sentences(text)
        assert cues.candidate_sentences(text, sentences, cues=words.cues) == \
            cues.candidate_sentences(text, sentences), text


def test_terrorism_terms_as_the_regex_finds_them():
    texts = [release.body for release in _RELEASES] + _random_texts(_BODY_PIECES, 5000, 19, longest=15)
    for text in texts:
        plain = [(m.group(), m.start(), m.end(), 1.0 if m.lastgroup == "strong" else 0.5)
                 for m in terrorism._TERMS.finditer(text)]
        assert terrorism.terrorism_terms(text) == plain, text


_NAMES_OF_OLD = re.compile(r"\b(?=[A-Z])(?:" + "|".join(
    f"(?P<n{i}>\\b(?:{pattern})\\b)" for i, pattern in enumerate(
        p.replace("Minister of Public Safety(?: Minister)?|", "(?:Minister of )?") for p, _ in publishers._NAMED))
    + ")")
_NAME_PIECES = ["Home Secretary", "Home ", "Minister of Public Safety", "Public Safety Minister", "Public Safety",
                "Minister of ", "Health and Social Care Secretary", "Health ", "Prime Minister", "Defra", "xDefra",
                "Chancellor", "Chancellors", "Canada", " ", "\n", "the ", "of ", "Secretary of State for Health"]


def test_the_first_name_is_the_one_the_search_finds():
    assert "(?:Minister of )?Public Safety(?: Minister)?" in _NAMES_OF_OLD.pattern
    texts = [release.title + "\n" + release.body for release in _RELEASES] + _random_texts(_NAME_PIECES, 4000, 29)
    for text in texts:
        found, expected = publishers._first_name(text), _NAMES_OF_OLD.search(text)
        assert (found and (found.span(), found.lastgroup)) == (expected and (expected.span(), expected.lastgroup))


_HOST_PIECES = ["www.", "gov", ".uk", ".", "-", "dhs", "g7", "g20", "number10", "a", "9", "/", ":", " ", "_", "x.y",
                "ec.europa.eu", "canada.ca"]


def test_host_names_as_the_plain_pattern_finds_them():
    for text in [release.url for release in _RELEASES] + _random_texts(_HOST_PIECES, 3000, 31, longest=20):
        plain = re.findall(r"[a-z0-9.-]+\.[a-z]{2,}|\bg7\b|\bg20\b|\bnumber10\b", text)
        assert publishers._HOST.findall(text) == plain, text


def _plain_acronyms(body: str, publisher: str) -> dict[str, str]:
    found = {}
    words = [w for w in aliases._WORD.findall(publisher) if w.upper() not in ("U.S.", "US", "UK")]
    for acronym in aliases._initials(words):
        if len(acronym) > 1:
            found[acronym] = publisher
    for match in aliases._DEFINITION.finditer(body):
        acronym = match["acronym"]
        before = aliases._WORD.findall(body[max(0, match.start() - 160):match.start()])[-12:]
        for first in range(len(before)):
            name = before[first:]
            if name[0][0].isupper() and name[0].lower() not in aliases._MINOR and acronym in aliases._initials(name):
                found.setdefault(acronym, " ".join(name))
                break
    return found


_ACRONYM_PIECES = ["Department ", "for ", "Education ", "(DfE) ", "(DE) ", "the ", "Home ", "Office ", "(HO) ",
                   "(Ho) ", "of ", "defence ", "(D) ", "Canada ", "(CCCEPV) ", "x ", "( DfE )"]


def test_acronyms_as_the_plain_reading_finds_them():
    bodies = [(release.body, publishers.publisher(release)) for release in _RELEASES]
    bodies += [(text, "Department for Education") for text in _random_texts(_ACRONYM_PIECES, 3000, 37)]
    for body, publisher in bodies:
        assert aliases.acronyms(body, publisher) == _plain_acronyms(body, publisher), body


_TRIGGER_PIECES = _BODY_PIECES + ["will ", "shall", "must ", "called on ", "urges ", "forces ", "border ", "plans to ",
                                  "is going to ", "has committed to ", "promises ", "it is ", "next step", ". ", ", and ",
                                  "calling for ", "pushed ", "We’ll ", "they'll "]


def _read_with_spans(texts: list[str]):
    """Each text read by ``read_body`` (those it reads, with no "İ", "ı" or "ſ"), with spans of it to ask about:
    its sentences, the whole, a middle third and more."""
    for text in texts:
        words = read_body(text)
        if words.triggers is None:
            assert any(letter in text for letter in "İıſ")
            continue
        ranges = [(s.start, s.end) for s in split_sentences(text)] + [(0, len(text))]
        ranges += [(a, b) for a, b in ((len(text) // 3, len(text) // 2), (1, len(text) - 1), (2, 5)) if a < b]
        yield text, words, ranges


def test_any_sentence_reads_its_trigger_words_off_the_body_pass():
    texts = [release.body for release in _RELEASES] + _random_texts(_TRIGGER_PIECES, 3000, 29, longest=25)
    for text, words, ranges in _read_with_spans(texts):
        for start, end in ranges:
            assert words.triggers.within(start, end) == triggers.read_cues(fold(text[start:end])), (text, start, end)


_CALENDAR_PIECES = _TRIGGER_PIECES + [
    "June ", "jun", "Dec. ", "decade", "decades ", "today ", "days", "Year", "years’ ", "monthly ", "weekend ",
    "hours ", "second ", "springs ", "fall", "autumn ", "Tomorrow", "soon", "shortly ", "near  future", "due\ncourse",
    "imminently ", "market ", "may", "Σ", "ΣΑ ", "3", "٣", ", and "]


def test_whether_a_span_may_hold_a_deadline_read_off_the_body_pass():
    """``may_hold_deadline`` of any span, given the starts of its calendar words from the body's one pass
    (``cues.calendar_starts``), says what it says reading the span alone."""
    texts = [release.body for release in _RELEASES] + _random_texts(_CALENDAR_PIECES, 3000, 31, longest=25)
    for text, words, ranges in _read_with_spans(texts):
        for start, end in ranges:
            span = text[start:end]
            for digit in (None, False):
                assert deadlines.may_hold_deadline(span, folded=fold(span), digit=digit,
                                                   starts=cues.calendar_starts(words, start, end)) == \
                    deadlines.may_hold_deadline(span, folded=fold(span), digit=digit), (text, start, end)


def test_starts_within_a_span_as_a_slice_reads_them():
    rnd = random.Random(37)
    for _ in range(2000):
        starts = sorted(rnd.sample(range(60), rnd.randint(0, 20)))
        start, end = sorted((rnd.randint(-2, 62), rnd.randint(-2, 62)))
        assert starts_within(starts, start, end) == [at - start for at in starts if start <= at < end]
