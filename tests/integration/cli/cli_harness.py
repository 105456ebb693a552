"""Helpers of the command tests (imported by them; not a test module)."""

from __future__ import annotations

import asyncio

from services.common.runtime import Runtime


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
