"""Scripts sent in a pipeline by their SHA alone, with no round trip to ask whether Redis holds them.

redis-py's ``Script`` queued on a pipeline makes every execute of that pipeline ask first (SCRIPT EXISTS):
one more round trip on the path of each read a consumer handles. Here a script is queued as a plain EVALSHA;
when Redis does not hold it (restarted, flushed), the pipeline fails with NOSCRIPT, the scripts are loaded
and the pipeline is sent again. Only for pipelines that may be sent twice: reads, and scripts that all fail
together when their script is missing (none of them ran).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.client import Pipeline
from redis.commands.core import AsyncScript
from redis.exceptions import NoScriptError


def queue_script(pipe: Pipeline, script: AsyncScript, keys: Sequence[Any], args: Iterable[Any]) -> None:
    """``script`` with ``keys`` and ``args`` queued on ``pipe`` as an EVALSHA."""
    pipe.evalsha(script.sha, len(keys), *keys, *args)


async def run_pipeline(client: aioredis.Redis, fill: Callable[[Pipeline], None], scripts: Iterable[AsyncScript]
                       ) -> list[Any]:
    """The answers of a pipeline (not a transaction) that ``fill`` queues, ``scripts`` among its commands; once
    more, with them loaded, if Redis did not hold one."""
    for first_try in (True, False):
        async with client.pipeline(transaction=False) as pipe:
            fill(pipe)
            try:
                return await pipe.execute()
            except NoScriptError:
                if not first_try:
                    raise
        for script in scripts:
            script.sha = await client.script_load(script.script)
    raise AssertionError("unreachable")
