"""Amounts of money a query asks for: written in the search words (``£10m``), compared with a commitment's amount
in its currency, never as text; and a range of amounts in one currency (``min_amount``, ``max_amount``,
``currency``). Pure.

``£10`` is ten pounds, so it does not find "£100m" (as text, it was the start of it); ``£10m``, ``£10 million``
and ``£10,000,000`` are one amount, and find a commitment of £10m however its release wrote it. ``$`` is any
dollar the classifier records (US, Australian, Canadian, New Zealand: a release's "$" is read by the country it
names), ``US$`` or ``USD`` the US dollar only.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .cursors import QueryError

# The currencies the classifier writes: the pound, the euro, and the dollars a release's "$" may mean.
CURRENCIES = ("AUD", "CAD", "EUR", "GBP", "NZD", "USD")
DOLLARS = frozenset({"AUD", "CAD", "NZD", "USD"})
_SIGNS = {"£": frozenset({"GBP"}), "€": frozenset({"EUR"}), "$": DOLLARS, "us$": frozenset({"USD"})}
_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9,
           "tn": 1e12, "trillion": 1e12}
_SCALE = r"(?:thousand|million|billion|trillion|mn|bn|tn|k|m|b)"
_NUMBER = r"\d[\d,]*(?:\.\d+)?"
# An amount in the search words: a sign or an ISO code, the number, perhaps its scale ("£10m", "GBP 10 million").
_ASKED = re.compile(rf"(?<![\w$£€])(?P<sign>us\$|[£$€]|(?:{'|'.join(CURRENCIES)})\s?)(?P<number>{_NUMBER})"
                    rf"(?:\s?(?P<scale>{_SCALE}))?(?!\w)", re.IGNORECASE)
# An amount given as a bound: a number, perhaps its scale ("10000000", "10m", "1.5bn").
_BOUND = re.compile(rf"(?P<number>{_NUMBER})\s?(?P<scale>{_SCALE})?", re.IGNORECASE)
NOT_AN_AMOUNT = "is not an amount: give a number, such as 10000000 or 10m"


@dataclass(frozen=True)
class AskedAmount:
    amount: float
    currencies: frozenset[str]

    def matches(self, amount: float | None, currency: str | None) -> bool:
        return amount is not None and currency in self.currencies and math.isclose(amount, self.amount)


def amounts_asked(words: str) -> tuple[tuple[AskedAmount, ...], str]:
    """The amounts written in search words outside double quotes, and the words without them:
    ``£10m Iraq`` -> ((10000000 in GBP), " Iraq"). Within quotes, a phrase is words: "£10m in Iraq" stays so."""
    asked: list[AskedAmount] = []
    parts = words.replace("\u201c", '"').replace("\u201d", '"').split('"')
    for place in range(0, len(parts), 2):
        found = list(_ASKED.finditer(parts[place]))
        asked += [AskedAmount(_value(m), _currencies(m["sign"])) for m in found]
        parts[place] = _ASKED.sub(" ", parts[place])
    return tuple(asked), '"'.join(parts)


def _currencies(sign: str) -> frozenset[str]:
    sign = sign.strip().lower()
    return _SIGNS.get(sign) or frozenset({sign.upper()})


def _value(match: re.Match[str]) -> float:
    return float(match["number"].replace(",", "")) * _SCALES.get((match["scale"] or "").lower(), 1.0)


def bound(name: str, given: str) -> float:
    """The amount of a bound (``min_amount``, ``max_amount``) as given: ``10m`` -> 10000000.0; an
    :class:`QueryError` naming it for a negative amount or anything else than an amount."""
    text = given.strip()
    match = _BOUND.fullmatch(text.removeprefix("-"))
    if match is None:
        raise QueryError(f"{name}: {given[:40]!r} {NOT_AN_AMOUNT}")
    if text.startswith("-") and _value(match) != 0:
        raise QueryError(f"{name}: is negative: give 0 or more")
    return _value(match)


def currency_code(given: str) -> str:
    """The ISO code of ``given`` (any case), one the ledger records; an :class:`QueryError` naming ``currency``."""
    code = given.strip().upper()
    if code not in CURRENCIES:
        raise QueryError(f"currency: {given[:40]!r} is not a currency the ledger records ({', '.join(CURRENCIES)})")
    return code


@dataclass(frozen=True)
class AmountRange:
    currency: str
    low: float | None = None
    high: float | None = None

    def matches(self, amount: float | None, currency: str | None) -> bool:
        return (amount is not None and currency == self.currency and (self.low is None or amount >= self.low)
                and (self.high is None or amount <= self.high))


def amount_range(*, min_amount: str | None, max_amount: str | None, currency: str | None) -> AmountRange | None:
    """The range of these parameters as given (None: none asked); an :class:`QueryError` naming the one at fault:
    a bound that is no amount or is negative, a range ending below its start, a currency the ledger does not
    record, or bounds without their currency (amounts in two currencies are not compared)."""
    low = None if min_amount is None else bound("min_amount", min_amount)
    high = None if max_amount is None else bound("max_amount", max_amount)
    if low is not None and high is not None and high < low:
        raise QueryError("max_amount: is less than min_amount")
    if currency is None:
        if min_amount is not None or max_amount is not None:
            named = "min_amount" if min_amount is not None else "max_amount"
            raise QueryError(f"currency: give the currency of {named} (amounts in two currencies are not compared)")
        return None
    return AmountRange(currency_code(currency), low, high)
