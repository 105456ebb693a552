"""A digest subscriber's reminders come in the digest of their own day, whatever the digest's time and the
reminder time: never in the next day's, never twice, across a restart."""

import asyncio
import json
from datetime import date, datetime, timedelta, timezone

import pytest
from redis.asyncio import Redis

from samples import BORDERS, dated, release

from notifier_harness import fast_config, wait_for

pytestmark = pytest.mark.integration

DUE = date(2026, 3, 10)


def _desk(write_yaml, url: str, digest_at: str, reminders: str = "P1D, P0D"):
    return write_yaml(f"""
subscriptions:
  - id: desk
    mode: digest
    digest_at: "{digest_at}"
    reminders: [{reminders}]
    channels: [{{webhook: {{url: "{url}"}}}}]
""")


async def _tick(service) -> int:
    """What the leader's tick does with a due reminder and the digests, in its order."""
    await service.firing.fire_due()
    return await service.send_digests()


def _digests(receiver) -> list[dict]:
    return [json.loads(body)["data"] for _, _, body, _ in receiver.hits("hook")]


def _reminders(digest: dict) -> list[tuple[str, str]]:
    return [(a["reminder"]["offset"], a["reminder"]["due"]) for a in digest["alerts"] if a["kind"] == "reminder"]


async def _started(notifier, path, now, reminder_time="09:00"):
    n = await notifier(config=fast_config(reminder_time=reminder_time), subscriptions=path,
                       clock=lambda: now[0], run_scheduler=False)
    return n


async def _announced(n, publish_classified, reminders: int = 2) -> None:
    """c-ports, due on DUE, announced: its alert waits in the digest buffer, its reminders are planned."""
    await publish_classified(n.service, release(dated("c-ports", DUE)))
    streams = n.service.runtime.streams

    async def ready():
        return (await streams.client.llen(streams.key("notifier:digest:desk")) == 1
                and len(await n.service.reminders.scheduled()) == reminders)
    await wait_for(ready, what="the alert buffered and its reminders planned")


async def _sent(n, receiver, count: int) -> list[dict]:
    """The digests received, once there are ``count`` (and no more once the worker has nothing left)."""
    await wait_for(lambda: len(receiver.hits("hook")) >= count, what=f"{count} digest(s)")
    await n.service.worker.drain()
    return _digests(receiver)


@pytest.mark.parametrize("restart", [False, True], ids=["one run", "restarted between the two days"])
async def test_a_morning_digest_carries_the_reminders_of_its_day_not_the_next_mornings(
        notifier, receiver, write_yaml, publish_classified, restart):
    path = _desk(write_yaml, receiver.url("hook"), "08:00")  # reminders at 09:00: after the digest
    now = [datetime(2026, 3, 1, 7, 0, tzinfo=timezone.utc)]
    n = await _started(notifier, path, now)
    assert await n.service.send_digests() == 0  # the first look notes the time
    await _announced(n, publish_classified)

    now[0] = datetime(2026, 3, 9, 8, 0, 5, tzinfo=timezone.utc)  # the day before
    assert await _tick(n.service) == 1
    (eve,) = await _sent(n, receiver, 1)
    assert _reminders(eve) == [("P1D", "2026-03-10")]
    now[0] = datetime(2026, 3, 9, 9, 0, 5, tzinfo=timezone.utc)  # its own time: fired already
    assert await _tick(n.service) == 0

    if restart:
        await n.stop()
        n = await _started(notifier, path, now)
    now[0] = datetime(2026, 3, 10, 8, 0, 5, tzinfo=timezone.utc)  # the day itself
    assert await _tick(n.service) == 1
    eve, day = await _sent(n, receiver, 2)
    assert _reminders(day) == [("P0D", "2026-03-10")]
    assert day["until"] == "2026-03-10T08:00:00Z"

    for later in (datetime(2026, 3, 10, 9, 0, 5, tzinfo=timezone.utc), datetime(2026, 3, 11, 8, 0, 5, tzinfo=timezone.utc)):
        now[0] = later
        assert await _tick(n.service) == 0  # nothing left: neither reminder comes again
    assert len(await _sent(n, receiver, 2)) == 2
    assert await n.service.reminders.scheduled() == []


async def test_an_evening_digest_carries_the_reminder_that_fell_due_that_morning_once(
        notifier, receiver, write_yaml, publish_classified):
    path = _desk(write_yaml, receiver.url("hook"), "17:00")  # reminders at 09:00: before the digest
    now = [datetime(2026, 3, 1, 7, 0, tzinfo=timezone.utc)]
    n = await _started(notifier, path, now)
    assert await n.service.send_digests() == 0
    await _announced(n, publish_classified)

    sent = []
    for day in range(2, 12):
        for hour in (9, 17):
            now[0] = datetime(2026, 3, day, hour, 0, 5, tzinfo=timezone.utc)
            if await _tick(n.service):
                sent.append(now[0].date())
    digests = await _sent(n, receiver, len(sent))
    reminded = [(day, r) for day, d in zip(sent, digests) for r in _reminders(d)]
    assert reminded == [(date(2026, 3, 9), ("P1D", "2026-03-10")), (date(2026, 3, 10), ("P0D", "2026-03-10"))]


async def test_a_digest_that_failed_after_its_reminders_were_brought_forward_still_carries_them(
        notifier, receiver, write_yaml, publish_classified, monkeypatch):
    """The reminders of the day are brought forward, then the notifier dies before they fire: the next run's
    digest of that day carries them, once."""
    path = _desk(write_yaml, receiver.url("hook"), "08:00", reminders="P0D")
    now = [datetime(2026, 3, 1, 7, 0, tzinfo=timezone.utc)]
    n = await _started(notifier, path, now)
    assert await n.service.send_digests() == 0
    await _announced(n, publish_classified, reminders=1)
    now[0] = datetime(2026, 3, 10, 8, 0, 5, tzinfo=timezone.utc)  # the first digest since: the day itself

    async def dies():
        raise ConnectionError("the notifier died")
    monkeypatch.setattr(n.service.firing, "fire_due", dies)
    with pytest.raises(ConnectionError):
        await n.service.send_digests()
    await n.stop()

    again = await _started(notifier, path, now)
    now[0] += timedelta(seconds=30)
    assert await _tick(again.service) == 1
    (digest,) = await _sent(again, receiver, 1)
    assert _reminders(digest) == [("P0D", "2026-03-10")]
    now[0] = datetime(2026, 3, 10, 9, 0, 5, tzinfo=timezone.utc)
    assert await _tick(again.service) == 0
    assert len(await _sent(again, receiver, 1)) == 1


async def test_a_reminder_planned_after_its_days_digest_went_is_sent_on_its_own_at_its_time(
        notifier, receiver, write_yaml, publish_classified):
    """Announced on its due day after the morning digest: its "on the day" reminder cannot wait for the next
    digest, the day after; it is sent alone at the reminder time, and no digest repeats it."""
    path = _desk(write_yaml, receiver.url("hook"), "08:00", reminders="P0D")
    now = [datetime(2026, 3, 10, 7, 0, tzinfo=timezone.utc)]
    n = await _started(notifier, path, now)
    assert await n.service.send_digests() == 0
    now[0] = datetime(2026, 3, 10, 8, 0, 5, tzinfo=timezone.utc)
    assert await _tick(n.service) == 0  # nothing yet: no digest
    now[0] = datetime(2026, 3, 10, 8, 30, tzinfo=timezone.utc)
    await _announced(n, publish_classified, reminders=1)

    now[0] = datetime(2026, 3, 10, 9, 0, 5, tzinfo=timezone.utc)
    assert await _tick(n.service) == 0
    (alone,) = await _sent(n, receiver, 1)
    assert (alone["kind"], alone["reminder"]["offset"], alone["reminder"]["due"]) == ("reminder", "P0D", "2026-03-10")

    now[0] = datetime(2026, 3, 11, 8, 0, 5, tzinfo=timezone.utc)
    assert await _tick(n.service) == 1  # the announcement's own alert
    _, digest = await _sent(n, receiver, 2)
    assert _reminders(digest) == [] and [a["kind"] for a in digest["alerts"]] == ["new"]


async def _digest_and_reminder_at_nine(notifier, receiver, write_yaml, publish_classified, now):
    """A desk with its digest at the reminder time, 09:00, its "on the day" reminder of DUE planned, and the
    digest of the day before (the announcement's alert) sent."""
    path = _desk(write_yaml, receiver.url("hook"), "09:00", reminders="P0D")
    n = await _started(notifier, path, now)
    assert await n.service.send_digests() == 0
    await _announced(n, publish_classified, reminders=1)
    now[0] = datetime(2026, 3, 9, 9, 0, 5, tzinfo=timezone.utc)
    assert await _tick(n.service) == 1
    await _sent(n, receiver, 1)
    return n


async def test_a_reminder_whose_firing_commits_after_its_days_digest_went_is_sent_on_its_own(
        notifier, receiver, write_yaml, publish_classified, monkeypatch):
    """Digest and reminder both at 09:00: a firing claims the reminder before the digest is recorded (so it is not
    brought forward) and commits after. It must not wait in the buffer for the next day's digest."""
    now = [datetime(2026, 3, 9, 7, 0, tzinfo=timezone.utc)]
    n = await _digest_and_reminder_at_nine(notifier, receiver, write_yaml, publish_classified, now)

    store, committing, digest_recorded = n.service.reminders, asyncio.Event(), asyncio.Event()
    commit = store.fire

    async def held(*args, **kwargs):  # the firing has decided what it writes; its commit waits for the digest
        committing.set()
        await digest_recorded.wait()
        return await commit(*args, **kwargs)
    monkeypatch.setattr(store, "fire", held)

    now[0] = datetime(2026, 3, 10, 9, 0, 1, tzinfo=timezone.utc)
    firing = asyncio.create_task(n.service.firing.fire_due())
    await committing.wait()
    assert await n.service.send_digests() == 0  # nothing buffered; the reminder is claimed, not brought forward
    digest_recorded.set()
    assert await firing == 1

    streams = n.service.runtime.streams
    assert await streams.client.llen(streams.key("notifier:digest:desk")) == 0  # not for the next day's digest
    _, alone = await _sent(n, receiver, 2)
    assert (alone["kind"], alone["reminder"]["offset"], alone["reminder"]["due"]) == ("reminder", "P0D", "2026-03-10")


async def test_a_reminder_buffered_while_its_days_digest_reads_the_buffer_comes_in_that_digest(
        notifier, receiver, write_yaml, publish_classified, monkeypatch):
    """Digest and reminder both at 09:00: the reminder fires into the buffer after the digest read it and before
    the digest is recorded. The digest reads again and carries it; it is not left for the next day's."""
    now = [datetime(2026, 3, 9, 7, 0, tzinfo=timezone.utc)]
    n = await _digest_and_reminder_at_nine(notifier, receiver, write_yaml, publish_classified, now)

    streams = n.service.runtime.streams
    buffer, read, fired = streams.key("notifier:digest:desk"), Redis.lrange, []

    def lrange(self, key, *args):  # the digest's read of its buffer, then the firing, before the digest's record
        answer = read(self, key, *args)
        if key != buffer or fired:
            return answer

        async def then_fire():
            got = await answer
            fired.append(await n.service.firing.fire_due())
            return got
        return then_fire()
    monkeypatch.setattr(Redis, "lrange", lrange)

    now[0] = datetime(2026, 3, 10, 9, 0, 1, tzinfo=timezone.utc)
    assert await n.service.send_digests() == 1
    assert fired == [1]
    assert await streams.client.llen(buffer) == 0  # nothing left for the next day's digest
    _, digest = await _sent(n, receiver, 2)
    assert _reminders(digest) == [("P0D", "2026-03-10")]


async def test_a_reminder_buffered_after_the_digests_last_read_of_a_burst_is_sent_on_its_own_that_day(
        notifier, receiver, write_yaml, publish_classified, monkeypatch):
    """Digest and reminder both at 09:00, during a burst of matches: each watched read of the buffer is overtaken,
    and the reminder fires into the buffer after the last read, taken as it is. Before: the reminder waited in the
    buffer for the next day's digest, a day after its deadline; it is sent on its own, that day."""
    now = [datetime(2026, 3, 9, 7, 0, tzinfo=timezone.utc)]
    n = await _digest_and_reminder_at_nine(notifier, receiver, write_yaml, publish_classified, now)
    await publish_classified(n.service, release(BORDERS, release_id="r-burst"))
    streams = n.service.runtime.streams
    buffer = streams.key("notifier:digest:desk")
    await wait_for(lambda: _length_is(streams.client, buffer, 1), what="a match buffered")
    (template,) = await streams.client.lrange(buffer, 0, -1)

    read, reads, fired = Redis.lrange, [], []

    def lrange(self, key, *args):  # reads 1-3 overtaken by a match each; after the 4th, the reminder fires
        answer = read(self, key, *args)
        if key != buffer or len(reads) >= 4 or getattr(self, "explicit_transaction", False):
            return answer  # one queued in the digest's transaction: nothing comes between it and the record

        async def then_buffer():
            got = await answer
            reads.append(len(got))
            if len(reads) < 4:
                burst = json.loads(template)
                burst["alert_id"] += f"-{len(reads)}"
                await streams.client.rpush(buffer, json.dumps(burst))
            else:
                fired.append(await n.service.firing.fire_due())
            return got
        return then_buffer()
    monkeypatch.setattr(Redis, "lrange", lrange)

    now[0] = datetime(2026, 3, 10, 9, 0, 1, tzinfo=timezone.utc)
    assert await n.service.send_digests() == 1
    assert (reads, fired) == ([1, 2, 3, 4], [1])  # three watched reads, each overtaken, then one as it is
    monkeypatch.undo()
    assert await streams.client.lrange(buffer, 0, -1) == []  # nothing for the next day's digest
    (digest,), (alone,) = _apart(await _sent(n, receiver, 3))[1:]
    assert _reminders(digest) == [] and len(digest["alerts"]) == 4
    assert (alone["kind"], alone["reminder"]["offset"], alone["reminder"]["due"]) == ("reminder", "P0D", "2026-03-10")


def _apart(received: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """The day before's digest, that day's digests and the messages sent alone, each in the order received."""
    digests = [m for m in received if "alerts" in m]
    return digests[:1], digests[1:], [m for m in received if "alerts" not in m]


async def _length_is(client, key, length: int) -> bool:
    return await client.llen(key) == length
