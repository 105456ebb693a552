"""Two handlers settling two versions of one release at once: what one cancels from a record read before the
other wrote a newer one must not take away a reminder the newer record still plans. Real Redis, the notifier's
real agenda and reminder store."""

from datetime import datetime, timedelta, timezone

import pytest

from samples import FUNDING, release
from schemas.classified import DateDeadline
from services.notifier.reminders import PlannedReminders

from notifier_harness import handled, wait_for

pytestmark = pytest.mark.integration

DESK = """
subscriptions:
  - id: desk
    reminders: [P30D, P7D]
    channels: [console]
"""


def _version(n: int, due):
    commitment = FUNDING.model_copy(update={"deadlines": [DateDeadline(due=due, text=f"by {due:%-d %B %Y}",
                                                                       span=(0, 10))]})
    return release(commitment, version=n)


async def test_a_stale_version_settling_after_a_newer_one_was_recorded_cancels_none_of_its_reminders(
        notifier, write_yaml, publish_classified):
    """A settles v2 (planning only r1) from the v1 record it read ({r1, r2}); meanwhile B recorded v3, which
    plans r1 and r2 again. A's settling finds the record changed and v3 newer: r2 stays planned."""
    n = await notifier(subscriptions=write_yaml(DESK), run_scheduler=False)
    agenda, store, client = n.service.agenda, n.service.reminders, n.service.runtime.streams.client
    first = _version(1, datetime.now(timezone.utc).date() + timedelta(days=60))
    entry = await publish_classified(n.service, first)
    await wait_for(lambda: handled(n.service, entry), what="the first version handled")
    key = agenda.key("desk")
    lookup = (key, first.release_id)
    read_by_a = {lookup: await client.hget(*lookup)}
    v1 = PlannedReminders.from_json(read_by_a[lookup])
    assert v1 is not None and len(v1.jobs) == 2
    (r1, at1), (r2, _) = sorted(v1.jobs.items(), key=lambda job: job[1], reverse=True)

    await client.hset(key, first.release_id, PlannedReminders(3, dict(v1.jobs)).to_json())  # B settles v3
    second = _version(2, first.commitments[0].deadlines[0].due)
    await agenda.settle([(second, [("desk", PlannedReminders(2, {r1: at1}))], None)],
                        now=datetime.now(timezone.utc), read=read_by_a)

    assert PlannedReminders.from_json(await client.hget(*lookup)).version == 3
    assert set(await client.hkeys(store.planned_key)) == {r1.encode(), r2.encode()}
    assert await client.zscore(store.due_key, r2) is not None


@pytest.mark.xfail(strict=True, reason="a reminder scheduled again by a newer version before a stale version "
                                       "settles is cancelled by it: cancels do not know the version planning them")
async def test_a_stale_version_settling_before_a_newer_one_cancels_none_of_the_newer_ones_reminders(
        notifier, write_yaml, publish_classified):
    """B settles v2 (planning only r1) and A v3 (planning r1 and r2 again), both from the v1 record ({r1, r2});
    A had scheduled r2 again before B settled. B cancels r2; A then records v3: r2 must still be planned."""
    n = await notifier(subscriptions=write_yaml(DESK), run_scheduler=False)
    agenda, store, client = n.service.agenda, n.service.reminders, n.service.runtime.streams.client
    first = _version(1, datetime.now(timezone.utc).date() + timedelta(days=60))
    entry = await publish_classified(n.service, first)
    await wait_for(lambda: handled(n.service, entry), what="the first version handled")
    lookup = (agenda.key("desk"), first.release_id)
    read_by_both = {lookup: await client.hget(*lookup)}
    v1 = PlannedReminders.from_json(read_by_both[lookup])
    assert v1 is not None and len(v1.jobs) == 2
    (r1, at1), (r2, _) = sorted(v1.jobs.items(), key=lambda job: job[1], reverse=True)
    due, now = first.commitments[0].deadlines[0].due, datetime.now(timezone.utc)

    await agenda.settle([(_version(2, due), [("desk", PlannedReminders(2, {r1: at1}))], None)], now=now,
                        read=read_by_both)
    await agenda.settle([(_version(3, due), [("desk", PlannedReminders(3, dict(v1.jobs)))], None)], now=now,
                        read=read_by_both)

    assert PlannedReminders.from_json(await client.hget(*lookup)).version == 3
    assert set(await client.hkeys(store.planned_key)) == {r1.encode(), r2.encode()}
