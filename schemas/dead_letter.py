"""Dead letters: entries that could not be processed, kept with the reason."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from .envelope import CloudEvent, FrozenModel, register
from .json_bounds import MAX_INTEGER


class DeadLetter(FrozenModel):
    stream: str = Field(description="Stream (or source) the payload came from.", examples=["pledgewatch:releases"])
    entry_id: str | None = Field(default=None, description="Stream entry id, when it came from a stream.")
    group: str | None = Field(default=None, description="Consumer group that gave up on it.")
    payload: dict[str, str] = Field(
        description="The original entry fields (bytes that are not UTF-8 are base64 with a 'base64:' prefix)."
    )
    reason: str = Field(examples=["unknown schema version 2 for pledgewatch.release.published"])
    deliveries: int = Field(ge=0, le=MAX_INTEGER, description="Times it was delivered before giving up.")
    at: AwareDatetime


@register
class DeadLetterEvent(CloudEvent[DeadLetter]):
    TYPE = "pledgewatch.dead_letter"
    type: Literal["pledgewatch.dead_letter"] = TYPE
