"""A subscription deleted (and made again under its id) after a release's alerts were written and before its
reminders were: the reminders planned under the id are those the subscription there now is owed, never the deleted
one's, never none. The reminders' scripts compare each stored subscription's generation as the plan read it, as the
alerts' script does (decision 0058); one deleted or made again meanwhile has the release planned again.

Before: the deleted one's reminders were written, and recorded in the agenda under the id, after the delete had
cancelled what the agenda listed then: the new subscription got reminders at the deleted one's offsets and times
(its own were never planned), of a release it was never told of; a subscription deleted and not made again kept
them until they fell due."""

import json
import logging
from datetime import datetime, timedelta, timezone

import pytest

from samples import FUNDING, release
from schemas.classified import DateDeadline
from services.notifier.reminder_store import by_time
from services.notifier.reminders import PlannedReminders, fire_time, reminder_id

from notifier_harness import api_call, final_attempts, fire_each_when_due, handled, only_subscription, wait_for

pytestmark = pytest.mark.integration

OLD = {"id": "desk", "channels": ["console"], "reminders": ["P30D", "P7D"]}
NEW = {"id": "desk", "channels": ["console"], "reminders": ["P1D"], "timezone": "Australia/Sydney"}


def _dated():
    due = datetime.now(timezone.utc).date() + timedelta(days=60)
    commitment = FUNDING.model_copy(update={"deadlines": [DateDeadline(due=due, text=f"by {due:%-d %B %Y}",
                                                                       span=(0, 10))]})
    return release(commitment), due


def _remade_at(n, step: str, *, make_again: bool = True) -> list[bool]:
    """``desk`` deleted (and made again as NEW) through the API the first time the agenda's ``step`` runs:
    ``apply`` (the alerts are written, no reminder yet) or ``settle`` (the reminders are written, not yet recorded
    in the agenda)."""
    agenda, remade = n.service.agenda, []
    original = getattr(agenda, step)

    async def remaking(*args, **kwargs):
        if not remade:
            remade.append(True)
            assert (await api_call(n, "DELETE", "/subscriptions/desk"))[0] == 204
            if make_again:
                assert (await api_call(n, "POST", "/subscriptions", NEW))[0] == 201
        return await original(*args, **kwargs)

    setattr(agenda, step, remaking)
    return remade


async def _delivered(n, sub_id: str) -> list:
    return [a for a in await final_attempts(n.service, sub_id) if a.outcome == "delivered"]


async def _planned_for(n, sub_id: str) -> dict[str, dict]:
    """The reminders planned under ``sub_id``: id -> record."""
    records = await n.service.reminders.planned()
    return {rid: data for rid, raw in records.items() if (data := json.loads(raw)).get("u") == sub_id}


async def _listed_in_time_index(n) -> set[str]:
    """The reminders ``desk``'s listing reads (its time index)."""
    store = n.service.reminders
    return {rid.decode() for rid in await store.client.zrange(by_time(store.due_key, "desk"), 0, -1)}


@pytest.mark.parametrize("step", ["apply", "settle"])
async def test_a_subscription_made_again_before_its_reminders_are_written_gets_its_own(
        notifier, publish_classified, step):
    n = await notifier(http=True, run_scheduler=False)
    await only_subscription(n, OLD)
    remade = _remade_at(n, step)
    n.service.worker.offer = lambda jobs: (set(), 0.0)  # queued due, and claimed: its subscription asked after
    released, due = _dated()

    entry = await publish_classified(n.service, released)
    await wait_for(lambda: handled(n.service, entry), what="the release handled")

    assert remade
    mine = reminder_id("desk", FUNDING.id, 0, "P1D")
    planned = await _planned_for(n, "desk")
    assert set(planned) == {mine}, planned  # none of the deleted one's offsets
    at = dict(await n.service.reminders.scheduled())[mine]
    assert at == fire_time(due, "P1D", remind_at=n.service.remind_at, zone="Australia/Sydney")
    streams = n.service.runtime.streams
    agenda = PlannedReminders.from_json(await streams.client.hget(n.service.agenda.key("desk"), released.release_id))
    assert agenda is not None and set(agenda.jobs) == {mine}
    assert await _listed_in_time_index(n) == {mine}  # what its listing reads: none of the deleted one's
    # told of the release, as the subscription it is: its records and its reminders agree
    assert await streams.client.hexists(streams.key("notifier:sent:desk"), FUNDING.id)
    await wait_for(lambda: _delivered(n, "desk"), what="its alert delivered")
    assert len(await _delivered(n, "desk")) == 1  # the deleted one's is cancelled (decision 0041)


@pytest.mark.parametrize("step", ["apply", "settle"])
async def test_a_subscription_deleted_before_its_reminders_are_written_keeps_none(notifier, publish_classified, step):
    n = await notifier(http=True, run_scheduler=False)
    await only_subscription(n, OLD)
    remade = _remade_at(n, step, make_again=False)
    released, _ = _dated()

    entry = await publish_classified(n.service, released)
    await wait_for(lambda: handled(n.service, entry), what="the release handled")

    assert remade
    assert await _planned_for(n, "desk") == {}
    assert await _listed_in_time_index(n) == set()
    streams = n.service.runtime.streams
    assert await streams.client.hget(n.service.agenda.key("desk"), released.release_id) is None


async def test_a_reminder_planned_for_the_one_deleted_is_dropped_when_it_falls_due_not_sent_to_the_new_one(
        notifier, publish_classified, caplog):
    """What a handler that died between writing the reminders and recording them leaves, the subscription deleted
    and made again (with the same offsets) in between: planned under the id, listed in no agenda, so the delete
    did not cancel it. Before, it fired for the subscription made again, which was never told of its release."""
    now = [datetime.now(timezone.utc)]
    n = await notifier(http=True, run_scheduler=False, clock=lambda: now[0])
    await only_subscription(n, OLD)
    released, _ = _dated()
    entry = await publish_classified(n.service, released)
    await wait_for(lambda: handled(n.service, entry), what="the release handled")
    store, client = n.service.reminders, n.service.runtime.streams.client
    left = {rid: (raw, await client.zscore(store.due_key, rid)) for rid, raw in (await store.planned()).items()}
    subjects, refs = await client.hgetall(store.subjects_key), await client.hgetall(store.refs_key)
    assert len(left) == 2 and all(json.loads(raw).get("g") for raw, _ in left.values())

    assert (await api_call(n, "DELETE", "/subscriptions/desk"))[0] == 204
    assert (await api_call(n, "POST", "/subscriptions", OLD))[0] == 201
    for rid, (raw, at) in left.items():  # as that handler left them
        await client.hset(store.planned_key, rid, raw)
        await client.zadd(store.due_key, {rid: at})
    await client.hset(store.subjects_key, mapping=subjects)
    await client.hset(store.refs_key, mapping=refs)

    with caplog.at_level(logging.INFO, logger="services.notifier"):
        assert await fire_each_when_due(n, now) == []
    assert await store.planned() == {}
    assert sum("dropped" in r.getMessage() and "'desk'" in r.getMessage() for r in caplog.records) == 2


async def test_a_subscription_deleted_with_reminders_planned_leaves_no_time_index(notifier, publish_classified):
    n = await notifier(http=True, run_scheduler=False)
    await only_subscription(n, OLD)
    released, _ = _dated()
    entry = await publish_classified(n.service, released)
    await wait_for(lambda: handled(n.service, entry), what="the release handled")
    assert len(await _listed_in_time_index(n)) == 2 == len(await _planned_for(n, "desk"))
    assert (await api_call(n, "DELETE", "/subscriptions/desk"))[0] == 204
    assert await _planned_for(n, "desk") == {}
    assert await _listed_in_time_index(n) == set()
