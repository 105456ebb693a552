"""``test``: the message `pledgewatch subscriptions test ID` sends through a subscription's channels.

Sent to the subscriber's channels only (a webhook receives it as a CloudEvent); it is on no stream.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from .envelope import CloudEvent, FrozenModel, register


class TestNotification(FrozenModel):
    """A test of a subscription's channels: no release or commitment is behind it."""

    __test__ = False  # not a pytest test class

    notification_id: str = Field(min_length=1, description="This test's own id, new at each test.",
                                 examples=["test-desk-1a2b3c4d"])
    subscription_id: str = Field(description="The subscription whose channels are tested.")
    test: Literal[True] = Field(default=True, description="Always true: no release or commitment is behind it.")
    created_at: AwareDatetime = Field(description="When the test was sent.")


@register
class TestNotificationEvent(CloudEvent[TestNotification]):
    __test__ = False

    TYPE = "pledgewatch.test"
    type: Literal["pledgewatch.test"] = TYPE
