"""A read's commits (:meth:`Streams.commit_once_many`) go to Redis as one script call, and leave in Redis what
one ``_COMMIT_ONCE`` per commit leaves: the same events on the same streams in the same order, the same once
keys with their TTLs, the same entries acknowledged, the same answers."""

from datetime import datetime, timezone

import pytest
import redis.asyncio as aioredis

from schemas import DeadLetter, DeadLetterEvent
from services.common.streams import _COMMIT_ONCE, Entry, OnceCommit, Streams, _once_arguments

pytestmark = pytest.mark.integration


def _event(n: int) -> DeadLetterEvent:
    letter = DeadLetter(stream="s", entry_id=f"{n}-0", group="g", payload={"n": str(n), "text": "£10m \u2019 \"q\""},
                        reason="test", deliveries=1, at=datetime(2026, 1, 5, tzinfo=timezone.utc))
    return DeadLetterEvent.wrap(letter, id=f"letter-{n}", source="/test", time=letter.at,
                                subject=letter.stream)


async def _read(streams: Streams, count: int) -> list[Entry]:
    source = streams.key("in")
    await streams.client.xgroup_create(source, "g", id="0", mkstream=True)
    for n in range(count):
        await streams.client.xadd(source, {"n": str(n)})
    [[_, got]] = await streams.client.xreadgroup("g", "c", {source: ">"})
    return [Entry(stream=source, group="g", entry_id=entry_id.decode(), fields=fields) for entry_id, fields in got]


def _commits(streams: Streams, entries: list[Entry]) -> list[OnceCommit]:
    """Commits as the classifier's read makes them, and their variants: with a TTL and without, none to
    acknowledge, two events, none."""
    out = []
    for n, entry in enumerate(entries):
        publish = [(streams.key("out"), _event(n))] + ([(streams.key("other"), _event(100 + n))] if n % 3 == 1 else [])
        out.append(OnceCommit(entry if n % 4 != 3 else None, publish if n % 5 != 4 else [],
                              streams.key(f"once:{n}"), 3600 if n % 2 == 0 else None))
    return out


async def _state(streams: Streams, count: int) -> dict[str, object]:
    """What the commits left, the keys named without the test's prefix."""
    client, prefix = streams.client, streams.key("")
    streams_read = {}
    for name in ("out", "other"):
        entries = await client.xrange(streams.key(name))
        streams_read[name] = [fields for _, fields in entries]
    once = {}
    for n in range(count):
        key = streams.key(f"once:{n}")
        ttl = await client.ttl(key)
        once[n] = (await client.get(key), ttl if ttl < 0 else 3600 - ttl <= 5)
    pending = await client.xpending(streams.key("in"), "g")
    keys = sorted(k.decode().removeprefix(prefix) for k in await client.keys(prefix + "*"))
    return {"streams": streams_read, "once": once, "pending": pending["pending"], "keys": keys}


async def _commit_each(streams: Streams, commits: list[OnceCommit]) -> list[bool]:
    script = streams.client.register_script(_COMMIT_ONCE)
    return [bool(await script(*_once_arguments(c.entry, c.publish, c.ttl_seconds, c.once_key))) for c in commits]


async def _script_calls(client: aioredis.Redis) -> int:
    stats = await client.info("commandstats")
    return sum(v["calls"] for k, v in stats.items() if k in ("cmdstat_evalsha", "cmdstat_eval"))


async def test_a_reads_commits_leave_what_one_script_per_commit_leaves(settings):
    client = aioredis.Redis.from_url(settings.redis_url)
    one_call = Streams(client, prefix=settings.prefix + "one:", maxlen=1000, source="/test")
    each = Streams(client, prefix=settings.prefix + "each:", maxlen=1000, source="/test")
    try:
        answers = []
        for streams, commit in ((one_call, one_call.commit_once_many), (each, None)):
            entries = await _read(streams, 12)
            commits = _commits(streams, entries)
            await streams.client.set(streams.key("once:5"), "1")  # done before: published nothing, acknowledged
            first = commits[:7]
            second = commits[5:]  # 5 and 6 again, as a reclaimed entry's second delivery
            if commit is not None:
                answers.append([await commit(first), await commit(second)])
            else:
                answers.append([await _commit_each(streams, first), await _commit_each(streams, second)])
        assert answers[0] == answers[1]
        assert answers[0][0] == [True, True, True, True, True, False, True]
        assert answers[0][1] == [False, False, True, True, True, True, True]
        assert await _state(one_call, 12) == await _state(each, 12)
        assert (await _state(one_call, 12))["pending"] == 3  # the entries of the commits with none to acknowledge
    finally:
        await client.aclose()


async def test_a_reads_commits_are_one_script_call(streams):
    commits = _commits(streams, await _read(streams, 10))
    await streams.commit_once_many(commits[:2])  # the script loaded
    before = await _script_calls(streams.client)
    assert await streams.commit_once_many(commits[2:]) == [True] * 8
    assert await _script_calls(streams.client) == before + 1
