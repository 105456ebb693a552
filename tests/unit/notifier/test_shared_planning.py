"""Planning one release for many subscribers shares what does not depend on the subscriber."""

from datetime import datetime, timezone

from samples import BORDERS, CONTENT, FUNDING, TRAINING, release
from schemas.alerts import Announcement
from services.notifier import planning
from services.notifier.matching import matching_commitments
from services.notifier.planning import Shared, fingerprint, plan_alerts
from services.notifier.subscriptions import Subscription

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)
SUBS = [Subscription(id="all", channels=["console"]),
        Subscription(id="ct", channels=["console"], filter={"counter_terrorism": True}),
        Subscription(id="borders", channels=["console"], filter={"keywords": ["biometric"]})]


def test_a_shared_fingerprint_and_match_plan_what_each_subscriber_alone_plans():
    r = release(FUNDING, BORDERS, CONTENT, TRAINING)
    sent = {"c-borders": f"1:{fingerprint(BORDERS)}", "c-content": "1:0000000000000000"}
    shared = Shared()
    for sub in SUBS:
        alone = plan_alerts(sub, r, sent=sent, elapsed_sent=set(), now=NOW)
        together = plan_alerts(sub, r, sent=sent, elapsed_sent=set(), now=NOW,
                               matched=matching_commitments(sub.filter, r), shared=shared)
        assert together == alone


def test_each_commitment_is_fingerprinted_once_for_every_subscriber(monkeypatch):
    calls = []
    monkeypatch.setattr(planning, "fingerprint", lambda c: calls.append(c.id) or fingerprint(c))
    r = release(FUNDING, BORDERS, CONTENT, TRAINING)
    shared = Shared()
    for sub in SUBS:
        plan_alerts(sub, r, sent={}, elapsed_sent=set(), now=NOW, shared=shared)
    assert sorted(calls) == ["c-borders", "c-content", "c-funding", "c-training"]


def test_a_shared_reannouncement_is_told_only_to_those_told_of_its_chain():
    again = FUNDING.model_copy(update={"id": "c-again"})
    chain = [Announcement(release_id="r1", commitment_id=FUNDING.id, published_at=NOW),
             Announcement(release_id="r2", commitment_id="c-again", published_at=NOW)]
    r = release(again, version=1)
    shared, told = Shared(), {FUNDING.id: f"1:{fingerprint(FUNDING)}"}
    plans = [plan_alerts(sub, r, sent=sent, elapsed_sent=set(), now=NOW, chains={"c-again": chain}, shared=shared)
             for sub, sent in [(SUBS[0], told), (SUBS[1], {}), (SUBS[1], told)]]
    alone = [plan_alerts(sub, r, sent=sent, elapsed_sent=set(), now=NOW, chains={"c-again": chain})
             for sub, sent in [(SUBS[0], told), (SUBS[1], {}), (SUBS[1], told)]]
    assert plans == alone
    assert [len(p.alerts[0].reannounced) for p in plans] == [1, 0, 1]
