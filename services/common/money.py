"""Amounts of money and their currencies as given to select commitments by (a ledger query's ``min_amount``,
``max_amount`` and ``currency``, a subscription filter's alike), and the range they make. Pure.

An amount is a number, perhaps with its scale (``10000000``, ``10m``, ``1.5bn``, ``250k``); a currency is an ISO
4217 code the classifier writes, in any case, or its sign (``£``, ``€``, ``US$``, ``A$``, ``C$``, ``NZ$``; ``$`` alone,
any of four dollars, is refused naming them). Amounts in two currencies are never compared.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# The currencies the classifier writes: the pound, the euro, and the dollars a release's "$" may mean.
CURRENCIES = ("AUD", "CAD", "EUR", "GBP", "NZD", "USD")
# The dollars: a release's "$" is read as the dollar of the country it names, so "$" in a search is any of them.
DOLLARS = ("AUD", "CAD", "NZD", "USD")
ANY_DOLLAR = "$"
# A currency by its sign, as a search writes it (``£10m``, ``US$5bn``, ``NZ$4.5m``), as the classifier reads it.
SIGNS = {"£": "GBP", "€": "EUR", "us$": "USD", "a$": "AUD", "au$": "AUD", "c$": "CAD", "ca$": "CAD", "can$": "CAD",
         "nz$": "NZD", "$": ANY_DOLLAR}
SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9,
          "tn": 1e12, "trillion": 1e12}
SCALE = r"(?:thousand|million|billion|trillion|mn|bn|tn|k|m|b)"
NUMBER = r"\d[\d,]*(?:\.\d+)?"
# An amount given as a bound: a number, perhaps its scale ("10000000", "10m", "1.5bn").
_BOUND = re.compile(rf"(?P<number>{NUMBER})\s?(?P<scale>{SCALE})?", re.IGNORECASE)
MAX_AMOUNT_TEXT = 40
NOT_AN_AMOUNT = "is not an amount: give a number, such as 10000000 or 10m"
NEGATIVE = "is negative: give 0 or more"
# An amount as the JSON Schema of a filter documents it: a number, or the text of one with its scale.
_SCALE_ANY_CASE = r"([Tt]housand|[Mm]illion|[Bb]illion|[Tt]rillion|[MmBbTt][Nn]|[KkMmBb])"
AMOUNT_PATTERN = rf"^\s*([0-9][0-9,]*(\.[0-9]+)?|-0[0,]*(\.0+)?)\s?{_SCALE_ANY_CASE}?\s*$"


def scaled(number: str, scale: str | None) -> float:
    """``number`` (its thousands commas allowed) times ``scale`` (``m``, ``bn``, …, any case)."""
    return float(number.replace(",", "")) * SCALES.get((scale or "").lower(), 1.0)


def amount_of(given: str | float) -> float:
    """The amount ``given`` as text (``10m`` -> 10000000.0) or as a number; a ValueError saying why for a
    negative amount, one not finite, or anything else than an amount."""
    if isinstance(given, bool) or not isinstance(given, (str, int, float)):
        raise ValueError(NOT_AN_AMOUNT)
    if not isinstance(given, str):
        if not math.isfinite(given):
            raise ValueError(NOT_AN_AMOUNT)
        if given < 0:
            raise ValueError(NEGATIVE)
        return float(given)
    if len(given) > MAX_AMOUNT_TEXT:
        raise ValueError(f"{given[:MAX_AMOUNT_TEXT]!r}… is longer than {MAX_AMOUNT_TEXT} characters: {NOT_AN_AMOUNT}")
    text = given.strip()
    match = _BOUND.fullmatch(text.removeprefix("-"))
    if match is None:
        raise ValueError(f"{given[:40]!r} {NOT_AN_AMOUNT}")
    value = scaled(match["number"], match["scale"])
    if text.startswith("-") and value != 0:
        raise ValueError(NEGATIVE)
    return value


def currency_code(given: str) -> str:
    """The ISO code of ``given`` (any case), one the classifier writes, or of its sign (``£``, ``€``, ``NZ$``); a
    ValueError saying why not: ``$`` alone is any of four dollars, and amounts in two currencies are not compared."""
    code = SIGNS.get(given.strip().lower(), given.strip().upper())
    if code == ANY_DOLLAR:
        raise ValueError(f"'$' is any dollar: give the one meant, {', '.join(DOLLARS[:-1])} or {DOLLARS[-1]} "
                         "(amounts in two currencies are not compared)")
    if code not in CURRENCIES:
        raise ValueError(f"{given[:40]!r} is not a currency the ledger records ({', '.join(CURRENCIES)})")
    return code


MAX_BELOW_MIN = "is less than min_amount"


def bounds_problem(*, low: float | None, high: float | None, currency: str | None) -> tuple[str, str] | None:
    """The field at fault and why, when bounds cannot make a range: ``max_amount`` below ``min_amount``, or
    bounds without their currency (amounts in two currencies are not compared); None when they can."""
    if low is not None and high is not None and high < low:
        return "max_amount", MAX_BELOW_MIN
    if currency is None and (low is not None or high is not None):
        named = "min_amount" if low is not None else "max_amount"
        return "currency", f"give the currency of {named} (amounts in two currencies are not compared)"
    return None


@dataclass(frozen=True)
class AmountRange:
    currency: str
    low: float | None = None
    high: float | None = None

    def matches(self, amount: float | None, currency: str | None) -> bool:
        return (amount is not None and currency == self.currency and (self.low is None or amount >= self.low)
                and (self.high is None or amount <= self.high))
