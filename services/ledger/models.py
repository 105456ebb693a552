"""What the ledger's query API answers, as models (they make its OpenAPI document)."""

from __future__ import annotations

from datetime import date

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from schemas.classified import Deadline
from services.notifier.subscriptions import Filter

from .core.entries import LedgerEntry


class CommitmentPage(BaseModel):
    commitments: list[LedgerEntry]
    next_cursor: str | None = Field(description="Ask again with cursor=this for the next page; null: no more.")


class CommitmentDetail(BaseModel):
    commitment: LedgerEntry
    announcements: list[LedgerEntry] = Field(
        description="Every announcement of this commitment, the first first (itself among them); empty when "
                    "it was announced once.")


class ReleaseSummary(BaseModel):
    release_id: str
    version: int = Field(description="The last version the ledger read.")
    title: str | None = None  # None: a release the ledger found no commitment in
    url: str | None = None
    source: str | None = None
    published_at: AwareDatetime | None = None
    commitments: int

    @classmethod
    def of(cls, release_id: str, version: int, entries: list[LedgerEntry]) -> ReleaseSummary:
        first = entries[0] if entries else None
        return cls(release_id=release_id, version=version, commitments=len(entries),
                   title=first.title if first else None, url=first.url if first else None,
                   source=first.source if first else None, published_at=first.published_at if first else None)


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


class BacktestRequest(BaseModel):
    """A filter to try on the ledger before a subscription with it is saved."""

    model_config = ConfigDict(extra="forbid")

    filter: Filter = Field(default_factory=Filter, description="As a subscription's filter.")
    since: AwareDatetime = Field(description="Releases published at or after this time.")


class BacktestAlert(BaseModel):
    release: ReleaseSummary
    commitments: list[str] = Field(description="The ledger keys of the commitments the alert would have held.")


class BacktestAnswer(BaseModel):
    since: AwareDatetime
    alerts: int = Field(description="How many alerts the filter would have sent: one per release.")
    commitments: int
    shown: list[BacktestAlert] = Field(description="The alerts, the latest first (at most 100).")
