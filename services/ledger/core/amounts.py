"""Amounts of money a query asks for: written in the search words (``£10m``), compared with a commitment's amount
in its currency, never as text; and a range of amounts in one currency (``min_amount``, ``max_amount``,
``currency``). Pure.

``£10`` is ten pounds, so it does not find "£100m" (as text, it was the start of it); ``£10m``, ``£10 million``
and ``£10,000,000`` are one amount, and find a commitment of £10m however its release wrote it. ``$`` is any
dollar the classifier records (US, Australian, Canadian, New Zealand: a release's "$" is read by the country it
names), ``US$`` or ``USD`` the US dollar only, ``A$``, ``C$``, ``NZ$`` (``CAD $``) theirs. An amount with its scale and
no currency (``10m``, ``1.5bn``, ``10 million``) is that amount in any currency; a number alone (``2024``, ``10``)
stays words. After a number, its code or a currency word is its currency (``10 GBP``, ``10m GBP``, ``10m pounds``,
``3 million US dollars``), and a sign only after its scale (``10m £``): ``2024 £`` is the word "2024" and any amount
in pounds. A range is its upper bound, as the classifier records it (``£10m-£20m``, ``£10-20m``: £20m). A currency
alone (``£``, ``NZ$``, ``GBP`` in capitals) is any amount in it. Several amounts: a commitment of any of them.
The forms are the classifier's (``services.classifier.core.money``), which the ledger does not import: services
share contracts, not code; a test reads the same titles with both.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from services.common.money import (ANY_DOLLAR, CURRENCIES, DOLLARS, NUMBER, SCALE, SIGNS, AmountRange, amount_of,
                                   bounds_problem, scaled)
from services.common.money import currency_code as _currency_code

from .cursors import QueryError

__all__ = ["CURRENCIES", "AmountRange", "AskedAmount", "amount_range", "amounts_asked", "amounts_written", "bound",
           "currency_code"]

_CODES = "|".join(CURRENCIES)
# A sign: the country's before a "$" ("NZ$", "A$", "C$"), or a code before one, apart or not ("CAD $10 million").
_SIGN = rf"(?:us|nz|au|a|can|ca|c)\$|(?:nz|{_CODES})\s?\$|[£$€]"
_CURRENCY = rf"{_SIGN}|{_CODES}"
# A scale after a number with no currency: a word, apart or joined ("10 million"), or a suffix joined to it ("10m",
# "1.5bn"); not "b" (a label: "Article 2b"), nor a letter apart ("10 m": metres).
_BARE_SCALE = r"\s?(?:thousand|million|billion|trillion)|mn|bn|tn|k|m"
# A currency word after an amount, perhaps after the country whose dollar it is ("3 million US dollars").
_WORD = r"(?:(?:us|u\.s\.|american|australian|canadian|new\s+zealand|nz)\s+)?(?:pound|dollar|euro)s?(?:\s+sterling)?"
_WORDS = {"pound": "GBP", "euro": "EUR", "dollar": ANY_DOLLAR, "us dollar": "USD", "u.s. dollar": "USD",
          "american dollar": "USD", "australian dollar": "AUD", "canadian dollar": "CAD", "new zealand dollar": "NZD",
          "nz dollar": "NZD"}
# A range after a sign or code is its upper bound, as the classifier records it (docs/decisions/0093): the lower
# bound then a hyphen or dash, "to", or "and" after "between". After "to" or "and" the upper carries the sign again
# ("£10 to £20 million"; "£650 to 8 million households" is £650); after a hyphen or dash, the sign, a scale
# ("£10-20m"), or, after a lower bound without a scale, a bare number that is no year ("£4-6"; "£5-2026" is £5).
# "£500m to 2025" is £500m; "From £2bn to £2.6bn" is a change: two amounts. A lower bound past the upper is no range.
_BARE_UPPER = rf"(?!(?:19|20)\d\d(?![\d,.]))\d[\d,]*+(?:\.\d++)?+(?!\s?{SCALE}(?!\w))"
_LOWER = (rf"(?:(?(from)(?!))(?P<low>{NUMBER})(?:\s?(?P<low_scale>{SCALE}))?"
          rf"(?:\s*[-–—]\s*(?:(?P=sign)\s?|(?={NUMBER}\s?{SCALE}(?!\w))|(?(low_scale)(?!)|(?={_BARE_UPPER})))"
          r"|(?:\s+to\s+|(?(between)\s+and\s+|(?!)))(?P=sign)\s?))?")
# A code after a number names no money after a bare year ("By 2030 EUR 5 million"), before a number (the amount it
# signs), a hyphen ("CAD-designed"), nor after a number without a scale before a plural noun it qualifies ("500 CAD
# drawings", "2 EUR coins").
_NOT_A_YEAR_BEFORE_A_CODE = rf"(?!(?:19|20)\d\d\s+(?:{_CODES})(?!\w))"
_CODE_AFTER = (rf"(?:{_CODES})(?![-\w])(?!\s?\d)"
               r"(?(scale_first)|(?!\s+(?!(?:is|was|has|as|its|this|plus|minus|less|across|towards|thus|besides)\b)"
               r"[a-z]+s\b))")
# Money in search words (any case, but a code alone in capitals: "aud" is the start of "audit"):
_ASKED = re.compile(
    r"(?<![\w$£€])(?<!\d[.,])(?:(?<=from\s)(?P<from>))?(?:"
    # £10m, GBP 10 million, £10m-£20m, between £10m and £20m ("between" taken with its range only)
    rf"(?:(?P<between>between\s+)(?={_CURRENCY}))?(?P<sign>{_CURRENCY})\s?{_LOWER}"
    rf"(?P<number>{NUMBER})(?:\s?(?P<scale>{SCALE}))?(?(between)(?(low)|(?!))|)"
    # 10m GBP, 10 GBP, 10m £; not 10 £: a sign after a number alone is no more its currency than before it
    rf"|{_NOT_A_YEAR_BEFORE_A_CODE}(?P<number_first>{NUMBER})(?:\s?(?P<scale_first>{SCALE}))?"
    rf"\s?(?P<code>(?(scale_first)(?:{_SIGN}|{_CODE_AFTER})|{_CODE_AFTER}))"
    rf"|(?P<number_word>{NUMBER})(?:\s?(?P<scale_word>{SCALE}))?\s+(?P<word>{_WORD})"  # 10m pounds, 10 euros
    rf"|(?P<bare>{NUMBER})(?P<bare_scale>{_BARE_SCALE})"  # 10m, 10 million: in any currency
    rf"|(?P<alone>{_SIGN}|(?-i:{_CODES}))"  # £, NZ$, GBP: any amount in it
    r")(?![\w$£€])", re.IGNORECASE)


@dataclass(frozen=True)
class AskedAmount:
    amount: float | None  # None: any amount in its currencies
    currencies: frozenset[str]

    def matches(self, amount: float | None, currency: str | None) -> bool:
        return (amount is not None and currency in self.currencies
                and (self.amount is None or math.isclose(amount, self.amount)))


def amounts_asked(words: str) -> tuple[tuple[AskedAmount, ...], str]:
    """The money written in search words outside double quotes, and the words without it: ``£10m Iraq`` ->
    ((10000000 in GBP), " Iraq"); ``10m`` is 10000000 in any currency, ``£`` any amount in GBP. Within quotes, a
    phrase is words: "£10m in Iraq" stays so."""
    asked: list[AskedAmount] = []
    parts = words.replace("\u201c", '"').replace("\u201d", '"').split('"')
    for place in range(0, len(parts), 2):
        asked += [_asked(m) for m in _ASKED.finditer(parts[place])]
        parts[place] = _ASKED.sub(" ", parts[place])
    return tuple(asked), '"'.join(parts)


def amounts_written(text: str) -> tuple[AskedAmount, ...]:
    """The amounts ``text`` (a release's title) writes with their currency: ``£100 million for policing`` ->
    (100000000 in GBP); a number without its currency ("1.5 million people") is no money."""
    folded = text.casefold()
    if not any(mark in folded for mark in _CURRENCY_MARKS):  # most titles: no search of every offset
        return ()
    return tuple(_asked(m) for m in _ASKED.finditer(text) if m["sign"] or m["code"] or m["word"])


# What every amount written with its currency holds: a sign, a code or a currency word.
_CURRENCY_MARKS = ("£", "$", "€", "pound", "dollar", "euro", *(code.casefold() for code in CURRENCIES))


def _asked(match: re.Match[str]) -> AskedAmount:
    if match["sign"]:
        return AskedAmount(_upper_bound(match), _currencies(match["sign"]))
    if match["code"]:
        return AskedAmount(scaled(match["number_first"], match["scale_first"]), _currencies(match["code"]))
    if match["word"]:
        word = " ".join(match["word"].lower().split()).removesuffix(" sterling").removesuffix("s")
        return AskedAmount(scaled(match["number_word"], match["scale_word"]), _currencies(_WORDS[word]))
    if match["bare"]:
        return AskedAmount(scaled(match["bare"], match["bare_scale"].strip()), frozenset(CURRENCIES))
    return AskedAmount(None, _currencies(match["alone"]))


def _upper_bound(match: re.Match[str]) -> float:
    """The amount after a sign; of a range, its upper bound; as the classifier reads it, a range whose lower bound,
    taking the upper's scale when it has none ("£10-20m": 10m), exceeds the upper is its lower bound alone
    ("£650-8 million": £650)."""
    amount = scaled(match["number"], match["scale"])
    if match["low"] is None or scaled(match["low"], match["low_scale"] or match["scale"]) <= amount:
        return amount
    return scaled(match["low"], match["low_scale"])


def _currencies(sign: str) -> frozenset[str]:
    written = "".join(sign.lower().split())
    code = SIGNS.get(written, written.removesuffix("$").upper())
    return frozenset(DOLLARS) if code == ANY_DOLLAR else frozenset({code})


def bound(name: str, given: str) -> float:
    """The amount of a bound (``min_amount``, ``max_amount``) as given: ``10m`` -> 10000000.0; an
    :class:`QueryError` naming it for a negative amount or anything else than an amount."""
    try:
        return amount_of(given)
    except ValueError as exc:
        raise QueryError(f"{name}: {exc}") from None


def currency_code(given: str) -> str:
    """The ISO code of ``given`` (any case), one the ledger records; an :class:`QueryError` naming ``currency``."""
    try:
        return _currency_code(given)
    except ValueError as exc:
        raise QueryError(f"currency: {exc}") from None


def amount_range(*, min_amount: str | None, max_amount: str | None, currency: str | None) -> AmountRange | None:
    """The range of these parameters as given (None: none asked); an :class:`QueryError` naming the one at fault:
    a bound that is no amount or is negative, a range ending below its start, a currency the ledger does not
    record, or bounds without their currency (amounts in two currencies are not compared)."""
    low = None if min_amount is None else bound("min_amount", min_amount)
    high = None if max_amount is None else bound("max_amount", max_amount)
    if problem := bounds_problem(low=low, high=high, currency=currency):
        raise QueryError(f"{problem[0]}: {problem[1]}")
    return None if currency is None else AmountRange(currency_code(currency), low, high)
