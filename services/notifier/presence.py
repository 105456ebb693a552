"""Whether the subscription a delivery is for is still there, asked before a queued delivery is sent and
after one fails: a subscription deleted (through the API or the CLI) or taken out of the subscriptions file
is sent nothing more, its queued and retrying deliveries cancelled rather than retried or dead-lettered.

A subscription is there when the file last read gives its id (the file's subscriptions are never stored in
Redis), the subscriptions hash holds it, or it was read from a subscriptions file and not taken out of one since
(``<prefix>notifier:subscriptions:from-file``): a run not given the file still sends what was queued for it.
One found in none of these is looked for in the file once more, as it is now: under ``pledgewatch run
--workers`` the process that read an edit adding a subscription, and queued its deliveries, may not be the one
claiming them, which would otherwise judge by the file as it last read it until some process notes the edit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

CANCELLED = "cancelled: subscription deleted"


def cancellation(subscription_id: str, failure: str | None = None) -> str:
    """The error text of a delivery cancelled because ``subscription_id`` is gone: before its attempt
    (``failure`` None: not sent), or after an attempt that failed with ``failure``."""
    why = (f"{CANCELLED} (no subscription '{subscription_id}' now: deleted, or in a subscriptions file this run "
           "was not given)")
    return f"{why}; this attempt failed: {failure}" if failure else f"{why}; not sent"


class SubscriptionPresence:
    def __init__(self, client: Any, stored_key: str, from_file_key: str, file_ids: Callable[[], Iterable[str]], *,
                 looked_again: Callable[[], Iterable[str]] | None = None) -> None:
        """``stored_key``: the subscriptions hash; ``from_file_key``: the set of ids read from a file in any run;
        ``file_ids()``: the ids of the file last read, without looking at the file again (it is watched
        elsewhere); ``looked_again()``: the ids of the file as it is now, asked only for ids found nowhere else."""
        self.client, self.stored_key, self.from_file_key, self.file_ids = client, stored_key, from_file_key, file_ids
        self.looked_again = looked_again

    async def gone(self, subscription_ids: Iterable[str]) -> set[str]:
        """Those of ``subscription_ids`` that are not there, in one round trip."""
        wanted = sorted(set(subscription_ids) - set(self.file_ids()))
        if not wanted:
            return set()
        reads = self.client.pipeline(transaction=False)
        for sub_id in wanted:
            reads.hexists(self.stored_key, sub_id)
            reads.sismember(self.from_file_key, sub_id)
        there = await reads.execute()
        missing = {sub_id for n, sub_id in enumerate(wanted) if not (there[2 * n] or there[2 * n + 1])}
        if missing and self.looked_again is not None:
            missing -= set(self.looked_again())
        return missing
