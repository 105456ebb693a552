"""A dead letter is always storable: text that is not valid Unicode (a lone surrogate from a character
reference, say) is escaped where the dead letter is made, so dead-lettering never fails on its own payload."""

from __future__ import annotations

import pytest

from schemas import decode_event
from services.common.streams import Streams


@pytest.mark.parametrize(("payload", "reason", "stored_payload", "stored_reason"), [
    ({"entry": "caf\udce9"}, "bad entry", {"entry": "caf\\udce9"}, "bad entry"),
    ({"entry": "fine"}, "a lone \ud800", {"entry": "fine"}, "a lone \\ud800"),
    ({"caf\udce9": "key"}, "bad key", {"caf\\udce9": "key"}, "bad key"),
])
def test_dead_letters_with_lone_surrogates_encode_and_decode(payload, reason, stored_payload, stored_reason):
    streams = Streams(None, prefix="t", maxlen=10, source="/test")  # building the event needs no Redis
    event = streams.dead_letter_event(stream="feed:x", payload=payload, reason=reason)
    back = decode_event(event.to_json())
    assert (back.data.payload, back.data.reason) == (stored_payload, stored_reason)
