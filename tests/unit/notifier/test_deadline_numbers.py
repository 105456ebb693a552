"""A deadline's number across versions of its release, as the notifier names what it told of it (decision 0021):
edits under new ids, deadlines dropped and written again."""

from __future__ import annotations

from datetime import timedelta

from samples import BORDERS, FUNDING, release
from schemas.classified import DateDeadline
from services.notifier.last_version import last_version_record, previous_version
from services.notifier.planning import plan_alerts
from services.notifier.subscriptions import Subscription
from services.notifier.version_changes import version_basis

from test_core import NOW


def _sub():
    return Subscription(id="desk", channels=["console"])


def _due(c, *days, id=None):
    return c.model_copy(update={"id": id or c.id, "deadlines": [
        DateDeadline(due=d, text=f"by {d:%-d %B %Y}", span=(20, 30)) for d in days]})


def _versions(*versions):
    """Each version's plan, planned as the service plans it: from what the ones before recorded and the release's
    last-version record the version before wrote."""
    sent, elapsed, raw, plans = {}, set(), None, []
    for number, c in enumerate(versions, start=1):
        r = release(c, version=number)
        basis = version_basis(previous_version(raw, r), r.commitments)
        plan = plan_alerts(_sub(), r, sent=sent, elapsed_sent=elapsed, now=NOW, basis=basis)
        raw = last_version_record(r, basis.numbering.numbers, basis.numbering.removed).encode()
        sent, elapsed = {**sent, **plan.sent}, elapsed | set(plan.elapsed)
        plans.append(plan)
    return plans


def test_a_deadline_told_past_is_not_told_again_when_its_commitment_is_edited_twice_under_new_ids():
    """Before: the second edit looked for the record under the first edit's id, where none was written."""
    passed = NOW.date() - timedelta(days=10)
    v1 = _due(FUNDING, passed)
    v2 = v1.model_copy(update={"id": "c-funding-2", "text": v1.text.replace("£10m", "£8m")})
    v3 = v2.model_copy(update={"id": "c-funding-3", "text": v2.text.replace("£8m", "£6m")})
    plans = _versions(v1, v2, v3)
    assert [[a.elapsed for a in p.alerts] for p in plans] == [[["c-funding:0"]], [[]], [[]]]


def test_a_deadline_told_past_then_dropped_is_not_told_again_when_a_later_version_writes_it_again():
    """Before: written again before the one kept, it took a number above that one's (2), not its own (0)."""
    passed, later = NOW.date() - timedelta(days=10), NOW.date() + timedelta(days=30)
    plans = _versions(_due(FUNDING, passed, later), _due(FUNDING, later), _due(FUNDING, passed, later))
    assert [[a.elapsed for a in p.alerts] for p in plans] == [[["c-funding:0"]], [[]], [[]]]
    assert [p.numbers for p in plans] == [{}, {"c-funding": [1]}, {}]


def test_a_deadline_told_past_is_not_told_again_when_its_commitment_is_removed_then_restored():
    """Before: the release's last version kept no trace of a commitment it removed, so the one restoring it
    numbered it by place (the deadline told past under 1 became 0, told past again)."""
    passed, later = NOW.date() - timedelta(days=10), NOW.date() + timedelta(days=30)
    numbered = _due(FUNDING, passed, later)
    plans = _versions(_due(FUNDING, later), numbered, BORDERS, numbered)
    assert [[a.elapsed for a in p.alerts] for p in plans] == [[[]], [["c-funding:0"]], [[]], [[]]]
