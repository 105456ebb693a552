"""Sample classified releases for the notifier tests (the 2017 Iraq release, abridged)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from typing import Any

from schemas.classified import (Commitment, DateDeadline, Money, PeriodDeadline, ReleaseClassified,
                                ResponseTimeDeadline)
from services.notifier.planning import Plan, plan_alerts
from services.notifier.subscriptions import Subscription
from services.notifier.version_changes import LastVersion, version_basis

PUBLISHED = datetime(2017, 11, 29, 10, 0, tzinfo=timezone.utc)

FUNDING = Commitment(
    id="c-funding", text="The UK will invest £10m over the next three years to build Iraq's "
    "counter-terrorism capability to meet the new threat.", span=(100, 210), kind="pledge", actor="UK",
    category="capability_building", counter_terrorism=True, confidence=0.9,
    money=Money(amount=10_000_000, currency="GBP", text="£10m", span=(120, 124)),
    deadlines=[PeriodDeadline(start=date(2017, 11, 29), end=date(2020, 11, 29), text="over the next three years",
                              span=(125, 150))])
FUNDING_CUT = FUNDING.model_copy(update={  # FUNDING in a later version, £8m instead of £10m: a new id
    "id": "c-funding-8m", "text": FUNDING.text.replace("£10m", "£8m"),
    "money": Money(amount=8_000_000, currency="GBP", text="£8m", span=(120, 123))})
FUNDING_AGAIN = FUNDING.model_copy(update={  # the same £10m announced again, in other words, in another release
    "id": "c-funding-again", "text": "The UK is investing £10m to build Iraq's counter-terrorism capability.",
    "money": Money(amount=10_000_000, currency="GBP", text="£10m", span=(20, 24))})
BORDERS = Commitment(
    id="c-borders", text="We will work with partners across the region to develop border infrastructure, "
    "watch-lists and biometric capabilities.", span=(300, 400), kind="pledge", actor="UK",
    category="border_security", counter_terrorism=True, confidence=0.8)
CONTENT = Commitment(
    id="c-content", text="The major communications companies must remove content within one to two hours "
    "of release.", span=(500, 590), kind="demand", actor="major communications companies",
    category="online_content", counter_terrorism=True, confidence=0.85,
    deadlines=[ResponseTimeDeadline(min="PT1H", max="PT2H", anchor="release",
                                    text="within one to two hours of release", span=(550, 590))])
TRAINING = Commitment(
    id="c-training", text="The UK will continue to support Iraqi defence and security through the provision "
    "of officer training.", span=(700, 800), kind="pledge", actor="UK", category="training",
    counter_terrorism=False, confidence=0.7)


def release(*commitments: Commitment, version: int = 1, release_id: str = "gov-uk/iraq-2017",
            source: str = "seeds", published_at: datetime = PUBLISHED) -> ReleaseClassified:
    return ReleaseClassified(
        release_id=release_id, version=version, classifier_version="test", url="https://www.gov.uk/government/news/iraq",
        title="UK ramps up counterterror effort in Iraq", published_at=published_at, source=source,
        is_counter_terrorism=True, counter_terrorism_score=0.9,
        commitments=list(commitments) if commitments else [FUNDING, BORDERS, CONTENT, TRAINING])


def dated(cid: str, due: date, *, counter_terrorism: bool = True) -> Commitment:
    return Commitment(id=cid, text=f"The UK will deliver {cid} by {due:%B %Y}.", span=(0, 40), kind="pledge",
                      actor="UK", category="funding", counter_terrorism=counter_terrorism, confidence=0.9,
                      deadlines=[DateDeadline(due=due, text=f"by {due:%-d %B %Y}", span=(20, 40))])


def numbered_release(n: int, *, first: datetime, published_at: datetime | None = None) -> ReleaseClassified:
    """Release ``n`` of a long run of them: published a day after the one before from ``first`` (two share each
    day from the 100th on, so that pages end between releases of one timestamp), titled "Release 007 on
    funding" (on borders every tenth), with ``n % 3 + 1`` commitments due from 1 January 2027 plus ``n`` days."""
    when = published_at or first + timedelta(days=min(n, 100 + (n - 100) // 2))
    r = release(*[dated(f"c-{n}-{i}", date(2027, 1, 1) + timedelta(days=n)) for i in range(n % 3 + 1)],
                release_id=f"gov-uk/r{n:03d}", published_at=when)
    return r.model_copy(update={"title": f"Release {n:03d} on {'borders' if n % 10 == 0 else 'funding'}"})


def plan_against(previous: Sequence[Commitment], sub: Subscription, r: ReleaseClassified, **kwargs: Any) -> Plan:
    """:func:`plan_alerts` for ``r`` after a last version holding ``previous``, whose record numbered every deadline
    by its place (as every test version here does)."""
    return plan_alerts(sub, r, basis=version_basis(LastVersion(commitments=list(previous)), r.commitments), **kwargs)
