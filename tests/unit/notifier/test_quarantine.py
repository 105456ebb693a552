"""One subscription failing at matching or planning time is set aside; the others go on."""

from services.notifier.quarantine import isolate
from services.notifier.subscriptions import Subscription


def _sub(sub_id):
    return Subscription(id=sub_id, channels=["console"])


def test_a_failing_subscription_is_set_aside_with_its_reason_and_the_others_keep_their_results():
    def step(sub):
        if sub.id == "bad":
            raise ValueError("year -983 is out of range")
        return sub.id.upper()

    done, quarantined = isolate([_sub("a"), _sub("bad"), _sub("c")], "planning reminders", step)
    assert [(s.id, r) for s, r in done] == [("a", "A"), ("c", "C")]
    (q,) = quarantined
    assert (q.subscription_id, q.stage) == ("bad", "planning reminders")
    assert q.reason == "planning reminders failed: ValueError: year -983 is out of range"
