"""A deadline written for another sum than the commitment's own (an earlier sum, the total a part is taken
from) is not the commitment's deadline, as that sum is not its money."""

from __future__ import annotations

from datetime import date

import pytest

from services.classifier.core import classify

_NONE = {
    "earlier-sum": "The Government will invest £5 million in new youth centres, in addition to the £70 million "
                   "already announced for the programme in 2024-25.",
    "the-total": "The council will spend £2 million on street lighting as part of its £30 million community safety "
                 "package over four years.",
}


@pytest.mark.parametrize("body", _NONE.values(), ids=_NONE.keys())
def test_the_deadline_of_another_sum_is_not_the_commitments(make_release, body):
    # before: "in 2024-25" and "over four years" were the commitments' deadlines
    [commitment] = classify(make_release(body, "2023-05-10"), rules_only=True).commitments
    assert commitment.money is not None and commitment.money.amount in (5_000_000, 2_000_000)
    assert commitment.deadlines == []


def test_the_commitments_own_deadline_stays_beside_another_sums(make_release):
    body = ("The Government will invest £5 million in youth centres by March 2025, on top of the £70 million "
            "already committed over the next three years.")
    [commitment] = classify(make_release(body, "2023-05-10"), rules_only=True).commitments
    assert [(d.type, d.due) for d in commitment.deadlines] == [("date", date(2025, 3, 31))]


@pytest.mark.parametrize("body", [
    "The council will spend £2 million on street lighting over four years.",
    "The council will give £2 million, part of its £30 million safety fund, to street lighting over four years.",
    "Of the £40 million package, £5 million will go to rural forces over four years.",
])
def test_the_deadline_of_the_commitments_own_sum_stays(make_release, body):
    [commitment] = classify(make_release(body, "2023-05-10"), rules_only=True).commitments
    assert [(d.type, d.start, d.end) for d in commitment.deadlines] == [
        ("period", date(2023, 5, 10), date(2027, 5, 10))]
