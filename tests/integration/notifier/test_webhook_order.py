"""Webhooks are delivered at least once and not in order: after a spell of 503s, the alerts of two versions of
one release reach the receiver in whichever order their retries fall. The fields every alert carries let a
consumer put them back in order (docs/examples/order_alerts.py, against webhooks the notifier really sent to a
real HTTP server on 127.0.0.1)."""

import json
from itertools import permutations

import pytest

from samples import FUNDING, FUNDING_CUT, release

from notifier_harness import fast_config, wait_for

pytestmark = pytest.mark.integration

def _alert_ids(requests) -> set[str]:
    return {headers["X-Pledgewatch-Alert-Id"] for _, headers, _, _ in requests}


async def test_alerts_delivered_after_a_spell_of_503s_can_be_put_back_in_version_order(
        notifier, receiver, write_yaml, publish_classified, docs_example):
    path = write_yaml(f"subscriptions: [{{id: desk, channels: [{{webhook: {{url: '{receiver.url('busy')}'}}}}]}}]")
    n = await notifier(config=fast_config(delivery_attempts=50), subscriptions=path)
    await publish_classified(n.service, release(FUNDING, version=1))
    await wait_for(lambda: receiver.hits("busy"), what="the first alert refused with 503")
    await publish_classified(n.service, release(FUNDING_CUT, version=2))
    await wait_for(lambda: len(_alert_ids(receiver.hits("busy"))) == 2, what="both alerts refused with 503")

    spell = len(receiver.requests)
    receiver.fixed.add("busy")  # from here on every POST is answered 200
    await wait_for(lambda: len(_alert_ids(receiver.requests[spell:])) == 2, what="both alerts delivered")
    arrived = [json.loads(body) for _, _, body, _ in receiver.requests[spell:]]

    order = docs_example("order_alerts")
    first_new, then_changed = sorted(arrived, key=order.alert_order)
    assert [(e["data"]["kind"], e["data"]["release"]["version"]) for e in (first_new, then_changed)] == [
        ("new", 1), ("changed", 2)]
    assert then_changed["data"]["changes"][0]["previous_id"] == first_new["data"]["commitments"][0]["id"]
    for arrival in permutations(arrived):  # whichever came first, a consumer can tell
        assert sorted(arrival, key=order.alert_order) == [first_new, then_changed]
        log = order.AlertLog()
        verdicts = {e["data"]["release"]["version"]: log.receive(e) for e in arrival}
        assert verdicts == ({1: "latest", 2: "latest"} if arrival[0] is first_new else {2: "latest", 1: "earlier"})
        assert [log.receive(e) for e in arrival] == ["duplicate", "duplicate"]
