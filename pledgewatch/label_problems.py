"""What keeps one release's label from being scored by ``pledgewatch eval`` and ``train``.

A label the scoring cannot read would be counted as the classifier's mistake, with nothing said: a kind or a
category misspelt as a wrong answer, a quote that is not in the body as a commitment missed, a deadline whose
date or duration does not read as one missed. Each is an error line naming the release, the commitment and the
field instead (``tests/data/check_labels.py`` lists every problem of a set, its conventions too).
"""

from __future__ import annotations

import math
import re
from datetime import date

from schemas import Category

KINDS = ("pledge", "demand")
DEADLINE_TYPES = ("date", "period", "response_time")
CATEGORIES = tuple(category.value for category in Category)

_NUMBER = r"\d+(?:[.,]\d+)?"
# An ISO 8601 duration with at least one part: years and months too, which a label may give (P1Y).
_DURATION = re.compile(rf"P(?=\d|T\d)(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
                       rf"(?:T(?=\d)(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def locate(quote: str, body: str) -> tuple[int, int] | None:
    """The span of ``quote`` in ``body``, tolerant of quote marks, spacing and case."""
    start = body.find(quote)
    if start >= 0:
        return start, start + len(quote)
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    pattern = re.sub(r"(?:\\?['’‘]|\\?[\"“”])", "['’‘\"“”]", pattern)
    match = re.search(pattern, body, re.IGNORECASE)
    return match.span() if match else None


def label_problem(label: dict, body: str) -> str | None:
    """What keeps ``label``, of a release whose text is ``body``, from being scored, as the end of an error line
    (" commitment 0: no quote …"), or None."""
    if not isinstance(label.get("is_counter_terrorism", False), bool):
        return f": is_counter_terrorism {label['is_counter_terrorism']!r} is not true or false"
    commitments = label.get("commitments", [])
    if not isinstance(commitments, list):
        return ": commitments is not a list"
    for n, item in enumerate(commitments):
        problem = _commitment_problem(item, body)
        if problem:
            return f" commitment {n}{problem}"
    return None


def _commitment_problem(item: object, body: str) -> str | None:
    if not isinstance(item, dict):
        return ": not an object"
    quote = item.get("quote")
    if not isinstance(quote, str) or not quote.strip():
        return ": no quote (the commitment's words, an exact substring of the body)"
    if locate(quote, body) is None:
        # not repeated: the line may be of a blind set, whose words are not shown
        return ": quote not in the release's body (copy the commitment's words from it)"
    if item.get("kind") not in KINDS:
        return f": kind {item.get('kind')!r} is neither pledge nor demand"
    if item.get("actor") is not None and not isinstance(item["actor"], str):
        return f": actor {item['actor']!r} is not a name (write who acts, as the release names them)"
    if item.get("category") and item["category"] not in CATEGORIES:
        return f": category {item['category']!r} is not one of {', '.join(CATEGORIES)}"
    if not isinstance(item.get("counter_terrorism", False), bool):
        return f": counter_terrorism {item['counter_terrorism']!r} is not true or false"
    money = item.get("money")
    if money is not None and not (isinstance(money, dict) and isinstance(money.get("amount"), (int, float))
                                  and math.isfinite(money["amount"]) and isinstance(money.get("currency"), str)):
        return f': money {money!r} is not null or {{"amount": …, "currency": "GBP"}}'
    deadlines = item.get("deadlines", [])
    if not isinstance(deadlines, list):
        return ": deadlines is not a list"
    for d, deadline in enumerate(deadlines):
        problem = _deadline_problem(deadline)
        if problem:
            return f" deadline {d}: {problem}"
    return None


def _deadline_problem(deadline: object) -> str | None:
    """Why ``deadline``'s values cannot be compared with the classifier's, or None."""
    kind = deadline.get("type") if isinstance(deadline, dict) else None
    if not isinstance(deadline, dict) or kind not in DEADLINE_TYPES:
        return f"type {kind!r} is not date, period or response_time"
    if kind == "date":
        return _not_a_date(deadline, "due")
    if kind == "period":
        if "vague" in deadline and not isinstance(deadline["vague"], bool):
            return f"vague {deadline['vague']!r} is not true or false"
        if deadline.get("end") is not None and not _is_date(deadline["end"]):
            return f"end {deadline['end']!r} is not a date (write YYYY-MM-DD, or null with \"vague\": true)"
        return _not_a_date(deadline, "start")
    for key in ("min", "max"):
        value = deadline.get(key)
        if not (isinstance(value, str) and _DURATION.fullmatch(value)):
            return f"{key} {value!r} is not an ISO 8601 duration (PT1H, P2D, PT90M)"
    return None


def _not_a_date(deadline: dict, key: str) -> str | None:
    value = deadline.get(key)
    return None if _is_date(value) else f"{key} {value!r} is not a date (write YYYY-MM-DD)"


def _is_date(value: object) -> bool:
    if not (isinstance(value, str) and _DATE.fullmatch(value)):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
