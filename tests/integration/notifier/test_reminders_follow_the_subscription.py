"""Planned reminders follow what the subscription and the release say when they fall due: a filter changed to
leave a commitment out stops its reminders, and a new version of the release handled while the subscription is
paused moves or cancels the reminders of what it changed, so that nothing stale is reminded once the pause is
over. Real Redis, the notifier's own planning and firing, a clock the test sets."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone

import pytest

from samples import dated, release
from services.notifier import reminders
from services.notifier.durations import parse_duration
from services.notifier.planning import release_ref
from services.notifier.reminders import reminder_jobs

from notifier_harness import api_call, fire_each_when_due, handled, scheduled, wait_for

pytestmark = pytest.mark.integration

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=timezone.utc)
DUE = date(2027, 5, 3)  # 63 days on: every default offset (P30D, P7D, P1D, P0D) still ahead
LATER = date(2027, 6, 14)


async def _desk(notifier, now, **fields):
    """A notifier on the clock ``now`` (a one-item list) with one subscription, ``desk``, stored through the API."""
    n = await notifier(http=True, run_scheduler=False, clock=lambda: now[0])
    assert (await api_call(n, "DELETE", "/subscriptions/console"))[0] == 204  # the one a first start stores
    status, body = await api_call(n, "POST", "/subscriptions", {"id": "desk", "channels": ["console"], **fields})
    assert status == 201, body
    return n


async def _handle(n, publish_classified, r):
    entry = await publish_classified(n.service, r, event_id=f"{r.release_id}/v{r.version}")
    await wait_for(lambda: handled(n.service, entry), what=f"version {r.version} handled")


def _each_offset(cid: str, due: date, offsets=("P30D", "P7D", "P1D", "P0D")) -> list[tuple[str, str, str]]:
    return sorted((cid, due.isoformat(), offset) for offset in offsets)


async def test_a_filter_changed_to_leave_a_commitment_out_stops_its_reminders(notifier, publish_classified):
    """Before: the commitment the new filter leaves out was reminded four times all the same."""
    now = [NOW]
    n = await _desk(notifier, now, filter={"keywords": ["c-kept", "c-left"]})
    await _handle(n, publish_classified, release(dated("c-kept", DUE), dated("c-left", DUE)))
    assert len(await scheduled(n.service)) == 8

    status, body = await api_call(n, "PATCH", "/subscriptions/desk", {"filter": {"keywords": ["c-kept"]}})
    assert status == 200, body

    assert await fire_each_when_due(n, now) == _each_offset("c-kept", DUE)


async def _paused_through(notifier, publish_classified, first, second) -> list[tuple[str, str, str]]:
    """``desk`` told of ``first`` (a release's first version), then paused for ten days while ``second`` (its next)
    is handled: what it is reminded of, each reminder fired at its time."""
    now = [NOW]
    n = await _desk(notifier, now)
    await _handle(n, publish_classified, first)
    status, body = await api_call(n, "PATCH", "/subscriptions/desk",
                                  {"paused_until": (NOW + timedelta(days=10)).isoformat()})
    assert status == 200, body
    await _handle(n, publish_classified, second)
    return await fire_each_when_due(n, now)


async def test_a_commitment_removed_while_the_subscription_is_paused_is_not_reminded_after_the_pause(
        notifier, publish_classified):
    """Before: the removed commitment's four reminders, all after the pause, were sent."""
    fired = await _paused_through(notifier, publish_classified, release(dated("c-kept", DUE), dated("c-removed", DUE)),
                                  release(dated("c-kept", DUE), version=2))
    assert fired == _each_offset("c-kept", DUE)


async def test_a_deadline_moved_while_the_subscription_is_paused_is_reminded_on_its_new_day(
        notifier, publish_classified):
    """Before: reminded on the day the deadline no longer falls on."""
    fired = await _paused_through(notifier, publish_classified, release(dated("c-moved", DUE)),
                                  release(dated("c-moved", LATER), version=2))
    assert fired == _each_offset("c-moved", LATER)


async def test_a_commitment_edited_while_the_subscription_is_paused_is_reminded_of_as_it_now_reads(
        notifier, publish_classified):
    """Its words changed with its date, so it has a new id in the new version, paired with the one it was: its
    reminders are those of its new day. Before: reminded on the day it no longer falls on."""
    first, edited = dated("c-moved", DUE), dated("c-moved", LATER).model_copy(update={"id": "c-moved-edited"})
    assert edited.text != first.text
    fired = await _paused_through(notifier, publish_classified, release(first), release(edited, version=2))
    assert fired == _each_offset("c-moved-edited", LATER)


async def test_a_commitment_new_in_a_version_handled_during_the_pause_is_neither_told_nor_reminded(
        notifier, publish_classified):
    """What the subscription was not told of (it fell in the pause) is not reminded either; the rest still is."""
    fired = await _paused_through(notifier, publish_classified, release(dated("c-kept", DUE)),
                                  release(dated("c-kept", DUE), dated("c-new", DUE), version=2))
    assert fired == _each_offset("c-kept", DUE)


async def _due_when_a_later_version_comes(notifier, publish_classified, first, second) -> list[tuple[str, str, str]]:
    """``desk`` told of ``first``; its first reminder falls due (the notifier was down, or its firing is being
    retried) when ``second`` is handled, just after: what it is reminded of from then on."""
    now = [NOW]
    n = await _desk(notifier, now)
    await _handle(n, publish_classified, first)
    now[0] = min((await scheduled(n.service)).values()) + timedelta(minutes=5)
    await _handle(n, publish_classified, second)
    return await fire_each_when_due(n, now)


async def test_a_reminder_due_but_not_yet_sent_when_its_release_is_withdrawn_is_not_sent(
        notifier, publish_classified):
    """The withdrawal says none will be sent. Before: the reminder whose time had come was sent after it."""
    first = release(dated("c-gone", DUE))
    gone = first.model_copy(update={"version": 2, "withdrawn": True, "withdrawn_notice": "Withdrawn."})
    assert await _due_when_a_later_version_comes(notifier, publish_classified, first, gone) == []


async def test_a_reminder_due_but_not_yet_sent_when_a_version_removes_its_commitment_is_not_sent(
        notifier, publish_classified):
    """Before: the removed commitment's reminder whose time had come was sent all the same."""
    fired = await _due_when_a_later_version_comes(notifier, publish_classified,
                                                  release(dated("c-kept", DUE), dated("c-removed", DUE)),
                                                  release(dated("c-kept", DUE), version=2))
    assert fired == _each_offset("c-kept", DUE, offsets=("P30D", "P7D", "P1D", "P0D"))


REWORDED = [pytest.param(["P7D"], ["P1W"], id="days-to-a-week"),
            pytest.param(["P1D", "P0D"], ["PT24H", "PT0S"], id="a-day-in-hours-and-the-day-in-seconds"),
            pytest.param(["P1W"], ["P7D"], id="a-week-to-days")]


def _moments(fired: list[tuple[str, str, str]]) -> list[tuple[str, str, timedelta]]:
    """What each reminder fired reminds of, its offset as the moment it names (``P7D`` and ``P1W`` alike)."""
    return sorted((cid, due, parse_duration(offset).delta) for cid, due, offset in fired)


async def _reworded(n, offsets):
    status, body = await api_call(n, "PATCH", "/subscriptions/desk", {"reminders": offsets})
    assert status == 200, body


@pytest.mark.parametrize(("before", "after"), REWORDED)
async def test_an_offset_reworded_to_name_the_same_moment_keeps_its_planned_reminders(
        notifier, publish_classified, before, after):
    """Before: each reminder planned for the old wording was dropped when due ("offset removed"), and none came."""
    now = [NOW]
    n = await _desk(notifier, now, reminders=before)
    await _handle(n, publish_classified, release(dated("c1", DUE)))
    await _reworded(n, after)
    assert _moments(await fire_each_when_due(n, now)) == _moments(_each_offset("c1", DUE, offsets=after))


@pytest.mark.parametrize(("before", "after"), REWORDED)
@pytest.mark.parametrize("paused", [False, True], ids=["", "paused"])
async def test_an_offset_reworded_then_a_new_version_reminds_each_moment_once(
        notifier, publish_classified, before, after, paused):
    """The new version's plan names the reminders as the first did: nothing cancelled, nothing planned twice."""
    now = [NOW]
    n = await _desk(notifier, now, reminders=before)
    await _handle(n, publish_classified, release(dated("c1", DUE)))
    planned = await scheduled(n.service)
    await _reworded(n, after)
    if paused:
        status, body = await api_call(n, "PATCH", "/subscriptions/desk",
                                      {"paused_until": (NOW + timedelta(days=10)).isoformat()})
        assert status == 200, body
    await _handle(n, publish_classified, release(dated("c1", DUE), dated("c-added", DUE), version=2))
    if not paused:
        assert set(planned) <= set(await scheduled(n.service))  # kept, under their ids
    expected = _each_offset("c1", DUE, offsets=after) + ([] if paused else _each_offset("c-added", DUE, offsets=after))
    assert _moments(await fire_each_when_due(n, now)) == _moments(expected)


@contextmanager
def planned_by_the_earlier_version():
    """Reminders named, within it, as the version before named them: from the offset's text as written."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reminders, "canonical_duration", lambda text: text)
        yield


@pytest.mark.parametrize("paused", [False, True], ids=["", "paused"])
async def test_reminders_planned_by_the_earlier_version_under_a_reworded_offset_fire_once_after_a_new_version(
        notifier, publish_classified, paused):
    """A reminder planned before the upgrade under ``P1W`` (its id from that text) is the one a new version
    plans under ``P7D``: moved, not cancelled and not planned a second time, paused or not."""
    now = [NOW]
    n = await _desk(notifier, now, reminders=["P1W"])
    with planned_by_the_earlier_version():
        await _handle(n, publish_classified, release(dated("c1", DUE)))
    if paused:
        status, body = await api_call(n, "PATCH", "/subscriptions/desk",
                                      {"paused_until": (NOW + timedelta(days=10)).isoformat()})
        assert status == 200, body
    await _handle(n, publish_classified, release(dated("c1", DUE), version=2))
    assert len(await scheduled(n.service)) == 1
    assert _moments(await fire_each_when_due(n, now)) == _moments(_each_offset("c1", DUE, offsets=["P7D"]))


async def test_a_reminder_due_when_the_upgrade_came_and_a_new_version_after_it_is_still_sent(
        notifier, publish_classified):
    """Planned under ``P1W`` by the version before, due (its firing retried) when a new version is handled by
    this one: it is held, as one of its own wording is, not cancelled."""
    now = [NOW]
    n = await _desk(notifier, now, reminders=["P1W"])
    with planned_by_the_earlier_version():
        await _handle(n, publish_classified, release(dated("c1", DUE)))
    now[0] = min((await scheduled(n.service)).values()) + timedelta(minutes=5)
    await _handle(n, publish_classified, release(dated("c1", DUE), version=2))
    assert _moments(await fire_each_when_due(n, now)) == _moments(_each_offset("c1", DUE, offsets=["P1W"]))


async def test_two_reminders_an_earlier_version_planned_for_two_spellings_of_one_moment_fire_once(
        notifier, publish_classified):
    """A subscription stored with ``P7D`` and ``P1W`` before they were refused had a reminder planned for each; it is
    read back with ``P7D`` alone, and the ``P1W`` one, due as well now, reminds of the same slot: sent once."""
    now = [NOW]
    n = await _desk(notifier, now, reminders=["P7D"])
    with planned_by_the_earlier_version():
        await _handle(n, publish_classified, release(dated("c1", DUE)))
        ref = release_ref(release(dated("c1", DUE)))
        await n.service.reminders.apply(reminder_jobs("desk", ["P1W"], ref, [dated("c1", DUE)], now=NOW))
    assert len(await scheduled(n.service)) == 2
    assert await fire_each_when_due(n, now) in (_each_offset("c1", DUE, offsets=[o]) for o in ("P7D", "P1W"))
