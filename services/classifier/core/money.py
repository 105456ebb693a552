"""Amounts of money: "£10m", "£1.5 billion", "$40 million", "€20m", "10 million pounds", "3 million US dollars",
"AUD 20 million", "NZ$ 4.5m"; a range is its upper bound ("£10m-£20m": 20m, docs/decisions/0093)."""

from __future__ import annotations

import math
import re
from typing import Final, NamedTuple

from schemas import Money

from .folding import case_sensitive, finditer_folded, fold, matches_at, word_starts
from .numbers import NUMBER, parse_number

_SYMBOLS: Final = {"£": "GBP", "$": "USD", "us$": "USD", "€": "EUR", "gbp": "GBP", "usd": "USD", "eur": "EUR",
                   "a$": "AUD", "au$": "AUD", "aud": "AUD", "c$": "CAD", "ca$": "CAD", "can$": "CAD", "cad": "CAD",
                   "nz$": "NZD", "nzd": "NZD", "usd$": "USD", "aud$": "AUD", "cad$": "CAD", "nzd$": "NZD"}
_WORDS: Final = {"pound": "GBP", "dollar": "USD", "euro": "EUR", "us dollar": "USD", "u.s. dollar": "USD",
                 "american dollar": "USD", "australian dollar": "AUD", "canadian dollar": "CAD",
                 "new zealand dollar": "NZD", "nz dollar": "NZD", "gbp": "GBP", "usd": "USD", "eur": "EUR",
                 "aud": "AUD", "cad": "CAD", "nzd": "NZD"}
_SCALE: Final = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6,
    "bn": 1e9, "b": 1e9, "billion": 1e9, "trillion": 1e12, "tn": 1e12,
}
_SCALE_RE: Final = r"(?:thousand|million|billion|trillion|mn|bn|tn|k|m|b)\b"
_CODES: Final = ("gbp", "usd", "eur", "aud", "cad", "nzd")
_CODE_RE: Final = "|".join(_CODES)
_DIGITS: Final = r"\d[\d,]*(?:\.\d+)?"
# A scale after the number: apart, joined, or a word after a hyphen ("$10-million", as Canadian papers write it).
_SCALED: Final = r"(?:\s?|-(?=(?:thousand|million|billion|trillion)\b))"

# A sign or code before the number ("£", "US$", "NZ$ ", "AUD "), then perhaps a range whose upper bound is the
# amount: "£10m-£20m", "£10 to £20 million", "$4-6 million", "£4-6", "between £10m and £20m" ("and" only after
# "between"). After "to" or "and" the upper bound carries the sign again ("£650 to 8 million households" is a sum
# paid to a count); after a hyphen or dash, the sign, a scale, or, after a lower bound without a scale, a bare
# number that is no year ("£500m to 2025", "£5-2026" are no ranges). A change "from £2bn to £2.6bn" is two
# amounts, as before. Written in lowercase: it runs case-sensitively over the
# text's fold (see :mod:`.folding`), and finds there what it finds IGNORECASE in the text.
# "nz $", "cad $": a code or "nz" before a "$" names its dollar, apart or not ("a $", "us $" may be words).
# An upper bound with neither sign nor scale: a number that is no year ("£4-6", "£10,000-20,000"; not "£5-2026").
_BARE_UPPER: Final = rf"(?!(?:19|20)\d\d(?![\d,.]))\d[\d,]*+(?:\.\d++)?+(?!{_SCALED}{_SCALE_RE})"
# A plural noun, as a lookahead: a word ending in "s" that is none of the short words an amount may precede.
_NOT_AFTER_AMOUNT: Final = r"(?!(?:is|was|has|as|its|this|plus|minus|less|across|towards|thus|besides)\b)"
_SIGN_RE: Final = rf"(?P<cur>\b(?:us|nz|au|a|can|ca|c)\$|\b(?:nz|usd|aud|cad|nzd)\s?\$|[£$€]|\b(?:{_CODE_RE}))\s?"
_PREFIXED_RE: Final = (
    rf"(?:(?<=between\s)(?P<between>)|(?<=from\s)(?P<from>))?{_SIGN_RE}"
    # a lower bound is tried only where a separator follows the number, and its digits are never given back
    rf"(?:(?=[\d,.]++(?:\s?[a-z]+)?\s*+(?:[-–—]|to\s|and\s))(?(from)(?!))"
    rf"(?P<low>\d[\d,]*+(?:\.\d+)?+)(?:{_SCALED}(?P<low_scale>{_SCALE_RE}))?"
    rf"(?:\s*[-–—]\s*(?:(?P=cur)\s?|(?={_DIGITS}\s?{_SCALE_RE})|(?(low_scale)(?!)|(?={_BARE_UPPER})))"
    rf"|(?:\s+to\s+|(?(between)\s+and\s+|(?!)))(?P=cur)\s?))?"
    rf"(?P<num>{_DIGITS})(?:{_SCALED}(?P<scale>{_SCALE_RE}))?"
)
_PREFIXED: Final = re.compile(_PREFIXED_RE, re.IGNORECASE)
# A range's lower bound alone, where it exceeds the upper ("£650-8 million": 650m is past 8m): no range then.
_LOWER_ALONE_FOLDED: Final = re.compile(rf"{_SIGN_RE}(?P<num>{_DIGITS})(?:{_SCALED}(?P<scale>{_SCALE_RE}))?")
# Where ``_PREFIXED_FOLDED`` matches, over the folded text: a sign and a number (whether a range follows is not read).
_SIGNED_FOLDED: Final = re.compile(rf"{_SIGN_RE}\d")
# A number, its scale apart or joined to its digits ("10 million", "10m"), then a currency word, perhaps after
# the country whose dollar it is ("US dollars", "Australian dollars"), or a code ("3 million USD"). A code names
# no money after a bare year ("By 2030 EUR 5 million"), before a number (the amount it signs), a hyphen or a
# letter ("CAD-designed"), nor after a number without a scale before a plural noun it qualifies ("500 CAD
# drawings", "2 EUR coins").
_SUFFIXED: Final = re.compile(
    rf"\b(?!(?:19|20)\d\d\s+(?:{_CODE_RE})\b)(?P<num>half\s+an?|{NUMBER})"
    rf"(?:(?:(?<=\d)|\s+)(?P<scale>{_SCALE_RE}))?\s+"
    rf"(?P<cur>(?:(?:us|u\.s\.|american|australian|canadian|new\s+zealand|nz)\s+)?(?:pound|dollar|euro)"
    rf"|(?:{_CODE_RE})(?![-\w])(?!\s?\d)(?(scale)|(?!\s+{_NOT_AFTER_AMOUNT}[a-z]+s\b)))s?\b(?:\s+sterling)?",
    re.IGNORECASE,
)


_ANY: Final = re.compile(rf"[£$€]|\b(?:{_CODE_RE})(?:\b|(?=\d))|\b(?:pounds?|dollars?|euros?)\b", re.IGNORECASE)

# The same three regexes in lowercase, run case-sensitively over the folded text (see :mod:`.folding`).
_ANY_FOLDED: Final = case_sensitive(_ANY)
_PREFIXED_FOLDED: Final = re.compile(_PREFIXED_RE)
_SUFFIXED_FOLDED: Final = case_sensitive(_SUFFIXED)
# Every match of _PREFIXED begins with one of these, or with the letters of a word just before a "$" ("nz$"): it is
# tried only where one begins (a regex that starts with a group of alternatives gets no fast scan).
_PREFIX_STARTS: Final = ("£", "$", "€") + _CODES
_DOLLAR_LETTERS: Final = 3  # the longest word before a "$" that names its dollar ("can$")


def _prefixed(folded: str):
    """What ``_PREFIXED_FOLDED.finditer(folded)`` finds."""
    return matches_at(_PREFIXED_FOLDED, folded, _prefix_starts(folded))


def _signed(folded: str) -> bool:
    """Whether ``_PREFIXED_FOLDED`` matches in ``folded``: a match begins wherever a sign and a number do."""
    for at in _prefix_starts(folded):
        if _SIGNED_FOLDED.match(folded, at) is not None:
            return True
    return False


def _prefix_starts(folded: str) -> list[int]:
    """Every offset where a match of ``_PREFIXED_FOLDED`` may begin: a sign, a code, and the start of a word of up
    to three letters just before a "$", or a space before it (a match begins there only after a word boundary)."""
    starts = word_starts(folded, _PREFIX_STARTS)
    at = folded.find("$")
    while at != -1:
        end = at - 1 if at and folded[at - 1].isspace() else at
        start = end
        while start and end - start < _DOLLAR_LETTERS and "a" <= folded[start - 1] <= "z":
            start -= 1
        if start != end and not (start and _is_word(folded[start - 1])):
            starts.append(start)
        at = folded.find("$", at + 1)
    return sorted(starts)


def _has_symbol(text: str) -> bool:
    return "£" in text or "$" in text or "€" in text


def _names_code(folded: str) -> bool:
    """Does ``folded`` hold "gbp", "usd", "eur", "aud", "cad" or "nzd"? With "pound" and "dollar", every match of
    ``_ANY`` but a symbol holds one ("eur" is in "euro"; substring tests beat an automaton pass over a sentence)."""
    return ("gbp" in folded or "usd" in folded or "eur" in folded or "aud" in folded or "cad" in folded
            or "nzd" in folded)


def _matches(text: str, folded: str | None = None, symbol: bool | None = None, code: bool | None = None):
    """(match, currency table) for each match of ``_PREFIXED`` (over the fold) then of ``_SUFFIXED`` in ``text``
    (``folded``: ``fold(text)``, ``symbol``: ``_has_symbol(text)``, ``code``: ``_names_code(folded)``, when known);
    each regex runs only when ``text`` holds what its every match holds: a sign or a code as a word or before a
    digit ("european" names none), a code or a currency word after a space."""
    if folded is None:
        folded = fold(text)
    if symbol is None:
        symbol = _has_symbol(text)
    code = (_names_code(folded) if code is None else code) and _named(folded, _CODES)
    if symbol or code:
        # the folded match's groups are read as they are: each is lowercased or parsed, and ``text[start:end]`` quoted
        for hit in _prefixed(folded):
            yield _bounded(hit, folded), _SYMBOLS
    if code or _currency_word(folded):
        for match in finditer_folded(_SUFFIXED, _SUFFIXED_FOLDED, text, folded):
            yield match, _WORDS


_CURRENCY_WORDS: Final = ("pound", "dollar", "euro")


def _named(folded: str, names: tuple[str, ...]) -> bool:
    """Whether ``folded`` holds one of ``names`` (codes, currency words) as ``_ANY_FOLDED`` finds it: a code as a
    whole word or before a digit ("usd 5m", "usd5m"), a currency word with an "s" or not. Found by ``str.find``: a
    search, which begins with a set and a "\\b", tries every offset of the text."""
    size = len(folded)
    for name in names:
        at = folded.find(name)
        while at != -1:
            end = at + len(name)
            if not (at and _is_word(folded[at - 1])) and (
                    not (end < size and _is_word(folded[end]))
                    or name in _CODES and folded[end].isdecimal()
                    or name in _CURRENCY_WORDS and folded[end] == "s"
                    and not (end + 1 < size and _is_word(folded[end + 1]))):
                return True
            at = folded.find(name, at + 1)
    return False


def _currency_word(folded: str) -> bool:
    """Whether ``folded`` holds "pound", "dollar" or "euro" after a space, whole or with an "s": as every match of
    ``_SUFFIXED`` does ("\\s+(?:pound|dollar|euro)s?\\b"). Found by ``str.find``: "European" holds "euro", and a
    search of ``_SUFFIXED``, which begins with "\\b", tries every offset of the text."""
    size = len(folded)
    for word in _CURRENCY_WORDS:
        at = folded.find(word)
        while at != -1:
            end = at + len(word)
            if end < size and folded[end] == "s" and not (end + 1 < size and _is_word(folded[end + 1])):
                end += 1
            if at and folded[at - 1].isspace() and not (end < size and _is_word(folded[end])):
                return True
            at = folded.find(word, end)
    return False


def _is_word(char: str) -> bool:
    """Whether ``char`` is a character ``\\w`` matches."""
    return char.isalnum() or char == "_"


_DOLLAR_PLACES: Final = {"Canada": "CAD", "Canadian": "CAD", "Ottawa": "CAD", "Australia": "AUD", "Australian": "AUD",
                  "Canberra": "AUD", "New Zealand": "NZD", "Wellington": "NZD"}
# Every place above, with the word boundary after it only: a regex that begins with \b gets no fast scan for its
# first letters (about thirty times slower over a whole body). The boundary before is checked at each hit.
_DOLLAR_PLACE: Final = re.compile(r"(?:Canad(?:ian|a)|Ottawa|Australian?|Canberra|New Zealand|Wellington)\b")


def dollar_of(text: str) -> str:
    """The currency a bare "$" means in ``text``: the country it names first, else US dollars."""
    at = 0
    while (place := _DOLLAR_PLACE.search(text, at)) is not None:
        start = place.start()
        if start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_"):  # \b before a letter
            return _DOLLAR_PLACES[place.group()]
        at = start + 1
    return "USD"


def has_money(text: str, *, folded: str | None = None) -> bool:
    """``bool(find_money(text))``, without building the amounts (``folded``: ``fold(text)``, when known)."""
    symbol = _has_symbol(text)
    folded = fold(text) if folded is None else folded
    code = _names_code(folded)
    if not (symbol or code or "pound" in folded or "dollar" in folded):  # most text: tested before a generator is made
        return False
    if symbol and _signed(folded):  # the number of a prefixed amount always parses
        return True
    return any(parse_number(match["num"]) is not None for match, _ in _matches(text, folded, symbol, code))


def find_money(text: str, offset: int = 0, *, dollar: str = "USD", folded: str | None = None) -> list[Money]:
    """Every amount in ``text``, in order; spans are shifted by ``offset``. A bare "$" is ``dollar``;
    ``folded`` is ``fold(text)`` when the caller has it."""
    return [amount.money(offset, dollar) for amount in amounts_in(text, folded=folded)]


class Amount(NamedTuple):
    """An amount found in a text, its ``Money`` not built yet: a reader that keeps one of several builds one."""

    text: str
    match: re.Match[str]
    table: dict[str, str]
    value: float  # the amount, its scale applied; of a range, its upper bound

    @property
    def start(self) -> int:
        return self.match.start()

    def money(self, offset: int = 0, dollar: str = "USD") -> Money:
        """The amount as ``Money``, its span shifted by ``offset``; a bare "$" is ``dollar``."""
        return _money(self.text, self.match, self.table, self.value, offset, dollar)


def amounts_in(text: str, *, folded: str | None = None) -> list[Amount]:
    """Every amount in ``text``, in order, as ``find_money`` finds them (``folded``: ``fold(text)``, when known)."""
    found = [Amount(text, match, table, value) for match, table, value in _amounts(text, folded)]
    found.sort(key=Amount.start.fget)  # type: ignore[attr-defined]
    return found


def _amounts(text: str, folded: str | None):
    """(match, currency table, amount) for each match of ``_matches`` whose number parses to an amount a float
    holds (hundreds of digits are infinity, which an event cannot carry: JSON writes it null)."""
    for match, table in _matches(text, folded):
        value = _value(match)
        if value is not None and math.isfinite(value):
            yield match, table, value


def _bounded(match: re.Match[str], folded: str) -> re.Match[str]:
    """``match`` of ``_PREFIXED_FOLDED``; of a range whose lower bound, taking the upper's scale when it has none
    ("£10-20m": 10m), exceeds the upper ("£650-8 million"), the lower bound alone: no range."""
    if match["low"] is None:
        return match
    scale = _scale(match["scale"])
    low_scale = match["low_scale"]
    low = float(match["low"].replace(",", "")) * (scale if low_scale is None else _scale(low_scale))
    if low <= float(match["num"].replace(",", "")) * scale:
        return match
    return _LOWER_ALONE_FOLDED.match(folded, match.start())  # type: ignore[return-value]  # the range began so


def _value(match: re.Match[str]) -> float | None:
    """The amount ``match`` writes, its scale applied; of a range, its upper bound (``_bounded``: never below the
    lower)."""
    number = parse_number(match["num"])
    if number is None:
        return None
    return number * _scale(match["scale"])


def _scale(word: str | None) -> float:
    return _SCALE.get((word or "").lower(), 1.0)


def _money(text: str, match: re.Match[str], table: dict[str, str], value: float, offset: int, dollar: str) -> Money:
    symbol = " ".join(match["cur"].lower().split())
    if table is _SYMBOLS:
        symbol = symbol.replace(" ", "")  # "cad $"
    currency = dollar if symbol in ("$", "dollar") else table[symbol]
    start, end = match.span()
    return Money(amount=value, currency=currency, text=text[start:end], span=(offset + start, offset + end))

