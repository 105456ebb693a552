"""Scripts in a pipeline go by their SHA: no SCRIPT EXISTS round trip per pipeline, and a script Redis no
longer holds (flushed, restarted) is loaded and the pipeline sent again."""

from datetime import datetime, timezone

import pytest

from schemas import DeadLetter, DeadLetterEvent
from services.common.pipelined_scripts import queue_script, run_pipeline
from services.common.streams import _COMMIT_ONCE, OnceCommit, _once_arguments

pytestmark = pytest.mark.integration


def _event(n: int) -> DeadLetterEvent:
    letter = DeadLetter(stream="s", entry_id=f"{n}-0", group="g", payload={"n": str(n)}, reason="test", deliveries=1,
                        at=datetime(2026, 1, 5, tzinfo=timezone.utc))
    return DeadLetterEvent.wrap(letter, id=f"letter-{n}", source="/test", time=letter.at,
                                subject=letter.stream)


async def _script_commands(client) -> int:
    stats = await client.info("commandstats")
    return sum(v["calls"] for k, v in stats.items() if k.startswith("cmdstat_script"))


def _commits(streams, numbers):
    return [OnceCommit(None, [(streams.key("out"), _event(n))], streams.key(f"once:{n}")) for n in numbers]


async def _commit_each(streams, commits):
    """Each commit's script queued on one pipeline: a batch of scripts by their SHA."""
    script = streams.client.register_script(_COMMIT_ONCE)

    def fill(pipe):
        for c in commits:
            queue_script(pipe, script, *_once_arguments(c.entry, c.publish, c.ttl_seconds, c.once_key))

    return [bool(done) for done in await run_pipeline(streams.client, fill, [script])]


async def test_a_batch_of_scripts_in_a_pipeline_asks_redis_nothing_more(streams):
    await _commit_each(streams, _commits(streams, [0]))  # loaded, as a first use after a restart would
    before = await _script_commands(streams.client)
    assert await _commit_each(streams, _commits(streams, [1, 2, 3])) == [True, True, True]
    assert await _script_commands(streams.client) == before
    assert await streams.client.xlen(streams.key("out")) == 4


async def test_a_script_redis_lost_is_loaded_and_the_pipeline_sent_again_once(streams):
    await _commit_each(streams, _commits(streams, [0]))
    await streams.client.script_flush()
    assert await _commit_each(streams, _commits(streams, [1, 0])) == [True, False]
    assert await streams.client.xlen(streams.key("out")) == 2
