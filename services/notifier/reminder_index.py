"""Each subscription's time index of its planned reminders, built once for those planned before it existed.

Every script that plans, moves, retries, fires, drops or cancels a reminder keeps its subscription's index
(``notifier:reminders:due:<subscription id>``) with the due index (decision 0086). Reminders planned by an earlier
version are in the due index alone: the first leader of this version, or the first listing if it comes first, adds
each to its subscription's index, a thousand per script, then marks the index built
(``notifier:reminders:indexed``, :data:`~.reminder_store.INDEXED`), so that later elections and listings only read the mark. Building twice at once
adds nothing twice.
"""

from __future__ import annotations

import logging
from typing import Any

from .reminder_scripts import HELPERS
from .reminder_store import BULK, ReminderStore

log = logging.getLogger(__name__)

# KEYS: planned, due. ARGV: reminder ids. Each still planned and due is added to its subscription's time index at its
# time in the due index. Returns how many.
_INDEX = HELPERS + """
local count = 0
for _, id in ipairs(ARGV) do
  local record, at = redis.call('HGET', KEYS[1], id), redis.call('ZSCORE', KEYS[2], id)
  local index = at and by_subscription(KEYS[2], record)
  if index then
    redis.call('ZADD', index, at, id)
    count = count + 1
  end
end
return count
"""


async def index_planned(store: ReminderStore) -> int:
    """Add every reminder planned to its subscription's time index, unless that was done; returns how many were
    added (0 once done)."""
    client = store.client
    if await client.exists(store.indexed_key):
        return 0
    index = client.register_script(_INDEX)
    ids: list[Any] = []
    count = 0
    async for rid, _ in client.hscan_iter(store.planned_key, count=BULK):
        ids.append(rid)
        if len(ids) == BULK:
            count += int(await index(keys=[store.planned_key, store.due_key], args=ids))
            ids = []
    if ids:
        count += int(await index(keys=[store.planned_key, store.due_key], args=ids))
    await client.set(store.indexed_key, "1")
    if count:
        log.info("%d planned reminder(s) indexed by subscription, for their listing", count)
    return count
