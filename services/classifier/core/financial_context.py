""""This year" and "next year" in a release that counts in financial years mean its financial years (the
labelling rules): a pass over a release's commitments once their deadlines are read."""

from __future__ import annotations

from datetime import date

from schemas import Commitment, PeriodDeadline

from .financial_years import as_financial_year, counts_in_financial_years
from .folding import LoweredBody


def in_financial_years(commitments: list[Commitment], body: str, published: date, year_starts: int, *,
                       lowered: LoweredBody | None = None) -> list[Commitment]:
    """``commitments`` with each date read from a bare "this year" or "next year" made the financial year it
    means, when ``body`` counts in financial years (starting in the month ``year_starts``). ``lowered``: the
    body lowered and folded once (its fold is not made again), when known."""
    if not any(deadline.type == "date" for commitment in commitments for deadline in commitment.deadlines):
        return commitments
    folded = None if lowered is None else lowered.folded(0, len(body))
    if not counts_in_financial_years(body, published, folded=folded):
        return commitments
    return [_moved(commitment, published, year_starts) for commitment in commitments]


def _moved(commitment: Commitment, published: date, year_starts: int) -> Commitment:
    deadlines = []
    for deadline in commitment.deadlines:
        span = as_financial_year(deadline.text, published, year_starts) if deadline.type == "date" else None
        if span is not None:
            deadline = PeriodDeadline(type="period", text=deadline.text, span=deadline.span, start=span[0],
                                      end=span[1])
        deadlines.append(deadline)
    return commitment.model_copy(update={"deadlines": deadlines})
