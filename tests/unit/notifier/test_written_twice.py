"""One commitment written twice in one release (a summary and its paragraph: alike as the re-announcement matcher
reads them, due the same days) is told once, as one commitment, and reminded once; both are recorded told, so
that neither is new later, nor a re-announcement of either."""

from datetime import date, datetime, timezone

from samples import BORDERS, FUNDING, FUNDING_AGAIN, release
from schemas.alerts import AlertKind
from schemas.classified import PeriodDeadline
from services.notifier.planning import plan_alerts
from services.notifier.subscriptions import Subscription

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)
SUB = Subscription(id="desk", channels=["console"])
RESTATED = FUNDING_AGAIN.model_copy(update={"id": "c-funding-restated"})  # FUNDING in other words, same release
LATER_END = FUNDING_AGAIN.model_copy(update={"id": "c-funding-later", "deadlines": [
    PeriodDeadline(start=date(2017, 11, 29), end=date(2021, 11, 29), text="over the next four years", span=(40, 64))]})


def _told(plan) -> list[list[str]]:
    return [[c.id for c in alert.commitments] for alert in plan.alerts]


def test_a_commitment_written_twice_in_a_release_is_told_once_and_reminded_once():
    """Before: the alert listed it twice, and each was reminded: every reminder came twice."""
    plan = plan_alerts(SUB, release(FUNDING, BORDERS, RESTATED), sent={}, elapsed_sent=set(), now=NOW)
    assert _told(plan) == [[FUNDING.id, BORDERS.id]]
    assert plan.alerts[0].kind == AlertKind.NEW
    assert set(plan.sent) == {FUNDING.id, BORDERS.id, RESTATED.id}  # both recorded told
    assert [c.id for c in plan.matched] == [FUNDING.id, BORDERS.id]  # reminded of once


def test_its_next_version_tells_and_reminds_it_once_too():
    first = plan_alerts(SUB, release(FUNDING, RESTATED), sent={}, elapsed_sent=set(), now=NOW)
    again = plan_alerts(SUB, release(FUNDING, RESTATED, version=2), sent=first.sent, elapsed_sent=set(), now=NOW)
    assert (again.alerts, [c.id for c in again.matched]) == ([], [FUNDING.id])


def test_written_again_in_a_later_version_of_a_release_told_of_it_is_not_new():
    """The subscriber knows it already: the restatement is recorded told, and not reminded a second time."""
    first = plan_alerts(SUB, release(FUNDING), sent={}, elapsed_sent=set(), now=NOW)
    later = plan_alerts(SUB, release(RESTATED, FUNDING, version=2), sent=first.sent, elapsed_sent=set(), now=NOW)
    assert later.alerts == [] and RESTATED.id in later.sent
    assert [c.id for c in later.matched] == [RESTATED.id]  # one of them, the first written


def test_due_on_other_days_it_is_two_commitments_each_told():
    plan = plan_alerts(SUB, release(FUNDING, LATER_END), sent={}, elapsed_sent=set(), now=NOW)
    assert _told(plan) == [[FUNDING.id, LATER_END.id]]


def test_only_the_one_the_filter_selects_is_told():
    """A restatement whose first writing the filter leaves out is told as itself."""
    sub = Subscription(id="desk", channels=["console"], filter={"keywords": ["investing"]})
    plan = plan_alerts(sub, release(FUNDING, RESTATED), sent={}, elapsed_sent=set(), now=NOW)
    assert _told(plan) == [[RESTATED.id]]


def test_written_twice_names_each_restatement_by_its_first_writing():
    from services.notifier.announcements import written_twice

    assert written_twice([FUNDING, BORDERS, RESTATED, LATER_END]) == {RESTATED.id: FUNDING.id}
    assert written_twice([BORDERS, FUNDING]) == {}


def test_a_paused_subscription_follows_the_reminders_of_its_first_writing_only():
    """Reminders an earlier version planned for both writings: a version handled during a pause keeps those of the
    first, so that the pause does not keep a reminder twice."""
    from services.notifier.planning import plan_paused
    from services.notifier.version_changes import LastVersion, version_basis

    r = release(FUNDING, RESTATED, version=2)
    plan = plan_paused(SUB, r, version_basis(LastVersion(commitments=[FUNDING, RESTATED]), r.commitments))
    assert [c.id for c in plan.matched] == [FUNDING.id]


def test_which_writings_repeat_another_is_worked_out_once_per_release_not_per_paused_subscriber(monkeypatch):
    """Before: every paused subscription compared the release's commitments again (quadratic in them, per
    subscriber); now once for the release, shared with its active subscribers' plans too."""
    from services.notifier import planning
    from services.notifier.announcements import written_twice
    from services.notifier.planning import Shared
    from services.notifier.service import _paused_plans
    from services.notifier.version_changes import LastVersion, version_basis

    calls = []
    monkeypatch.setattr(planning, "written_twice", lambda cs: calls.append(len(cs)) or written_twice(cs))
    r = release(FUNDING, BORDERS, RESTATED, version=2)
    basis = version_basis(LastVersion(commitments=[FUNDING, BORDERS, RESTATED]), r.commitments)
    paused = [Subscription(id=f"paused-{n}", channels=["console"]) for n in range(3)]
    alone = [plan for _, plan in _paused_plans(paused, r, basis)]
    assert calls == [3]
    assert [[c.id for c in plan.matched] for plan in alone] == [[FUNDING.id, BORDERS.id]] * 3

    calls.clear()
    shared = Shared()
    plan_alerts(SUB, r, sent={}, elapsed_sent=set(), now=NOW, shared=shared)
    together = [plan for _, plan in _paused_plans(paused, r, basis, shared)]
    assert calls == [3] and together == alone
