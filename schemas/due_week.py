"""``due_this_week``: once a week, the deadlines a subscriber's commitments reach in the seven days ahead.

Sent to the subscriber's channels only (a webhook receives it as a CloudEvent); it is on no stream.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, Field

from .classified import Commitment, Deadline
from .envelope import CloudEvent, FrozenModel, register
from .json_bounds import MAX_INTEGER


class DueDeadline(FrozenModel):
    """One deadline falling due in the week, with its commitment as the ledger holds it now."""

    due: date = Field(description="The day it falls due: a date deadline's day, a period's end.")
    deadline: Deadline = Field(description="The deadline, as the commitment has it.")
    commitment_key: str = Field(description="The commitment's key in the ledger (GET /ledger/commitments/{key}).")
    commitment: Commitment = Field(description="The commitment, as the ledger holds it now.")
    release_id: str = Field(description="The release it is of (its page: /dashboard/releases/{release_id}).")
    title: str = Field(description="The release's title.")
    url: str = Field(description="The release's address.")


class DueThisWeek(FrozenModel):
    """What a subscriber with ``due_this_week`` receives once a week, when anything falls due."""

    digest_id: str = Field(min_length=1, description="Stable: the same subscription and week give the same id.",
                           examples=["week-3f9c2a51d0b84e7a9c11f0e2"])
    subscription_id: str = Field(description="The subscription it was sent for.")
    week: str = Field(pattern=r"^\d{4}-W\d{2}$", description="ISO 8601 week of first_day.", examples=["2026-W50"])
    first_day: date = Field(description="The first of the seven days (the day it was sent, in time_zone).")
    last_day: date = Field(description="The last of the seven days, included.")
    time_zone: str = Field(description="IANA time zone the days are counted in.", examples=["Europe/London"])
    deadlines: list[DueDeadline] = Field(min_length=1, description="Soonest first.")
    more: int = Field(default=0, ge=0, le=MAX_INTEGER,
                      description="Deadlines of the week left out of this message (it lists at most 200).")
    created_at: AwareDatetime = Field(description="When the message was put together.")


@register
class DueThisWeekEvent(CloudEvent[DueThisWeek]):
    TYPE = "pledgewatch.due_this_week"
    type: Literal["pledgewatch.due_this_week"] = TYPE
