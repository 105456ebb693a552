"""How an email delivery that missed some of its recipients says so on its audit event (the error of the
attempt), and how that is read back: the dashboard counts one that reached some of them as partly
delivered, naming the addresses it did not reach. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOLD = re.compile(r"recipients (refused|deferred): (.+) \(reached (\d+) of (\d+)\)")


@dataclass(frozen=True)
class RecipientsMissed:
    how: str  # "refused" (for good) or "deferred" (another attempt may get through)
    addresses: tuple[str, ...]
    reached: int  # recipients mailed, by this attempt or an earlier one
    total: int


def told(how: str, addresses: list[str], *, reached: int, total: int) -> str:
    return f"recipients {how}: {', '.join(addresses)} (reached {reached} of {total})"


def read(error: str | None) -> RecipientsMissed | None:
    """What :func:`told` wrote in ``error``; None for any other error (one written before the count was)."""
    found = _TOLD.fullmatch(error or "")
    if found is None:
        return None
    how, addresses, reached, total = found.groups()
    return RecipientsMissed(how=how, addresses=tuple(addresses.split(", ")), reached=int(reached),
                            total=int(total))
