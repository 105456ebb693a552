"""Tidying at a stop (a consumer out of its groups, a record out of Redis), given up at a bound of its own.

What is left untidied is taken for gone later anyway; a frozen Redis must not hold a stop for the command timeout of
each step, past the grace a supervisor gives before it kills the process (`docker compose stop`: 10 s)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from redis.exceptions import RedisError

log = logging.getLogger(__name__)

TIDY_SECONDS = 2.0


async def tidied(step: Awaitable[object], failed: str, *, logger: logging.Logger = log) -> None:
    """``step`` awaited for :data:`TIDY_SECONDS` at most; a Redis error, or no answer, is a WARNING ``failed: why``."""
    try:
        await asyncio.wait_for(step, TIDY_SECONDS)
    except asyncio.TimeoutError:
        logger.warning("%s: Redis did not answer within %g s", failed, TIDY_SECONDS)
    except (RedisError, OSError) as exc:
        logger.warning("%s: %s", failed, exc)
