"""Notifier events: alerts, their delivery audit trail and fired reminders."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Literal

from pydantic import AwareDatetime, Field

from .classified import Commitment, Deadline, IsoDuration
from .envelope import CloudEvent, FrozenModel, register
from .json_bounds import MAX_INTEGER


class AlertKind(str, Enum):
    """new, changed (some since told; others may be new), reannounced (only), reminder or withdrawn (the release)."""

    NEW = "new"  # commitments the subscriber has not been sent before
    CHANGED = "changed"  # a commitment changed in a new version (others in the alert may be new)
    REANNOUNCED = "reannounced"  # only commitments announcing again what the subscriber was told of already
    REMINDER = "reminder"  # a deadline is near (one per deadline and offset)
    WITHDRAWN = "withdrawn"  # the release was withdrawn: the commitments of it the subscriber was told of


class ReleaseRef(FrozenModel):
    """The release the alert is about, as of the version it tells of."""

    release_id: str = Field(description="The release, the same in all its versions (its page on the dashboard is "
                                        "/dashboard/releases/{release_id}).")
    version: int = Field(ge=1, le=MAX_INTEGER, description="Which version of the release, from 1: each change of "
                                                           "its text is a new version.")
    title: str = Field(description="The release's title.")
    url: str = Field(description="release.published's url: not always a web address (urn:pledgewatch:<id> for a "
                                 "release given without one).")
    published_at: AwareDatetime = Field(description="When the release was published; 00:00 UTC for one dated "
                                                    "without a time.")
    source: str = Field(description="Where pledgewatch found it: a feed's or a folder's name, or the source "
                                    "given to POST /releases.", examples=["govuk-home-office", "folder"])


class ReminderInfo(FrozenModel):
    """Kind 'reminder': which deadline falls due, and how long before it this reminder is."""

    deadline: Deadline = Field(description="The deadline that falls due, as the commitment has it.")
    offset: IsoDuration = Field(description="How long before the due date; P0D on the day.")
    due: date = Field(description="The day it falls due.")


class FieldChangeInfo(FrozenModel):
    """One field of a commitment, before and after, as a reader would say it."""

    field: str = Field(description="The field that changed; 'commitment' when the whole commitment was removed "
                       "or restored; 'text' (first) when its words changed beyond the wording of the other fields "
                       "listed, beside them.", examples=["money", "deadlines", "text", "commitment"])
    before: str | None = Field(description="As it read before; null when added.", examples=["£10m"])
    after: str | None = Field(description="As it reads now; null when dropped or removed.", examples=["£8m"])
    words: str = Field(description="The change in plain words.", examples=["money £10m → £8m", "removed"])


class CommitmentChange(FrozenModel):
    """What changed in one commitment the subscriber was told about, since the release's previous version."""

    commitment_id: str = Field(description="The commitment now; for a removed one, the id it had.")
    previous_id: str = Field(description="Its id in the previous version (an edit of its words changes the id).")
    changes: list[FieldChangeInfo] = Field(description="Each field that changed, in plain words too.")


class Announcement(FrozenModel):
    """One time a commitment was announced: in which release, under which id, when."""

    release_id: str = Field(description="The release that announced it.")
    commitment_id: str = Field(description="The commitment's id in that release.")
    published_at: AwareDatetime = Field(description="When that release was published.")


class Reannouncement(FrozenModel):
    """A commitment that announces again what an earlier release did, which the subscriber was told of."""

    commitment_id: str = Field(description="The commitment in this alert.")
    announcements: list[Announcement] = Field(description="Every announcement of it known, this one included, "
                                              "the earliest first.")
    words: str = Field(description="In plain words: past 4 announcements, the first and the latest dates only.",
                       examples=["announced 3 times: 29 Nov 2017, 14 Mar 2018, 2 Feb 2019",
                                 "announced 52 times, first on 29 Nov 2017, latest on 21 Nov 2018"])


class CancelledReminder(FrozenModel):
    """A reminder planned from an earlier version of the release and still to come, which this version cancels."""

    commitment_id: str = Field(description="The commitment it reminded of, by its id in the earlier version.",
                               examples=["c-officers"])
    commitment: str = Field(description="That commitment's words, as they read then.",
                            examples=["The UK will deploy 200 officers to Iraq by 31 March 2027."])
    due: date = Field(description="The due date it reminded of.", examples=["2027-03-31"])
    offset: IsoDuration = Field(description="How long before the due date; P0D on the day.", examples=["P7D"])
    on: date = Field(description="The day it would have come, in the subscription's time zone.",
                     examples=["2027-03-24"])


class Alert(FrozenModel):
    """What one subscriber is told about one release, or one deadline."""

    alert_id: str = Field(description="Stable: the same alert always has the same id.")
    subscription_id: str = Field(description="The subscription it was sent for.")
    kind: AlertKind
    release: ReleaseRef
    commitments: list[Commitment] = Field(description="The commitments it tells of: new, changed or announced "
                                          "again; for a reminder, the one whose deadline falls due; for a "
                                          "withdrawal, those of the release the subscriber was told of.")
    reminder: ReminderInfo | None = Field(default=None, description="Kind 'reminder' only: the deadline and how "
                                          "long before it; null otherwise.")
    changed: list[str] = Field(default_factory=list, description="Ids of the commitments in this alert that "
                               "changed since the subscriber was last told; the others are new to them.")
    elapsed: list[str] = Field(default_factory=list, description="Deadlines already past when first seen, as "
                               "'<commitment id>:<deadline index>': reported in this alert once, never scheduled.")
    changes: list[CommitmentChange] = Field(default_factory=list, description="Field by field, what changed in "
                                            "each changed commitment, and the commitments removed since the "
                                            "previous version (a removed one is not in commitments), "
                                            "restored, or no longer matching the subscription's filter (not in "
                                            "commitments either).")
    reannounced: list[Reannouncement] = Field(default_factory=list, description="The commitments in this alert "
                                              "that announce again one the subscriber was told of: not new to "
                                              "them. Kind 'reannounced' when the alert has nothing else.")
    withdrawn_notice: str | None = Field(default=None, description="Kind 'withdrawn': the publisher's notice of "
                                         "the withdrawal, when there is one. The alert's commitments are those of "
                                         "the release the subscriber was told of; their reminders are cancelled.",
                                         examples=["This fund has been replaced by the Ports Security Programme."])
    unsupported_reason: str | None = Field(default=None, description="Set when the release was read only in "
                                           "part (a language not supported; stopped at the commitment cap or "
                                           "the time budget): why, as release.classified says it. The release "
                                           "may hold commitments this alert does not.", examples=[
                                               "read up to character 93681 of 1900000: stopped at 500 commitments"])
    cancelled_reminders: list[CancelledReminder] = Field(
        default_factory=list, description="Kind 'changed': the reminders still to come that this version cancels, "
        "soonest first: of a deadline moved or dropped, of a commitment removed or no longer matching the "
        "subscription's filter. (A withdrawal cancels every reminder of the release; see withdrawn_notice.)")
    created_at: AwareDatetime = Field(description="When the notifier decided the alert (a reminder's with its "
                                              "subscription's offset).")


@register
class AlertEvent(CloudEvent[Alert]):
    TYPE = "pledgewatch.alert"
    SCHEMA_VERSION = 6  # v2: changes; v3: reannounced, kind reannounced; v4: withdrawn_notice, kind withdrawn;
    # v5: unsupported_reason; v6: cancelled_reminders
    READ_VERSIONS = (1, 2, 3, 4, 5, 6)  # v1 data is v2 data without changes, v2 is v3 without reannounced, v3 is
    # v4 without withdrawn_notice, v4 is v5 without unsupported_reason, v5 is v6 without cancelled_reminders
    type: Literal["pledgewatch.alert"] = TYPE


class DeliveryAttempt(FrozenModel):
    alert_id: str = Field(description="The message delivered: an alert (its id on the alerts stream), or a digest "
                                      "('digest-…') or a week's deadlines ('week-…'), which are on no stream.",
                          examples=["new-a3be0b4c255cbd56f632bc89", "digest-dda64148bcbb1e0d9326c20d"])
    subscription_id: str
    channel: str = Field(examples=["webhook", "email", "console"])
    destination: str = Field(description="Where it went, secrets removed.")
    attempt: int = Field(ge=1, le=MAX_INTEGER, description=(
        "The attempt's number, from 1; a delivery sent again from its dead letter (`pledgewatch dlq replay`) counts "
        "from 1 again, its event's id ('<job>/r<n>/<attempt>', n the replays) telling the rounds apart."))
    outcome: Literal["delivered", "failed"]
    final: bool = Field(description="No further attempt will be made.")
    error: str | None = None
    at: AwareDatetime


@register
class AlertDeliveredEvent(CloudEvent[DeliveryAttempt]):
    TYPE = "pledgewatch.alert.delivered"
    type: Literal["pledgewatch.alert.delivered"] = TYPE


@register
class AlertFailedEvent(CloudEvent[DeliveryAttempt]):
    TYPE = "pledgewatch.alert.failed"
    type: Literal["pledgewatch.alert.failed"] = TYPE


class ReminderDue(FrozenModel):
    reminder_id: str
    subscription_id: str
    release: ReleaseRef
    commitment: Commitment
    reminder: ReminderInfo
    fired_at: AwareDatetime


@register
class ReminderDueEvent(CloudEvent[ReminderDue]):
    TYPE = "pledgewatch.reminder.due"
    type: Literal["pledgewatch.reminder.due"] = TYPE
