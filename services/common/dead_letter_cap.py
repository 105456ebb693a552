"""How many dead letters a system keeps: never cut to the streams' cap, but to a cap of their own, and told of
before they reach it. Pure: no Redis.

A dead letter is how pledgewatch keeps what it could not process (bad input, a delivery given up on), and a
letter is deleted when it is replayed or dropped: so the dead-letter stream holds only letters nobody has dealt
with yet, and trimming it loses them. It is trimmed only past ``PLEDGEWATCH_DEAD_LETTERS_MAXLEN`` (none when 0),
a bound on Redis's memory should bad input pour in, and loudly: from :data:`NEAR_SHARE` of it a WARNING in the
log and in ``pledgewatch status``, past it an ERROR naming how many were dropped.
"""

from __future__ import annotations

NEAR_SHARE = 0.8  # from this share of the cap on, the letters are said to be near it
SETTING = "PLEDGEWATCH_DEAD_LETTERS_MAXLEN"
WHAT_TO_DO = "see them with `pledgewatch dlq list`, then replay or drop them"


def near_cap(count: int, cap: int) -> bool:
    """Whether ``count`` dead letters are near (or at) ``cap``; never when there is no cap (0)."""
    return cap > 0 and count >= NEAR_SHARE * cap


def near_cap_text(count: int, cap: int) -> str:
    """What a WARNING (the log's, ``pledgewatch status``'s) says of ``count`` letters near ``cap``."""
    return (f"{count} dead letters, {count / cap:.0%} of the {cap} kept at most ({SETTING}): past it the oldest "
            f"are dropped; {WHAT_TO_DO}")


def dropped_text(dropped: int, cap: int) -> str:
    """What the ERROR says when ``dropped`` letters went past ``cap``."""
    return (f"dropped the {dropped} oldest dead letters, unreplayed: the dead-letter stream keeps {cap} at most "
            f"({SETTING}, 0: no cap); {WHAT_TO_DO}")
