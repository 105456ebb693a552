"""What the ledger's query API answers, as models (they make its OpenAPI document)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from schemas.classified import Deadline
from services.notifier.bounds import time_given_problem
from services.notifier.subscriptions import Filter

from .core.entries import EntryState, LedgerEntry
from .core.release_records import ReleaseRecord, withdrawn_by_entries


class CommitmentPage(BaseModel):
    commitments: list[LedgerEntry]
    next_cursor: str | None = Field(description="Ask again with cursor=this for the next page; null: no more.")


class CommitmentDetail(BaseModel):
    commitment: LedgerEntry
    announcements: list[LedgerEntry] = Field(
        description="Every announcement of this commitment, the first first (itself among them); empty when "
                    "it was announced once.")


class ReleaseSummary(BaseModel):
    # answered whole: every field, those with a default too, is documented as required in answers
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    release_id: str
    version: int = Field(description="The last version the ledger read.")
    title: str | None = Field(default=None, description="The last version's (as its url, source and "
                              "published_at); null only for a release with no commitment read by an older ledger.")
    url: str | None = None
    source: str | None = None
    published_at: AwareDatetime | None = None
    commitments: int = Field(description="Every commitment any version of it held, those since removed or withdrawn "
                             "included (`removed`, `withdrawn_commitments`): the rest are still made.")
    removed: int = Field(default=0, description="Of `commitments`, those a later version took out.")
    withdrawn_commitments: int = Field(default=0, description="Of `commitments`, those withdrawn with the release.")
    unsupported_reason: str | None = Field(default=None, description="Set when the last version was read only "
                                           "in part (a language not supported; stopped at the commitment cap or "
                                           "the time budget): why. It may hold commitments not listed.")
    withdrawn: bool = Field(default=False, description="The last version read withdrew the release (the publisher "
                            "withdrew it; its commitments are then `withdrawn`). A later version that does not "
                            "withdraw it makes it false again.")
    withdrawn_notice: str | None = Field(default=None, description="The publisher's notice of the withdrawal, when "
                                         "it gave one; null for a release not withdrawn.",
                                         examples=["This fund has been replaced by the Ports Security Programme."])

    @classmethod
    def of(cls, release_id: str, version: int, entries: list[LedgerEntry]) -> ReleaseSummary:
        """The summary of a release as its entries tell it."""
        record = ReleaseRecord(version=version, keys=[e.key for e in entries], withdrawn=withdrawn_by_entries(entries))
        return cls.of_record(release_id, record, entries[0] if entries else None, [e.state.value for e in entries])

    @classmethod
    def of_record(cls, release_id: str, record: ReleaseRecord, first: LedgerEntry | None,
                  states: Iterable[str] = ()) -> ReleaseSummary:
        """The summary of a release as its record tells it; ``first``, its first entry, tells what a record
        written before the ledger kept title, url, source and time lacks; ``states``, those of its entries, how
        many were removed or withdrawn."""
        held = Counter(states)
        told = {"release_id": release_id, "version": record.version, "commitments": len(record.keys),
                "removed": held[EntryState.REMOVED.value], "withdrawn_commitments": held[EntryState.WITHDRAWN.value],
                "unsupported_reason": record.unsupported_reason, "withdrawn": record.withdrawn,
                "withdrawn_notice": record.withdrawn_notice}
        if record.title is not None or first is None:
            return cls(**told, title=record.title, url=record.url, source=record.source,
                       published_at=record.published_at)
        return cls(**told, title=first.title, url=first.url, source=first.source, published_at=first.published_at)


class ReleasePage(BaseModel):
    releases: list[ReleaseSummary]
    next_cursor: str | None


class ReleaseDetail(ReleaseSummary):
    entries: list[LedgerEntry] = Field(
        description="Its commitments, each with its span in the release's text (and its money's and deadlines').")


class DueDeadline(BaseModel):
    due: date
    deadline: Deadline | None = Field(description="The deadline as the release states it, with its span.")
    commitment: LedgerEntry


class DeadlinePage(BaseModel):
    deadlines: list[DueDeadline]
    next_cursor: str | None


def _time_as_text(value: object) -> object:
    """``value``, unless it is a number or the text of one, which pydantic would read as unix seconds."""
    if problem := time_given_problem(value):
        raise ValueError(problem)
    return value


class BacktestRequest(BaseModel):
    """A filter to try on the ledger before a subscription with it is saved."""

    model_config = ConfigDict(extra="forbid")

    filter: Filter = Field(default_factory=Filter, description="As a subscription's filter.")
    since: Annotated[AwareDatetime, BeforeValidator(_time_as_text)] = Field(
        description="Releases published at or after this time, with its zone.")


class BacktestAlert(BaseModel):
    release: ReleaseSummary
    commitments: list[str] = Field(description="The ledger keys of the commitments the alert would have held.")


class BacktestAnswer(BaseModel):
    since: AwareDatetime
    alerts: int = Field(description="How many alerts the filter would have sent: one per release.")
    commitments: int
    shown: list[BacktestAlert] = Field(description="The alerts, the latest first (at most 100).")
