"""Where a deadline stands on a given day."""

from __future__ import annotations

from datetime import date

import pytest

from schemas.classified import DateDeadline, PeriodDeadline, ResponseTimeDeadline
from services.ledger.core.deadline_states import DeadlineState, deadline_state

TODAY = date(2018, 3, 1)
DUE = DateDeadline(due=date(2018, 3, 31), text="by the end of March", span=(0, 1))


@pytest.mark.parametrize(("deadline", "state"), [
    pytest.param(DUE.model_copy(update={"due": date(2018, 2, 28)}), DeadlineState.PASSED, id="yesterday"),
    pytest.param(DUE.model_copy(update={"due": TODAY}), DeadlineState.DUE, id="today"),
    pytest.param(DUE.model_copy(update={"due": date(2018, 3, 7)}), DeadlineState.DUE, id="in-six-days"),
    pytest.param(DUE.model_copy(update={"due": date(2018, 3, 8)}), DeadlineState.UPCOMING, id="in-seven-days"),
    pytest.param(PeriodDeadline(start=date(2017, 1, 1), end=date(2018, 2, 1), text="x", span=(0, 1)),
                 DeadlineState.PASSED, id="period-ended"),
    pytest.param(PeriodDeadline(start=date(2017, 1, 1), end=None, vague=True, text="x", span=(0, 1)),
                 DeadlineState.STANDING, id="vague-period"),
    pytest.param(ResponseTimeDeadline(min="PT1H", max="PT2H", anchor="release", text="x", span=(0, 1)),
                 DeadlineState.STANDING, id="response-time"),
])
def test_deadline_states(deadline, state):
    assert deadline_state(deadline, today=TODAY) is state
