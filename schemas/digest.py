"""``digest``: one message a day listing every alert a digest subscriber had since the last.

Sent to the subscriber's channels only (a webhook receives it as a CloudEvent); it is on no stream.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from .alerts import Alert
from .envelope import CloudEvent, FrozenModel, register


class Digest(FrozenModel):
    """What a digest subscriber receives once a day."""

    digest_id: str = Field(min_length=1, description="Stable: the same subscription and digest time give the same id.")
    subscription_id: str = Field(description="The subscription it was sent for.")
    since: AwareDatetime | None = Field(description=("The previous digest's until; for a subscription's first, "
                                                     "the digest time before the notifier first saw it (written "
                                                     "so: null is only read)."))
    until: AwareDatetime = Field(description="The digest time this digest is for.")
    alerts: list[Alert] = Field(description="The alerts since the previous digest, oldest first.")
    created_at: AwareDatetime = Field(description="When the digest was put together.")


@register
class DigestEvent(CloudEvent[Digest]):
    TYPE = "pledgewatch.digest"
    SCHEMA_VERSION = 6  # v2: its alerts' changes; v3: their reannounced; v4: their withdrawn_notice, kind withdrawn;
    # v5: their unsupported_reason; v6: their cancelled_reminders
    READ_VERSIONS = (1, 2, 3, 4, 5, 6)  # v1 data is v2 data without changes, v2 is v3 without reannounced, v3 is
    # v4 without withdrawn_notice, v4 is v5 without unsupported_reason, v5 is v6 without cancelled_reminders
    type: Literal["pledgewatch.digest"] = TYPE
