"""The leases of the reminders' claims are on Redis's clock, which every host reads alike: a leader on a host whose
wall clock is two minutes ahead does not take a reminder the previous leader claimed and is still firing, and one
on a host two minutes behind takes a dead leader's claim once its lease ends on Redis's clock, not two minutes
later. Before: the lease's end was the claiming leader's clock, judged by the next leader's. A retry's time stays on
the leader's clock, as the due times it is judged with do."""

from __future__ import annotations

import asyncio
import copy
from datetime import datetime, timedelta, timezone

import pytest

from samples import dated, release
from schemas.streams import REMINDERS
from services.notifier import firing as firing_module
from services.notifier.firing import ReminderFiring
from services.notifier.reminder_scripts import CLAIM, HELPERS
from services.notifier.reminder_store import Claimed

from notifier_harness import desk_reminded_soon, fast_config, scheduled, wait_for

pytestmark = pytest.mark.integration

SKEW = 120.0  # two minutes off: longer than the lease


def _leader(firing: ReminderFiring, skew: float) -> ReminderFiring:
    """The firing of a leader on a host whose wall clock is ``skew`` seconds off."""
    leader = copy.copy(firing)
    leader.clock = lambda: datetime.now(timezone.utc) + timedelta(seconds=skew)
    return leader


def _dying(leader: ReminderFiring) -> list[str]:
    """``leader`` dies once it has claimed: nothing it claims is finished. Returns the ids it claims."""
    taken: list[str] = []

    async def fire(claimed):  # type: ignore[no-untyped-def]
        taken.extend(c.reminder_id for c in claimed)
        return 0

    leader.fire = fire  # type: ignore[method-assign]
    return taken


@pytest.fixture
async def reminded(notifier, receiver, write_yaml, publish_classified):
    """A notifier that runs no scheduler, whose one reminder is due (on every clock of the tests) by now."""
    path, due, _, _ = desk_reminded_soon(write_yaml, receiver.url("hook"), seconds=0.5)
    n = await notifier(config=fast_config(reminder_time="00:00"), subscriptions=path, run_scheduler=False)
    await publish_classified(n.service, release(dated("c-dated", due)))
    ((rid, fire_at),) = (await wait_for(lambda: scheduled(n.service), what="the reminder planned")).items()
    await asyncio.sleep(max(0.0, (fire_at - datetime.now(timezone.utc)).total_seconds()) + 0.1)
    return n, rid


async def test_a_leader_whose_clock_is_ahead_does_not_take_a_reminder_still_held_by_a_claim(reminded):
    n, rid = reminded
    previous = _leader(n.service.firing, 0.0)
    taken = _dying(previous)
    await previous.fire_due()
    assert taken == [rid]
    assert await _leader(n.service.firing, SKEW).fire_due() == 0  # its lease runs on Redis's clock: held still


async def test_a_leader_whose_clock_is_behind_takes_a_dead_leaders_claim_once_its_lease_ends(reminded, monkeypatch):
    n, rid = reminded
    monkeypatch.setattr(firing_module, "LEASE_SECONDS", 0.5)
    dead = _leader(n.service.firing, SKEW)  # the previous leader's host two minutes ahead of the next one's
    taken = _dying(dead)
    await dead.fire_due()
    assert taken == [rid]
    await asyncio.sleep(0.7)  # its lease ended on Redis's clock
    assert await _leader(n.service.firing, 0.0).fire_due() == 1
    assert await scheduled(n.service) == {}


async def _due_by_every_clock(n, rid: str) -> None:
    store = n.service.firing.store
    await store.client.zadd(store.due_key, {rid: datetime.now(timezone.utc).timestamp() - 2 * SKEW})


@pytest.mark.parametrize("skew", [SKEW, -SKEW], ids=["ahead", "behind"])
async def test_a_leader_whose_clock_is_off_retries_a_failed_reminder_after_its_backoff_neither_early_nor_late(
        reminded, skew):
    """The retry's time is the failing leader's now plus the backoff, judged by the clock of the leader that fires
    it, as every due time is (decision 0080): by the same leader, after the backoff whatever its clock says. On
    Redis's clock it would be judged by the leader's and come 2 minutes early (or late)."""
    n, rid = reminded
    await _due_by_every_clock(n, rid)
    leader = _leader(n.service.firing, skew)
    leader._retry_delay = lambda attempt: 1.0  # type: ignore[method-assign]
    commit = leader._commit
    failures: list[int] = []

    async def failing_once(sending, dropped, *, now):  # type: ignore[no-untyped-def]
        if not failures:
            failures.append(1)
            raise ConnectionError("redis blip")
        return await commit(sending, dropped, now=now)

    leader._commit = failing_once  # type: ignore[method-assign]
    assert await leader.fire_due() == 0 and failures == [1]
    assert await leader.fire_due() == 0  # not before its backoff
    await asyncio.sleep(1.1)
    assert await leader.fire_due() == 1  # nor after it
    assert await scheduled(n.service) == {}


# The previous version's claim (before decision 0080), as it still runs in a rolling upgrade: it judges the due
# index alone by its leader's clock, moves each reminder it takes to its own clock's lease end and records it as
# claimed; it knows nothing of the leases.
PREVIOUS_CLAIM = HELPERS + """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
local claimed, wanted, keys = {}, {}, {}
for i = 1, #due, 2 do
  local record = redis.call('HGET', KEYS[2], due[i])
  local subject = subject_of(record)
  if subject then
    redis.call('ZADD', KEYS[1], ARGV[2], due[i])
    redis.call('HSET', KEYS[4], due[i], record)
    claimed[#claimed + 1] = due[i]; claimed[#claimed + 1] = due[i + 1]; claimed[#claimed + 1] = record
    if not wanted[subject] then wanted[subject] = true; keys[#keys + 1] = subject end
  end
end
""" + CLAIM[CLAIM.index("local subjects = {}"):]  # the subjects' read, unchanged since


async def _previous_claim(leader: ReminderFiring) -> list[Claimed]:
    """What a leader of the previous version, with ``leader``'s clock, claims now."""
    store = copy.copy(leader.store)
    store._claim = store.client.register_script(PREVIOUS_CLAIM)
    now = leader.clock().timestamp()
    return await store._read_due(now, now + firing_module.LEASE_SECONDS, firing_module.CHUNK)


async def _published(n) -> int:
    streams = n.service.runtime.streams
    return await streams.client.xlen(streams.key(REMINDERS))


@pytest.mark.parametrize("first", ["this version", "the previous one"])
async def test_in_a_rolling_upgrade_a_reminder_claimed_by_both_versions_at_once_is_sent_once(reminded, first):
    """A leader of this version, deposed while it fires, holds its claim on Redis's clock; the previous version's
    leader (its clock two minutes ahead) does not see that lease and claims the reminder too. Both fire it: the
    slot's fired mark and the record compared as claimed let one send it, whichever commits first, and it is
    finished, not left planned."""
    n, rid = reminded
    this = _leader(n.service.firing, 0.0)
    previous = _leader(n.service.firing, SKEW)
    now = this.clock().timestamp()
    held = await this.store.claim(until=now, lease_seconds=firing_module.LEASE_SECONDS, limit=firing_module.CHUNK)
    taken = await _previous_claim(previous)
    assert [c.reminder_id for c in held] == [c.reminder_id for c in taken] == [rid]
    firings = [(this, held), (previous, taken)]
    if first != "this version":
        firings.reverse()
    assert sum([await leader.fire(claimed) for leader, claimed in firings]) == 1
    assert await _published(n) == 1
    assert await scheduled(n.service) == {}


@pytest.mark.parametrize("skew", [SKEW, -SKEW], ids=["ahead", "behind"])
async def test_in_a_rolling_upgrade_a_claim_the_previous_version_left_is_fired_once_by_this_one(reminded, skew):
    """The previous version's leader, its clock ``skew`` off, claims and dies; this version's leader, elected, takes
    its claim back: the reminder is due at the previous leader's lease end, on that leader's clock, and fired then,
    once (late by that clock's error and the lease, never lost)."""
    n, rid = reminded
    await _due_by_every_clock(n, rid)
    taken = await _previous_claim(_leader(n.service.firing, skew))
    assert [c.reminder_id for c in taken] == [rid]
    this = _leader(n.service.firing, 0.0)
    assert await this.store.reclaim(now=this.clock()) == 1
    late = skew + firing_module.LEASE_SECONDS
    assert await this.fire_due() == (1 if late <= 0 else 0)
    assert await _leader(n.service.firing, late + 1).fire_due() == (0 if late <= 0 else 1)
    assert await _published(n) == 1
    assert await scheduled(n.service) == {}
