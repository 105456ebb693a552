"""``pledgewatch ledger rebuild``: the commitments ledger read again from the ``classified`` stream."""

from __future__ import annotations

import argparse
import asyncio
import sys

from services.common.logs import setup_logging
from services.common.runtime import Runtime, for_a_command

from .configuration import load_settings


async def _rebuild(settings) -> int:  # type: ignore[no-untyped-def]
    from services.ledger.rebuild import rebuild

    runtime = Runtime(settings, source="/pledgewatch/cli")
    streams = await runtime.open()
    try:
        counts = await rebuild(streams.client, settings.key,
                               progress=lambda c: print(f"read {c.read} entries", file=sys.stderr, flush=True))
    finally:
        await runtime.close()
    print(f"ledger rebuilt: {counts.versions} release version(s) from {counts.read} stream entries"
          + (f", {counts.skipped} not a release.classified event" if counts.skipped else ""))
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    from .runstate import command_redis

    settings, redis_source = command_redis(load_settings())
    setup_logging("CRITICAL")  # this command reports itself, in one line
    with redis_source.told():
        return asyncio.run(_rebuild(for_a_command(settings)))


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ledger = sub.add_parser("ledger", help="the commitments ledger: rebuild it from the classified stream")
    commands = ledger.add_subparsers(dest="ledger_command", required=True)
    rebuild = commands.add_parser(
        "rebuild", help="drop the ledger and read it again from the classified stream (what the stream still holds)")
    rebuild.set_defaults(func=cmd_rebuild)
