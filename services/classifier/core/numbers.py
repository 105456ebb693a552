"""Numbers written as digits ("10", "1,320", "1.5") or words ("three", "one to two", "a dozen", "half a").

Number words go through ``text2num`` (allo-media's Rust-backed parser); this
module only adds what it leaves out: "a"/"an" as one, "dozen" and "half a".
"""

from __future__ import annotations

import re
from typing import Final

from text_to_num import text2num

_UNITS: Final = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety"
).split()
_SCALES: Final = ("hundred", "thousand")
_WORD: Final = "|".join(_UNITS + list(_SCALES))

#: A regex fragment for one number: digits, number words, "a"/"an", "a dozen".
NUMBER: Final = (
    r"(?:\d[\d,]*(?:\.\d+)?"
    rf"|(?:a\s+)?dozen|an?|(?:{_WORD})(?:(?:\s+and\s+|[\s-]+)(?:{_WORD}))*)"
)
_DIGITS: Final = re.compile(r"\d[\d,]*(?:\.\d+)?")


def parse_number(text: str) -> float | None:
    """The value of one number phrase, or None when it is not a number."""
    words = " ".join(text.lower().replace("-", " ").split())
    if not words:
        return None
    if _DIGITS.fullmatch(words):
        return float(words.replace(",", ""))
    if words in ("a", "an"):
        return 1.0
    if words in ("dozen", "a dozen"):
        return 12.0
    if words in ("half a", "half an"):  # "half a million pounds"
        return 0.5
    try:
        return float(text2num(words, "en"))
    except ValueError:
        return None
