"""The quantities a commitment's words commit to: counts of things and percentages. Pure.

"deploy 5,000 armed officers" counts 5000, as do "5000" and "five thousand"; "cut waiting times by 20 per
cent" counts "20%". Other numbers say when or which, not how many, and are left out: years ("by 2027",
"the Terrorism Act 2000"), days ("1 November", "November 2"), ordinals ("the 2nd"), labels ("Article 5",
"section 3", "Phase 2", "G7", "COP28", "Covid-19", "5G"), list numbers ("(1)", "2."), durations ("within 48
hours", "a 10-year plan", "24/7": the deadlines say when) and money ("£5m", "5 million pounds": compared
on its own). "One" alone is no count ("one of the aims").
"""

from __future__ import annotations

import re
from decimal import Decimal

from text_to_num import text2num

_UNITS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety")
_SCALES = "hundred thousand million billion"
_ANY_NUMBER_WORD = "|".join(f"{_UNITS} {_SCALES}".split())
_DIGITS = re.compile(r"(?<![\w£$€¥./,-])(?P<digits>\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?P<fraction>\.\d+)?(?![\d,]\d)")
_WORDS = re.compile(rf"\b(?:an?\s+(?:{_SCALES.replace(' ', '|')})|{_UNITS.replace(' ', '|')})"
                    rf"(?:(?:\s+and\s+|[\s-]+)(?:{_ANY_NUMBER_WORD}))*\b", re.IGNORECASE)
_NUMBER_WORDS = frozenset(f"{_UNITS} {_SCALES}".split())  # a text with none has no number in words: _WORDS not run
_LETTERS = re.compile(r"[a-z]+")
_SCALE = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "k": 1_000, "m": 1_000_000,
          "bn": 1_000_000_000}
# What follows a number: letters written onto it ("2nd", "5m", "5G"), a percent sign or words, the next word.
_AFTER = re.compile(r"(?P<attached>[a-z]*)(?P<percent>%|\s*(?:per\s*cent|percent|pc)\b)?[\s-]*(?P<next>[a-z]*)",
                    re.IGNORECASE)
_MONTHS = frozenset("january february march april may june july august september october november december "
                    "jan feb mar apr jun jul aug sep sept oct nov dec".split())
_TIME_UNITS = frozenset("second seconds minute minutes hour hours day days week weeks fortnight fortnights month "
                        "months year years decade decades".split())
_CURRENCY_WORDS = frozenset("pounds pound sterling euros euro dollars dollar".split())
_CURRENCY_BEFORE = re.compile(r"(?:[£$€¥]|\b(?:gbp|usd|eur|cad|aud))\s*$", re.IGNORECASE)
_LABELS = frozenset("""article articles section sections clause clauses part parts chapter chapters schedule
schedules paragraph paragraphs para annex appendix phase phases stage stages tier tiers level levels grade band
step steps round wave item items no number page pages rule rules regulation regulations resolution resolutions
act acts bill order directive category class type version room platform gate terminal junction route line cop
figure table""".split())
_YEAR_BEFORE = frozenset("by in until till since from before after during of end early late mid spring summer "
                         "autumn winter fy year".split())
_NO_COUNT_NEXT = frozenset("the a an to and or of by in on at for with from is are was were will".split())
# Before a year that names something ("the 2014 resolution", "their 1974 agreement"), not a count of it.
_NAMING = frozenset("the a an its their his her our your this that these those whose".split())
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_RANGE = re.compile(rf"\s*(?:-|–|to|and)\s*\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH})\b", re.IGNORECASE)
_AFTER_MAY = re.compile(r"\s*(?:\d|[,.;:)]|$)")
_LIST_START = re.compile(r"(?:^|[.:;!?)]\s+|\n\s*)\(?$")
_PREVIOUS_WORD = re.compile(r"([a-z]+)\.?\s*$", re.IGNORECASE)


def quantities(text: str) -> frozenset[str]:
    """The counts and percentages ``text`` commits to, each written one way: "5000", "1500000", "12.5%"."""
    found = [_quantity(text, match, in_words=False) for match in _DIGITS.finditer(text)]
    if not _NUMBER_WORDS.isdisjoint(_LETTERS.findall(text.lower())):
        found += [_quantity(text, match, in_words=True) for match in _WORDS.finditer(text)]
    return frozenset(q for q in found if q is not None)


def _quantity(text: str, match: re.Match[str], *, in_words: bool) -> str | None:
    before = text[max(0, match.start() - 40): match.start()]  # enough for the words before it, searched from their end
    after = _AFTER.match(text, match.end())
    assert after is not None  # every part of it may be empty
    attached, percent, following = after["attached"].lower(), after["percent"], after["next"].lower()
    if in_words:
        value = _words_value(match[0])
    elif attached and attached not in _SCALE or text[after.end("attached"):after.end("attached") + 1] in ("/", ")"):
        return None  # "5G", "2nd", "24/7", "(1)"
    elif _LIST_START.search(before) and text[match.end():match.end() + 1] == "." and not match["fraction"]:
        return None  # "2. It will report"
    else:
        value = Decimal(match["digits"].replace(",", "") + (match["fraction"] or ""))
        if attached:
            value *= _SCALE[attached]
        elif following in ("thousand", "million", "billion") and not percent:
            value *= _SCALE[following]  # "1.5 million people"
            scaled = _AFTER.match(text, after.end())
            percent, following = scaled and scaled["percent"], scaled["next"].lower() if scaled else ""
    previous = _previous_word(before)
    if value is None or _CURRENCY_BEFORE.search(before) or following in _CURRENCY_WORDS:
        return None  # money is compared on its own
    if previous in _LABELS or previous in _MONTHS or _names_month(text, after) or _DAY_RANGE.match(text, match.end()):
        return None  # "Article 5", "November 2", "1 November", "16-17 May"
    if not percent and following in _TIME_UNITS:
        return None  # a duration: when, not how many
    if not in_words and _looks_like_year(match, attached) and not _counts(before, previous, after["next"]):
        return None  # "by 2027", "in 2027-28", "2027.", "the 2014 resolution", "Horizon 2020"
    return _written(value) + ("%" if percent else "")


def _words_value(words: str) -> Decimal | None:
    phrase = " ".join(re.sub(r"^an?\s+", "one ", words.lower()).replace("-", " ").split())
    if phrase == "one":
        return None  # "one of the aims", "one another"
    try:
        return Decimal(text2num(phrase, "en"))
    except ValueError:
        return None


def _previous_word(before: str) -> str:
    found = _PREVIOUS_WORD.search(before)
    return found[1].lower() if found else ""


def _names_month(text: str, after: re.Match[str]) -> bool:
    """Whether the word after a number is a month: "1 May 2027", but not "300 may follow"."""
    following = after["next"].lower()
    return following in _MONTHS and (following != "may" or bool(_AFTER_MAY.match(text, after.end())))


def _counts(before: str, previous: str, following: str) -> bool:
    """Whether a number that could be a year counts what follows it: "deploy 2000 officers"."""
    written_before = _PREVIOUS_WORD.search(before)
    return (following.islower() and following not in _NO_COUNT_NEXT and previous not in _YEAR_BEFORE | _NAMING
            and not (written_before and written_before[1][0].isupper()) and not before.rstrip().endswith("'s"))


def _looks_like_year(match: re.Match[str], attached: str) -> bool:
    digits = match["digits"]
    return bool(digits) and len(digits) == 4 and not match["fraction"] and not attached and 1800 <= int(digits) <= 2199


def _written(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")
