"""Reminders across a re-announcement chain: one reminder per deadline of one commitment, however many times it
was announced, through the notifier's real handling of the releases and its real firing. Real Redis, a real
webhook receiver."""

import asyncio
import json
from datetime import datetime, timedelta, timezone

import pytest

from samples import FUNDING, FUNDING_AGAIN, release
from schemas import ReleaseClassifiedEvent
from schemas.classified import DateDeadline
from services.notifier.announcement_index import AnnouncementIndex
from services.notifier.reminder_records import PlannedRecord
from services.notifier.reminders import written_reminder_slot
from services.notifier.reminder_slots import SLOTS, SLOTS_VERSION

from notifier_harness import cancel_reminders, handled, scheduled, wait_for

pytestmark = pytest.mark.integration

MARCH_2018 = datetime(2018, 3, 14, 9, 0, tzinfo=timezone.utc)
OFFSETS = ["P30D", "P7D"]
DESK = """
subscriptions:
  - id: desk
    reminders: [P30D, P7D]
    {extra}
    channels: [{{webhook: {{url: "{url}"}}}}]
"""


def _due(days: int):
    return datetime.now(timezone.utc).date() + timedelta(days=days)


def _by(commitment, due):
    """``commitment`` with one date deadline, ``due``."""
    return commitment.model_copy(update={"deadlines": [DateDeadline(due=due, text=f"by {due:%-d %B %Y}",
                                                                    span=(0, 10))]})


def _first(due):
    return release(_by(FUNDING, due), release_id="gov-uk/iraq-2017")


def _again(due, *, source="seeds"):
    return release(_by(FUNDING_AGAIN, due), release_id="ho/2018", published_at=MARCH_2018, source=source)


async def _desk(notifier, write_yaml, receiver, extra=""):
    """A notifier that handles releases and plans reminders but fires none of itself (the test fires them)."""
    return await notifier(subscriptions=write_yaml(DESK.format(url=receiver.url("hook"), extra=extra)),
                          run_scheduler=False)


async def _handle(n, publish_classified, *releases):
    last = None
    for r in releases:
        last = await publish_classified(n.service, r, event_id=f"{r.release_id}/v{r.version}/{r.withdrawn}")
    await wait_for(lambda: handled(n.service, last), what="every release handled")


async def _fire_everything_planned(n):
    """Claim every reminder planned, whenever it is due, and fire it as the leader would; returns how many were
    sent."""
    store, far = n.service.reminders, (datetime.now(timezone.utc) + timedelta(days=400)).timestamp()
    sent = 0
    while claimed := await store.claim(until=far, lease_seconds=60, limit=250):
        sent += await n.service.firing.fire(claimed)
    return sent


async def _reminders(receiver, sent):
    """The reminder alerts the subscriber got, as (due date, offset), sorted, once ``sent`` were sent; then a
    moment for any more to arrive."""
    def reminders():
        return sorted((a["reminder"]["due"], a["reminder"]["offset"]) for a in _alerts(receiver, "reminder"))
    await wait_for(lambda: len(reminders()) >= sent, what=f"{sent} reminder(s)")
    await asyncio.sleep(0.3)
    return reminders()


def _marks(receiver):
    """What marks each reminder sent as re-announced: its words, or None."""
    return [a["reannounced"][0]["words"] if a["reannounced"] else None for a in _alerts(receiver, "reminder")]


def _alerts(receiver, kind):
    return [a for a in (json.loads(body)["data"] for _, _, body, _ in receiver.hits("hook")) if a["kind"] == kind]


async def test_a_commitment_announced_again_for_the_same_day_is_reminded_once_per_offset(
        notifier, receiver, write_yaml, publish_classified):
    n = await _desk(notifier, write_yaml, receiver)
    due = _due(60)
    await _handle(n, publish_classified, _first(due), _again(due))
    await wait_for(lambda: len(receiver.hits("hook")) == 2, what="the new alert and the re-announcement")
    assert [a["kind"] for a in sorted(_alerts(receiver, "new") + _alerts(receiver, "reannounced"),
                                      key=lambda a: a["kind"])] == ["new", "reannounced"]

    sent = await _fire_everything_planned(n)
    assert await _reminders(receiver, sent) == sorted((due.isoformat(), o) for o in OFFSETS)
    assert sent == len(OFFSETS)
    assert await scheduled(n.service) == {}
    assert _marks(receiver) == ["announced 2 times: 29 Nov 2017, 14 Mar 2018"] * len(OFFSETS)


async def test_a_commitment_announced_again_for_another_day_is_reminded_of_both_days_marked_re_announced(
        notifier, receiver, write_yaml, publish_classified):
    """The date slipped (or the link is wrong): each announced day is a deadline of its own, reminded once per
    offset; the later announcement does not move or cancel the first one's."""
    n = await _desk(notifier, write_yaml, receiver)
    first_day, slipped = _due(60), _due(120)
    await _handle(n, publish_classified, _first(first_day), _again(slipped))
    await wait_for(lambda: len(receiver.hits("hook")) == 2, what="two alerts")
    assert len(_alerts(receiver, "reannounced")) == 1  # linked, though its day differs

    sent = await _fire_everything_planned(n)
    assert await _reminders(receiver, sent) == sorted((d.isoformat(), o) for d in (first_day, slipped)
                                                      for o in OFFSETS)
    assert _marks(receiver) == ["announced 2 times: 29 Nov 2017, 14 Mar 2018"] * 2 * len(OFFSETS)


@pytest.mark.parametrize("later", ["withdrawn", "reworded"])
async def test_a_re_announcement_keeps_its_reminders_when_the_first_announcement_changes(
        notifier, receiver, write_yaml, publish_classified, later):
    """The first release's next version cancels the reminders it no longer plans: the re-announcement's, of
    the same day, still remind once per offset."""
    n = await _desk(notifier, write_yaml, receiver)
    due = _due(60)
    first = _first(due)
    if later == "withdrawn":
        v2 = first.model_copy(update={"version": 2, "withdrawn": True, "commitments": []})
    else:  # reworded: a commitment of another id, in the same chain, for the same day
        reworded = first.commitments[0].model_copy(update={
            "id": "c-funding-reworded", "text": first.commitments[0].text.replace("will invest", "is to invest")})
        v2 = first.model_copy(update={"version": 2, "commitments": [reworded]})
    await _handle(n, publish_classified, first, _again(due), v2)

    sent = await _fire_everything_planned(n)
    assert await _reminders(receiver, sent) == sorted((due.isoformat(), o) for o in OFFSETS)


@pytest.mark.parametrize("extra, told", [
    pytest.param("reannouncements: false", ["new"], id="opted-out-of-re-announcements"),
    pytest.param("filter: {sources: [elsewhere]}", ["new"], id="told-of-the-second-only"),
])
async def test_a_subscriber_told_of_one_announcement_is_reminded_once_per_offset(
        notifier, receiver, write_yaml, publish_classified, extra, told):
    n = await _desk(notifier, write_yaml, receiver, extra=extra)
    due = _due(60)
    await _handle(n, publish_classified, _first(due), _again(due, source="elsewhere"))
    await wait_for(lambda: receiver.hits("hook"), what="the alert")

    sent = await _fire_everything_planned(n)
    assert await _reminders(receiver, sent) == sorted((due.isoformat(), o) for o in OFFSETS)
    assert sorted(a["kind"] for a in _alerts(receiver, "new") + _alerts(receiver, "reannounced")) == told
    assert _marks(receiver) == [None] * len(OFFSETS)  # not told of it as a re-announcement: nor reminded so


async def test_two_replicas_handling_both_announcements_at_once_remind_once_per_offset(
        notifier, receiver, write_yaml, publish_classified):
    path = write_yaml(DESK.format(url=receiver.url("hook"), extra=""))
    replicas = [await notifier(subscriptions=path, run_scheduler=False) for _ in range(2)]
    due = _due(60)

    def event(r):
        return ReleaseClassifiedEvent.wrap(r, id=f"{r.release_id}/v{r.version}", source="/test",
                                           time=datetime.now(timezone.utc), subject=r.release_id)

    await asyncio.gather(*(n.service.on_release_classified(event(r), None)
                           for n, r in zip(replicas, (_first(due), _again(due)))))
    assert len(await scheduled(replicas[0].service)) == 2 * len(OFFSETS)  # each announcement planned its own

    sent = await _fire_everything_planned(replicas[0])
    assert await _reminders(receiver, sent) == sorted((due.isoformat(), o) for o in OFFSETS)


async def test_a_reminder_fired_by_an_earlier_version_is_not_fired_again(
        notifier, receiver, write_yaml, publish_classified):
    """Earlier versions marked a fired reminder by its id (``notifier:reminded:<id>:<due>``): still planned
    after the upgrade (one cut short while firing, planned again by the migration), it is not sent twice."""
    n = await _desk(notifier, write_yaml, receiver)
    due = _due(60)
    await _handle(n, publish_classified, _first(due))
    streams, planned = n.service.runtime.streams, await scheduled(n.service)
    fired_before = sorted(planned)[0]
    await streams.client.set(streams.key(f"notifier:reminded:{fired_before}:{due.isoformat()}"), "earlier")

    sent = await _fire_everything_planned(n)
    assert sent == len(OFFSETS) - 1
    reminded = await _reminders(receiver, sent)
    assert len(reminded) == len(OFFSETS) - 1


async def test_a_day_an_earlier_version_reminded_through_another_announcement_is_not_reminded_again(
        notifier, receiver, write_yaml, publish_classified):
    """Before the upgrade, both announcements planned their reminders and the earlier version fired the first
    one's P30D (marked by its id), while the re-announcement's P30D was held back (its firing failed, to be
    retried): the first leader of this version knows that day reminded, and sends only the P7D, once."""
    path = write_yaml(DESK.format(url=receiver.url("hook"), extra=""))
    before, due = await notifier(subscriptions=path, run_scheduler=False), _due(60)
    first_p30d = await _fired_before_the_upgrade(before, publish_classified, due, "P30D")
    streams = before.service.runtime.streams
    await streams.client.set(streams.key(f"notifier:reminded:{first_p30d}:{due.isoformat()}"), "earlier")  # by its id
    await before.stop()

    after = await notifier(subscriptions=path)
    streams = after.service.runtime.streams

    async def slots_marked():  # by the first leader, after it is elected: fired here before, the P30D goes too
        return await streams.client.get(streams.key(SLOTS)) == SLOTS_VERSION.encode()
    await wait_for(slots_marked, what="the first leader's marking of the days reminded earlier")
    sent = await _fire_everything_planned(after)
    assert await _reminders(receiver, sent) == [(due.isoformat(), "P7D")]


async def _fired_before_the_upgrade(before, publish_classified, due, offset: str) -> str:
    """Both announcements handled by ``before``, and the first one's reminder of ``offset`` taken out of the plan
    as an earlier version's firing took it out (the mark it set is the test's); returns that reminder's id."""
    await _handle(before, publish_classified, _first(due), _again(due))
    store, first = before.service.reminders, await _planned_for(before, "gov-uk/iraq-2017")
    ((fired, version),) = [(rid, record.version) for rid, record in
                           ((rid, PlannedRecord.from_json(raw)) for rid, raw in (await store.planned()).items())
                           if rid in first and record.offset == offset]
    await cancel_reminders(store, [(fired, version)])
    return fired


async def _planned_for(n, release_id):
    """The ids of the reminders planned from ``release_id`` for "desk"."""
    streams = n.service.runtime.streams
    raw = await streams.client.hget(streams.key("notifier:reminders:planned:desk"), release_id)
    return set(json.loads(raw)["jobs"])


async def test_a_day_an_earlier_version_reminded_under_another_spelling_of_its_offset_is_not_reminded_again(
        notifier, receiver, write_yaml, publish_classified):
    """The earlier version marked a slot by its offset as written (``P1W``); this one by the moment it names
    (``P7D``). Before the upgrade it fired the first announcement's P1W, while the re-announcement's was held back
    (its firing failed, to be retried). Before: after the upgrade that one was sent as well, its slot's mark under
    the other spelling unread."""
    desk = DESK.replace("[P30D, P7D]", "[P30D, P1W]")
    path = write_yaml(desk.format(url=receiver.url("hook"), extra=""))
    before, due = await notifier(subscriptions=path, run_scheduler=False), _due(60)
    await _fired_before_the_upgrade(before, publish_classified, due, "P1W")
    streams = before.service.runtime.streams
    chains = await AnnouncementIndex(streams.client, streams.key).chains_of([FUNDING.id])
    slot = written_reminder_slot("desk", chains[FUNDING.id][0], due, "P1W")
    await streams.client.set(streams.key(f"notifier:reminded:{slot}"), "earlier")  # its slot, as it marked it
    await streams.client.set(streams.key(SLOTS), "1")  # the earlier version's own marking done
    await before.stop()

    after = await notifier(subscriptions=path)
    streams = after.service.runtime.streams

    async def slots_marked():
        return await streams.client.get(streams.key(SLOTS)) == SLOTS_VERSION.encode()
    await wait_for(slots_marked, what="the first leader's marking of the days reminded earlier")
    sent = await _fire_everything_planned(after)
    assert await _reminders(receiver, sent) == [(due.isoformat(), "P30D")]
