"""A subscriber's records of a release (what it was told, the deadlines told past, what the release planned for
it) are dropped once the notifier has forgotten the release (its last version kept
``PLEDGEWATCH_RELEASE_MEMORY_DAYS``), by the leader's tick, a bounded number of steps at a time; a planned-reminders
record only once none of its reminders is planned. Real Redis and the notifier's own scripts; a release's memory
ends as its TTL ends it, by deleting ``notifier:release:<id>``, and the notifier's clock is moved past it."""

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from samples import BORDERS, TRAINING, dated, release

from notifier_harness import cancel_reminders, handled, wait_for

from services.notifier.retention import MIN_PRUNE_BUDGET, PAGE_IDS

pytestmark = pytest.mark.integration

SUBSCRIPTIONS = """
subscriptions:
  - id: desk
    reminders: [P30D]
    channels: [console]
  - id: plain
    channels: [console]
"""
MEMORY = timedelta(days=730)  # the default PLEDGEWATCH_RELEASE_MEMORY_DAYS


class Clock:
    """Now, moved on by ``ahead``."""

    def __init__(self) -> None:
        self.ahead = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(timezone.utc) + self.ahead


async def _start(notifier, write_yaml, clock=None):
    return await notifier(subscriptions=write_yaml(SUBSCRIPTIONS), run_scheduler=False, clock=clock or Clock())


async def _handle(n, publish_classified, *releases):
    entry = None
    for r in releases:
        entry = await publish_classified(n.service, r)
    await wait_for(lambda: handled(n.service, entry), what="the releases handled")


def _key(n, name: str) -> str:
    return n.service.runtime.streams.key(name)


async def _told(n, sub_id: str, ids: list[str]) -> list[bool]:
    client = n.service.runtime.streams.client
    return [v is not None for v in await client.hmget(_key(n, f"notifier:sent:{sub_id}"), ids)]


async def _forget(n, release_id: str) -> None:
    """What the TTL of the release's last version does when the release memory ends."""
    await n.service.runtime.streams.client.delete(_key(n, f"notifier:release:{release_id}"))


def _ahead_of_the_due(days: int) -> date:
    return datetime.now(timezone.utc).date() + timedelta(days=days)


async def test_a_forgotten_releases_records_are_dropped_and_a_remembered_ones_kept(
        notifier, write_yaml, publish_classified):
    clock = Clock()
    n = await _start(notifier, write_yaml, clock)
    client = n.service.runtime.streams.client
    past = dated("c-past", date(2018, 3, 31))  # already past when told: recorded in elapsed
    old = release(past, BORDERS, release_id="old")
    young = release(TRAINING, release_id="young")
    await _handle(n, publish_classified, old, young)
    assert await _told(n, "plain", ["c-past", "c-borders", "c-training"]) == [True, True, True]
    assert await client.sismember(_key(n, "notifier:elapsed:plain"), "c-past:0")

    await _forget(n, "old")
    clock.ahead = MEMORY + timedelta(days=1)
    _, dropped = await n.service.forget_old_releases()

    assert dropped == 1
    for sub_id in ("desk", "plain"):
        assert await _told(n, sub_id, ["c-past", "c-borders", "c-training"]) == [False, False, True]
        assert not await client.sismember(_key(n, f"notifier:elapsed:{sub_id}"), "c-past:0")
    remembered = {m.decode(): s for m, s in await client.zrange(_key(n, "notifier:remembered"), 0, -1,
                                                                  withscores=True)}
    assert list(remembered) == ["young"]  # looked at again when its memory, renewed by Redis's clock, ends
    assert remembered["young"] > (datetime.now(timezone.utc) + MEMORY - timedelta(minutes=1)).timestamp()
    assert await client.hkeys(_key(n, "notifier:remembered:ids")) == [b"young"]


async def test_a_younger_release_keeps_its_records(notifier, write_yaml, publish_classified):
    clock = Clock()
    n = await _start(notifier, write_yaml, clock)
    await _handle(n, publish_classified, release(BORDERS, release_id="young"))
    clock.ahead = MEMORY - timedelta(days=1)

    assert await n.service.forget_old_releases() == (0, 0)
    assert await _told(n, "plain", ["c-borders"]) == [True]


async def test_a_record_with_a_reminder_still_planned_stays_until_none_is(notifier, write_yaml, publish_classified):
    clock = Clock()
    n = await _start(notifier, write_yaml, clock)
    client, store, agenda = n.service.runtime.streams.client, n.service.reminders, n.service.agenda
    await _handle(n, publish_classified, release(dated("c-ahead", _ahead_of_the_due(60)), release_id="ahead"))
    planned = list(await store.planned())
    assert planned

    await _forget(n, "ahead")
    clock.ahead = MEMORY + timedelta(days=1)
    await n.service.forget_old_releases()

    assert await _told(n, "desk", ["c-ahead"]) == [False]  # what it was told goes
    assert json.loads(await client.hget(agenda.key("desk"), "ahead"))["version"] == 1  # its planned record stays
    assert await client.zscore(_key(n, "notifier:remembered"), "ahead") is not None  # to be looked at again

    await cancel_reminders(store, [(reminder_id, 2) for reminder_id in planned])  # none planned any more
    clock.ahead += timedelta(days=1)
    _, dropped = await n.service.forget_old_releases()

    assert dropped == 1
    assert await client.hget(agenda.key("desk"), "ahead") is None
    assert await client.zscore(_key(n, "notifier:remembered"), "ahead") is None


async def test_a_late_older_version_still_plans_nothing_again_within_the_memory(
        notifier, write_yaml, publish_classified):
    clock = Clock()
    n = await _start(notifier, write_yaml, clock)
    store, agenda, client = n.service.reminders, n.service.agenda, n.service.runtime.streams.client
    due = _ahead_of_the_due(60)
    first = release(dated("c-dated", due), release_id="edited")
    undated = dated("c-dated", due).model_copy(update={"deadlines": []})
    await _handle(n, publish_classified, first, release(undated, version=2, release_id="edited"))
    assert await store.planned() == {}  # the second version dropped the first's reminder

    for ahead in (timedelta(days=1), MEMORY + timedelta(days=1)):  # the release is remembered: nothing goes
        clock.ahead = ahead
        assert (await n.service.forget_old_releases())[1] == 0
    clock.ahead = timedelta(0)
    # with a commitment of its own: a reminder no mark of the dropped ones holds back, only the record's version
    late = first.model_copy(update={"commitments": [*first.commitments, dated("c-late", due)]})
    await _handle(n, publish_classified, late)

    assert await store.planned() == {}
    assert json.loads(await client.hget(agenda.key("desk"), "edited"))["version"] == 2


async def test_a_backlog_is_dropped_a_bounded_number_of_steps_a_tick(notifier, write_yaml, publish_classified):
    n = await _start(notifier, write_yaml)
    client, retention = n.service.runtime.streams.client, n.service.retention
    releases = [release(BORDERS.model_copy(update={"id": f"c-{i}"}), release_id=f"r{i}") for i in range(12)]
    await _handle(n, publish_classified, *releases)
    for r in releases:
        await _forget(n, r.release_id)
    for i in range(12, 60):  # besides, records as many releases left, of one commitment each
        await retention.index(f"r{i}", [f"c-{i}"])
        await client.zadd(_key(n, "notifier:remembered"), {f"r{i}": 0})
        await client.hset(_key(n, "notifier:sent:desk"), f"c-{i}", "1:abc")
    later = datetime.now(timezone.utc) + MEMORY + timedelta(days=1)

    ticks, dropped = 0, 0
    while dropped < 60:
        work, done = await retention.prune(now=later, budget=MIN_PRUNE_BUDGET)
        assert work <= MIN_PRUNE_BUDGET
        ticks, dropped = ticks + 1, dropped + done
        assert ticks <= 60

    assert ticks >= 60 * 6 // MIN_PRUNE_BUDGET  # a look, an id decoded, two subscribers and an id removed from each
    assert await client.hlen(_key(n, "notifier:sent:desk")) == 0
    assert await client.hlen(_key(n, "notifier:sent:plain")) == 0
    assert await retention.prune(now=later, budget=MIN_PRUNE_BUDGET) == (0, 0)


async def test_records_written_before_the_index_are_indexed_then_dropped(notifier, write_yaml, publish_classified):
    clock = Clock()
    n = await _start(notifier, write_yaml, clock)
    client = n.service.runtime.streams.client
    await _handle(n, publish_classified, release(dated("c-past", date(2018, 3, 31)), release_id="before"),
                  release(TRAINING, release_id="kept"))
    # as an earlier release of pledgewatch left them: no index
    await client.delete(_key(n, "notifier:remembered"), _key(n, "notifier:remembered:ids"))
    await _forget(n, "before")
    clock.ahead = MEMORY + timedelta(days=1)

    _, dropped = await n.service.forget_old_releases()

    assert dropped == 1
    assert await _told(n, "plain", ["c-past", "c-training"]) == [False, True]
    assert not await client.sismember(_key(n, "notifier:elapsed:plain"), "c-past:0")
    assert await client.get(_key(n, "notifier:remembered:backfill")) == b"done"
    assert await client.zscore(_key(n, "notifier:remembered"), "kept") is not None


async def test_a_record_that_cannot_be_read_does_not_stop_the_ticks(notifier, write_yaml):
    n = await _start(notifier, write_yaml)
    client, retention = n.service.runtime.streams.client, n.service.retention
    await client.zadd(_key(n, "notifier:remembered"), {"by-hand": 0, "after": 1})
    await client.hset(_key(n, "notifier:remembered:ids"), mapping={"by-hand": "not JSON", "after": '["c-after"]'})
    await client.hset(n.service.agenda.key("desk"), mapping={"by-hand": "not JSON", "after": '{"version": 1}'})
    await client.hset(_key(n, "notifier:sent:desk"), "c-after", "1:abc")

    # looks at two releases, each: two batches of subscriptions read (the stored ones, none; the file's), its two
    # subscribers; one id decoded and removed from each of the two
    assert await retention.prune(now=datetime.now(timezone.utc)) == (13, 2)
    assert await client.hlen(n.service.agenda.key("desk")) == 0
    assert await client.hlen(_key(n, "notifier:sent:desk")) == 0


async def test_the_records_of_a_subscription_from_a_file_not_given_now_are_dropped_too(
        notifier, write_yaml, publish_classified):
    first = await _start(notifier, write_yaml)
    await _handle(first, publish_classified, release(BORDERS, release_id="old"))
    await first.stop()
    clock = Clock()
    second = await notifier(run_scheduler=False, clock=clock)  # the file not given: desk and plain not loaded
    await _forget(second, "old")
    clock.ahead = MEMORY + timedelta(days=1)

    assert (await second.service.forget_old_releases())[1] == 1
    assert await _told(second, "desk", ["c-borders"]) == [False]
    assert await _told(second, "plain", ["c-borders"]) == [False]


async def test_a_tick_with_nothing_due_runs_no_script(notifier, write_yaml, publish_classified):
    n = await _start(notifier, write_yaml)
    retention = n.service.retention
    await _handle(n, publish_classified, release(BORDERS, release_id="young"))
    runs = []
    script = retention._prune

    async def counted(**kwargs):
        runs.append(1)
        return await script(**kwargs)

    retention._prune = counted
    assert await retention.prune(now=datetime.now(timezone.utc)) == (0, 0)
    assert runs == []


async def test_a_release_with_thousands_of_ids_is_dropped_over_several_ticks_within_the_budget(notifier, write_yaml):
    n = await _start(notifier, write_yaml)
    client, retention = n.service.runtime.streams.client, n.service.retention
    ids = [f"c-{i}" for i in range(3000)]
    await client.zadd(_key(n, "notifier:remembered"), {"edited": 0})
    await retention.index("edited", ids)
    for sub_id in ("desk", "plain"):
        await client.hset(_key(n, f"notifier:sent:{sub_id}"), mapping={i: "1:abc" for i in ids})
        await client.sadd(_key(n, f"notifier:elapsed:{sub_id}"), *ids)

    ticks, dropped = 0, 0
    while not dropped:
        work, dropped = await retention.prune(now=datetime.now(timezone.utc), budget=500)
        assert work <= 500
        ticks += 1
        assert ticks <= 30  # each id decoded once and removed twice: 9,000 steps, and a page again a tick
        if not dropped:
            assert await client.hlen(_key(n, "notifier:sent:plain")) > 0

    assert ticks >= 2 * 3000 // 500
    for sub_id in ("desk", "plain"):
        assert await client.hlen(_key(n, f"notifier:sent:{sub_id}")) == 0
        assert await client.scard(_key(n, f"notifier:elapsed:{sub_id}")) == 0


async def test_a_budget_too_small_to_go_on_is_refused(notifier, write_yaml):
    n = await _start(notifier, write_yaml)

    with pytest.raises(ValueError, match="a prune budget of 2: give at least 103"):
        await n.service.retention.prune(now=datetime.now(timezone.utc), budget=2)


async def test_a_tick_decodes_no_more_of_a_releases_ids_than_its_budget(notifier, write_yaml):
    """Each id a tick decodes of a release's list counts in its work as each id removed does: a release of thousands
    of ids, told to two subscribers, is dropped in about as many ticks as the ids removed and decoded once need."""
    n = await _start(notifier, write_yaml)
    client, retention = n.service.runtime.streams.client, n.service.retention
    ids = [f"c-{i}" for i in range(3000)]
    await retention.index("edited", ids)
    await client.zadd(_key(n, "notifier:remembered"), {"edited": 0})
    for sub_id in ("desk", "plain"):
        await client.hset(_key(n, f"notifier:sent:{sub_id}"), mapping={i: "1:abc" for i in ids})

    ticks, dropped, total = 0, 0, 0
    while not dropped:
        work, dropped = await retention.prune(now=datetime.now(timezone.utc), budget=500)
        assert work <= 500
        ticks, total = ticks + 1, total + work
        assert ticks <= 40

    # each id removed twice and decoded once, besides a look and a page decoded again where a tick goes on
    assert total <= 3 * 3000 + ticks * (PAGE_IDS + 3)
    for sub_id in ("desk", "plain"):
        assert await client.hlen(_key(n, f"notifier:sent:{sub_id}")) == 0
    assert await client.hlen(_key(n, "notifier:remembered:ids")) == 0


async def test_a_list_of_ids_kept_before_pages_is_laid_in_pages_once(notifier, write_yaml):
    n = await _start(notifier, write_yaml)
    client, retention = n.service.runtime.streams.client, n.service.retention
    ids = [f"c-{i}" for i in range(1000)]
    await client.zadd(_key(n, "notifier:remembered"), {"before": 0})
    await client.hset(_key(n, "notifier:remembered:ids"), "before", json.dumps(ids))  # one list, as kept before
    await client.hset(_key(n, "notifier:sent:plain"), mapping={i: "1:abc" for i in ids})
    # part done by the earlier release: gone over again from its first subscription
    await client.set(_key(n, "notifier:remembered:pruning"), json.dumps(["before", "desk", 0, "plain", 500]))

    first, _ = await retention.prune(now=datetime.now(timezone.utc), budget=500)
    assert first > 1000  # the whole list decoded, once
    assert len(json.loads(await client.hget(_key(n, "notifier:remembered:ids"), "before"))) == PAGE_IDS
    dropped = 0
    while not dropped:
        work, dropped = await retention.prune(now=datetime.now(timezone.utc), budget=500)
        assert work <= 500

    assert await client.hlen(_key(n, "notifier:sent:plain")) == 0
    assert await client.hlen(_key(n, "notifier:remembered:pages")) == 0


async def _bytes_through(client) -> int:
    stats = await client.info("stats")
    return int(stats["total_net_input_bytes"]) + int(stats["total_net_output_bytes"])


async def test_what_a_tick_reads_and_sends_does_not_grow_with_the_subscriptions(notifier, write_yaml):
    """Every id that may hold records was read and sent to the script each tick a release was due: 5,000
    subscriptions cost a tick some 100 KB through the connection whatever its budget."""
    n = await _start(notifier, write_yaml)
    client = n.service.runtime.streams.client
    many = [f"subscription-{i:05}" for i in range(5000)]
    await client.sadd(_key(n, "notifier:subscriptions:from-file"), *many)  # read from a file in an earlier run
    await client.zadd(_key(n, "notifier:remembered"), {"old": 0})
    await n.service.retention.index("old", ["c-old"])

    before = await _bytes_through(client)
    work, _ = await n.service.forget_old_releases()
    through = await _bytes_through(client) - before

    assert work > 100  # a few hundred subscriptions looked at
    assert through < 10_000, through


async def test_the_records_of_many_subscriptions_are_dropped_a_batch_of_them_at_a_time(notifier, write_yaml):
    n = await _start(notifier, write_yaml)
    client, retention = n.service.runtime.streams.client, n.service.retention
    stored, from_file = [f"stored-{i:03}" for i in range(60)], [f"file-{i:03}" for i in range(60)]
    # a small hash is read whole whatever the batch asked; a set this large, about the batch
    await client.hset(_key(n, "notifier:subscriptions"), mapping={sub_id: "{}" for sub_id in stored})
    await client.sadd(_key(n, "notifier:subscriptions:from-file"), *from_file)
    ids = [f"c-{i}" for i in range(150)]  # two pages
    await retention.index("old", ids)
    await client.zadd(_key(n, "notifier:remembered"), {"old": 0})
    for sub_id in (*stored, *from_file):
        await client.hset(_key(n, f"notifier:sent:{sub_id}"), mapping={i: "1:abc" for i in ids})

    ticks, dropped = 0, 0
    while not dropped:
        work, dropped = await retention.prune(now=datetime.now(timezone.utc), budget=300)
        assert work <= 300
        ticks += 1
        assert ticks <= 200

    assert ticks >= 120 * 150 // 300
    for sub_id in (*stored, *from_file):
        assert await client.hlen(_key(n, f"notifier:sent:{sub_id}")) == 0, sub_id
    assert await client.get(_key(n, "notifier:remembered:pruning")) is None
