"""The calendars this process made last, by what each was made from, so that a poll of a calendar nothing changed
is answered without making it again: making it is most of a poll's work (about 250 ms for 200 events), reading
what it is made from a few milliseconds.

A calendar is a pure function of its entries as stored, the subscription's name, reminder offsets and time zone,
and the reminder time (:func:`~.core.calendar_feed.deadlines_calendar`); within one process the code is the same,
so the same inputs give the same bytes, and so the same ``ETag``, a hash of those bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable

KEPT = 64  # calendars kept (160 kB for 200 events)
# and bytes kept: a subscription selecting the whole ledger has a calendar of MBs (about 800 bytes an event), and
# 64 of those would hold a process's memory at hundreds of MB
KEPT_BYTES = 32 * 1024 * 1024


class CalendarMemo:
    def __init__(self, size: int = KEPT, budget: int = KEPT_BYTES) -> None:
        self.size, self.budget = size, budget
        self._made: OrderedDict[bytes, bytes] = OrderedDict()
        self._bytes = 0

    def kept_bytes(self) -> int:
        return self._bytes

    def calendar(self, raws: list[bytes], settings: list[object], make: Callable[[], bytes]) -> bytes:
        """The calendar of the stored entries ``raws`` under ``settings`` (everything else it is made from, each
        written by ``repr``): made by ``make`` unless the same was made last time. The latest are kept, up to
        :data:`KEPT` of them and :data:`KEPT_BYTES`; one larger than that alone is made at every poll."""
        inputs = self.inputs(raws, settings)
        if (body := self.made(inputs)) is None:
            body = make()
            self.keep(inputs, body)
        return body

    @staticmethod
    def inputs(raws: list[bytes], settings: list[object]) -> bytes:
        """What a calendar is made from, as a digest: the key of :meth:`made` and :meth:`keep`."""
        digest = hashlib.sha256(json.dumps([repr(s) for s in settings]).encode())
        for raw in raws:  # stored JSON holds no NUL byte: the entries cannot run into one another
            digest.update(b"\0" + raw)
        return digest.digest()

    def made(self, inputs: bytes) -> bytes | None:
        """The calendar made last from ``inputs``, if it is still kept."""
        if (body := self._made.get(inputs)) is not None:
            self._made.move_to_end(inputs)
        return body

    def keep(self, inputs: bytes, body: bytes) -> None:
        if len(body) <= self.budget:
            self._made[inputs] = body
            self._bytes += len(body)
            while len(self._made) > self.size or self._bytes > self.budget:
                self._bytes -= len(self._made.popitem(last=False)[1])
