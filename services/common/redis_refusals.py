"""Which of Redis's errors are Redis's own state (down, full, read-only, busy) rather than a command at fault."""

from __future__ import annotations

import re

from redis.exceptions import (ClusterDownError, ConnectionError, OutOfMemoryError, ReadOnlyError, RedisError,
                              ResponseError, TimeoutError, TryAgainError)

# Redis down, frozen, or loading its data (BusyLoadingError is a ConnectionError). Any other error of redis-py's
# own (DataError, LockError, InvalidResponse, WatchError…) is the caller's, not Redis's state.
UNREACHABLE_REDIS = (ConnectionError, TimeoutError)

# Refusals that pass once Redis has room, a primary, its disk or its script back: not a command of ours at fault.
_PASSING_REFUSALS = (ReadOnlyError, OutOfMemoryError, ClusterDownError, TryAgainError)
_PASSING_CODES = frozenset({"MISCONF", "BUSY", "NOREPLICAS", "MASTERDOWN", "OOM", "READONLY", "CLUSTERDOWN",
                            "TRYAGAIN"})
# Redis 6.2 wraps a refusal met inside a script: "Error running script (…): @user_script:37: … -MISCONF …".
_SCRIPT_REFUSAL = re.compile(r"Error running script .*?: -([A-Z]+) ")


def redis_unavailable(exc: RedisError) -> bool:
    """Whether ``exc`` says Redis cannot be reached or cannot take the work for now (worth a retry), rather
    than that it refused a command as malformed or wrong (:class:`ResponseError`: a bug of the caller's)."""
    if not isinstance(exc, ResponseError):
        return isinstance(exc, UNREACHABLE_REDIS)
    in_script = _SCRIPT_REFUSAL.match(str(exc))
    code = in_script.group(1) if in_script else exc.status_code or str(exc).partition(" ")[0]
    return isinstance(exc, _PASSING_REFUSALS) or code in _PASSING_CODES
