"""One commitment written twice in one release (alike as the re-announcement matcher reads them, due the same
days) reaches a subscriber once: one "new" alert naming it once, one set of reminders, and a later release
announcing it again is a re-announcement. Real Redis, a real webhook receiver, the notifier's own planning and
firing on a clock the test sets."""

import json
from datetime import date, datetime, timezone

import pytest

from samples import dated, release
from schemas.classified import Money

from notifier_harness import fire_each_when_due, handled, scheduled, wait_for

pytestmark = pytest.mark.integration

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=timezone.utc)
DUE = date(2027, 5, 3)
MONEY = Money(amount=10_000_000, currency="GBP", text="£10m", span=(0, 4))
FIRST = dated("c-first", DUE).model_copy(update={
    "text": "The UK will invest £10m to build Iraq's counter-terrorism capability by May 2027.", "money": MONEY})
RESTATED = FIRST.model_copy(update={
    "id": "c-restated", "text": "£10m will build Iraq's counter-terrorism capability, the UK said, by May 2027."})
AGAIN = FIRST.model_copy(update={"id": "c-again", "text": "The UK is investing £10m in Iraq's counter-terrorism "
                                                          "capability, by May 2027."})
ONE_DESK = 'subscriptions: [{{id: desk, channels: [{{webhook: {{url: "{url}"}}}}]}}]'


def _alerts(receiver):
    return [json.loads(body)["data"] for _, _, body, _ in receiver.hits("desk")]


async def test_a_commitment_written_twice_in_one_release_is_told_once_and_reminded_once(
        notifier, receiver, write_yaml, publish_classified):
    """Before: the alert named it twice, and each of its reminders came twice."""
    now = [NOW]
    n = await notifier(subscriptions=write_yaml(ONE_DESK.format(url=receiver.url("desk"))), run_scheduler=False,
                       clock=lambda: now[0])
    entry = await publish_classified(n.service, release(FIRST, RESTATED))
    await wait_for(lambda: handled(n.service, entry), what="the release handled")
    assert len(await scheduled(n.service)) == 4
    later = await publish_classified(n.service, release(AGAIN, release_id="ho/2027", published_at=NOW))
    await wait_for(lambda: handled(n.service, later), what="its re-announcement handled")
    await wait_for(lambda: len(receiver.hits("desk")) == 2, what="two alerts")
    await n.service.worker.drain()

    alerts = sorted(_alerts(receiver), key=lambda a: a["kind"])
    assert [(a["kind"], [c["id"] for c in a["commitments"]]) for a in alerts] == [
        ("new", ["c-first"]), ("reannounced", ["c-again"])]
    fired = await fire_each_when_due(n, now)  # either announcement's reminder: their slot is one
    assert sorted(offset for _, _, offset in fired) == ["P0D", "P1D", "P30D", "P7D"]
    assert {cid for cid, _, _ in fired} <= {"c-first", "c-again"}
