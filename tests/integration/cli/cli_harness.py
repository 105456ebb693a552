"""Helpers of the command tests (imported by them; not a test module)."""

from __future__ import annotations

import asyncio

from pledgewatch.dead_letters import origin, read_letter
from schemas.streams import DEAD_LETTERS, EVENT_FIELD
from services.common.runtime import Runtime
from services.common.streams import Entry


def with_streams(settings, work):
    """Run ``work(streams)`` with the services' stream operations, as a service would."""
    async def run():
        runtime = Runtime(settings, source="/pledgewatch/test")
        streams = await runtime.open()
        try:
            return await work(streams)
        finally:
            await runtime.close()
    return asyncio.run(run())


def counted_by_reading(client, settings):
    """Every letter's origin counted by reading them all: what the kept counts must equal."""
    counts = {}
    for entry_id, fields in client.xrange(settings.key(DEAD_LETTERS)):
        name = origin(read_letter(entry_id.decode(), fields), settings.prefix)
        counts[name] = counts.get(name, 0) + 1
    return counts


def given_up_entries(settings, stream, groups, count):
    """``count`` entries of ``stream``, each given up on by every one of ``groups``, as the consumer does."""
    async def work(streams):
        key = streams.key(stream)
        for group in groups:
            await streams.ensure_group(key, group)
        for n in range(count):
            await streams.client.xadd(key, {EVENT_FIELD: f'{{"bad": {n}}}'})
        for group in groups:
            for entry_id, read in (await streams.client.xreadgroup(group, "c1", {key: ">"}))[0][1]:
                await streams.dead_letter(Entry(key, group, entry_id.decode(), read), f"{group} gave up")
    with_streams(settings, work)
