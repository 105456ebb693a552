"""Planning one release for many subscribers shares what does not depend on the subscriber."""

from datetime import datetime, timezone

from samples import BORDERS, CONTENT, FUNDING, TRAINING, release
from services.notifier import planning
from services.notifier.matching import matching_commitments
from services.notifier.planning import Fingerprints, fingerprint, plan_alerts
from services.notifier.subscriptions import Subscription

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)
SUBS = [Subscription(id="all", channels=["console"]),
        Subscription(id="ct", channels=["console"], filter={"counter_terrorism": True}),
        Subscription(id="borders", channels=["console"], filter={"keywords": ["biometric"]})]


def test_a_shared_fingerprint_and_match_plan_what_each_subscriber_alone_plans():
    r = release(FUNDING, BORDERS, CONTENT, TRAINING)
    sent = {"c-borders": f"1:{fingerprint(BORDERS)}", "c-content": "1:0000000000000000"}
    fingerprints = Fingerprints()
    for sub in SUBS:
        alone = plan_alerts(sub, r, sent=sent, elapsed_sent=set(), now=NOW)
        shared = plan_alerts(sub, r, sent=sent, elapsed_sent=set(), now=NOW,
                             matched=matching_commitments(sub.filter, r), fingerprints=fingerprints)
        assert shared == alone


def test_each_commitment_is_fingerprinted_once_for_every_subscriber(monkeypatch):
    calls = []
    monkeypatch.setattr(planning, "fingerprint", lambda c: calls.append(c.id) or fingerprint(c))
    r = release(FUNDING, BORDERS, CONTENT, TRAINING)
    fingerprints = Fingerprints()
    for sub in SUBS:
        plan_alerts(sub, r, sent={}, elapsed_sent=set(), now=NOW, fingerprints=fingerprints)
    assert sorted(calls) == ["c-borders", "c-content", "c-funding", "c-training"]
