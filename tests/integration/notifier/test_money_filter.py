"""A subscription's filter of money: an alert goes to the subscription whose range holds the commitment's amount,
in its currency, and not to one whose range does not."""

import json

import pytest

from samples import BORDERS, FUNDING, release
from schemas.classified import Money

from notifier_harness import handled, wait_for

pytestmark = pytest.mark.integration

BY_AMOUNT = """
subscriptions:
  - id: large
    filter: {{currency: GBP, min_amount: 10m}}
    channels:
      - webhook: {{url: "{large}"}}
  - id: small
    filter: {{currency: gbp, max_amount: "5,000,000"}}
    channels:
      - webhook: {{url: "{small}"}}
"""
FIVE = FUNDING.model_copy(update={"id": "c-five", "text": FUNDING.text.replace("£10m", "£5m"),
                                  "money": Money(amount=5_000_000, currency="GBP", text="£5m", span=(120, 123))})


def _alerted(receiver, path):
    return [[c["id"] for c in json.loads(body)["data"]["commitments"]] for _, _, body, _ in receiver.hits(path)]


async def test_an_alert_goes_only_where_the_filter_holds_its_amount(notifier, receiver, write_yaml,
                                                                     publish_classified):
    n = await notifier(subscriptions=write_yaml(BY_AMOUNT.format(large=receiver.url("large"),
                                                                 small=receiver.url("small"))))
    first = await publish_classified(n.service, release(FUNDING, BORDERS, release_id="gov-uk/ten"))
    await wait_for(lambda: handled(n.service, first), what="the £10m release handled")
    await wait_for(lambda: receiver.hits("large"), what="the £10m alert")
    await n.service.worker.drain()
    assert _alerted(receiver, "large") == [["c-funding"]]  # BORDERS has no money: not selected
    assert _alerted(receiver, "small") == []  # £10m is above its 5m
    second = await publish_classified(n.service, release(FIVE, release_id="gov-uk/five"))
    await wait_for(lambda: handled(n.service, second), what="the £5m release handled")
    await wait_for(lambda: receiver.hits("small"), what="the £5m alert")
    await n.service.worker.drain()
    assert _alerted(receiver, "small") == [["c-five"]]
    assert _alerted(receiver, "large") == [["c-funding"]]  # £5m is below its 10m
