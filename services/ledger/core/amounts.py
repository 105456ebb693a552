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

from services.common.money import CURRENCIES, NUMBER, SCALE, AmountRange, amount_of, bounds_problem, scaled
from services.common.money import currency_code as _currency_code

from .cursors import QueryError

__all__ = ["CURRENCIES", "AmountRange", "AskedAmount", "amount_range", "amounts_asked", "bound", "currency_code"]

DOLLARS = frozenset({"AUD", "CAD", "NZD", "USD"})
_SIGNS = {"£": frozenset({"GBP"}), "€": frozenset({"EUR"}), "$": DOLLARS, "us$": frozenset({"USD"})}
# An amount in the search words: a sign or an ISO code, the number, perhaps its scale ("£10m", "GBP 10 million").
_ASKED = re.compile(rf"(?<![\w$£€])(?P<sign>us\$|[£$€]|(?:{'|'.join(CURRENCIES)})\s?)(?P<number>{NUMBER})"
                    rf"(?:\s?(?P<scale>{SCALE}))?(?!\w)", re.IGNORECASE)


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
    return scaled(match["number"], match["scale"])


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
