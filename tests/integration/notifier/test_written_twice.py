"""One commitment written twice in one release (alike as the re-announcement matcher reads them, due the same
days) reaches a subscriber once: one "new" alert naming it once, one set of reminders, and a later release
announcing it again is a re-announcement. Real Redis, a real webhook receiver, the notifier's own planning and
firing on a clock the test sets."""

import json
from datetime import date, datetime, timezone

import pytest

from samples import dated, release
from schemas.classified import Money
from services.notifier import planning
from services.notifier.reminder_writings import WRITINGS, WRITINGS_VERSION

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


async def test_reminders_an_earlier_version_planned_for_both_writings_are_sent_once(
        notifier, receiver, write_yaml, publish_classified):
    """An earlier version told both writings and planned reminders for each: the first leader of this version takes
    the second writing's for the first's again, and each reminder comes once. Before: each came twice."""
    path = write_yaml(ONE_DESK.format(url=receiver.url("desk")))
    before = await notifier(subscriptions=path, run_scheduler=False)
    with pytest.MonkeyPatch.context() as as_the_earlier_version:
        as_the_earlier_version.setattr(planning, "written_twice", lambda commitments: {})
        restated = RESTATED.model_copy(update={"span": (50, 120)})  # the paragraph, after the summary
        entry = await publish_classified(before.service, release(FIRST, restated))
        await wait_for(lambda: handled(before.service, entry), what="the release handled")
    assert len(await scheduled(before.service)) == 8
    await before.stop()

    now = [NOW]
    after = await notifier(subscriptions=path, clock=lambda: now[0])
    streams = after.service.runtime.streams

    async def writings_marked():
        return await streams.client.get(streams.key(WRITINGS)) == WRITINGS_VERSION.encode()
    await wait_for(writings_marked, what="the first leader's look at reminders of commitments written twice")
    fired = await fire_each_when_due(after, now)
    assert sorted(offset for _, _, offset in fired) == ["P0D", "P1D", "P30D", "P7D"]
    assert {cid for cid, _, _ in fired} == {"c-first"}
