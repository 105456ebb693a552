"""How an email delivery that missed some of its recipients says so on its audit event (the error of the
attempt), and how that is read back: the dashboard counts one that reached some of them as partly
delivered, naming the addresses it did not reach. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# "recipients deferred: a; refused: b (reached 1 of 3); the server answered 550 5.1.1 no such mailbox";
# either part may be alone, and the server's answer missing (an error written before it was told); then why an
# address was refused without asking the server, when it was ("…; josé@example.org: the server does not offer …")
_TOLD = re.compile(r"recipients (?:deferred: (?P<deferred>[^;]+?))?(?:; )?(?:refused: (?P<refused>.+?))?"
                   r" \(reached (?P<reached>\d+) of (?P<total>\d+)\)(?:; .*)?", re.S)


@dataclass(frozen=True)
class RecipientsMissed:
    how: str  # "deferred" when another attempt may get through to some, else "refused" (for good)
    addresses: tuple[str, ...]  # the deferred first, then the refused
    reached: int  # recipients mailed, by this attempt or an earlier one
    total: int


def told(*, deferred: list[str], refused: list[str], reached: int, total: int, answer: str = "",
         reasons: Sequence[str] = ()) -> str:
    """Who was missed, how many were reached, and ``answer``, the server's last refusal (``550 5.1.1 no such
    mailbox``), when there is one: what to fix is often in it (a mailbox unknown, a policy, a full disk); then
    ``reasons``, why each address refused without the server's answer was."""
    parts = [f"{how}: {', '.join(addresses)}" for how, addresses in (("deferred", deferred), ("refused", refused))
             if addresses]
    said = f"; the server answered {' '.join(answer.split())}" if answer.strip() else ""
    return f"recipients {'; '.join(parts)} (reached {reached} of {total}){said}{''.join(f'; {r}' for r in reasons)}"


def read(error: str | None) -> RecipientsMissed | None:
    """What :func:`told` wrote in ``error``; None for any other error (one written before the count was)."""
    found = _TOLD.fullmatch(error or "")
    if found is None or not (found["deferred"] or found["refused"]):
        return None
    addresses = [a for part in (found["deferred"], found["refused"]) if part for a in part.split(", ")]
    return RecipientsMissed(how="deferred" if found["deferred"] else "refused", addresses=tuple(addresses),
                            reached=int(found["reached"]), total=int(found["total"]))
