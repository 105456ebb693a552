"""``release.classified``: the commitments found in one release version."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated, Literal, Union

from pydantic import AwareDatetime, Field

from .envelope import CloudEvent, FrozenModel, register
from .json_bounds import MAX_INTEGER

Offset = Annotated[int, Field(ge=0, le=MAX_INTEGER)]
Span = Annotated[
    tuple[Offset, Offset],
    Field(description=("[start, end) offsets into the release body, in Unicode code points (not UTF-16 units, "
                       "as JavaScript and Java index a string, nor bytes).")),
]
IsoDuration = Annotated[
    str,
    Field(pattern=r"^P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$",
          examples=["PT1H", "P1D"]),
]


class Kind(str, Enum):
    PLEDGE = "pledge"  # the publisher (or a co-signatory) commits itself
    DEMAND = "demand"  # the publisher asks or obliges others to act


class Category(str, Enum):
    FUNDING = "funding"
    CAPABILITY_BUILDING = "capability_building"
    BORDER_SECURITY = "border_security"
    ONLINE_CONTENT = "online_content"
    TRAINING = "training"
    LEGISLATION = "legislation"
    SANCTIONS = "sanctions"
    PREVENTION = "prevention"
    INTERNATIONAL_COOPERATION = "international_cooperation"
    OTHER = "other"


class Evidence(FrozenModel):
    term: str = Field(examples=["counter-terrorism"])
    span: Span


class Money(FrozenModel):
    amount: float = Field(examples=[10_000_000])
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code.", examples=["GBP"])
    text: str = Field(examples=["£10m"])
    span: Span


class DateDeadline(FrozenModel):
    type: Literal["date"] = "date"
    due: date = Field(description="Last day on which the commitment is due.")
    text: str = Field(examples=["by March 2018"])
    span: Span


class PeriodDeadline(FrozenModel):
    type: Literal["period"] = "period"
    start: date
    end: date | None = Field(description="None only for a vague period.")
    vague: bool = Field(default=False, description="'over the coming weeks': no definite end.")
    text: str = Field(examples=["over the next three years"])
    span: Span


class ResponseTimeDeadline(FrozenModel):
    type: Literal["response_time"] = "response_time"
    min: IsoDuration
    max: IsoDuration
    anchor: str = Field(description="The event each response is timed from.", examples=["release"])
    text: str = Field(examples=["within one to two hours of release"])
    span: Span


Deadline = Annotated[
    Union[DateDeadline, PeriodDeadline, ResponseTimeDeadline], Field(discriminator="type")
]


class Commitment(FrozenModel):
    id: str = Field(description="Stable across versions while text and actor stay the same.")
    text: str = Field(description="The sentence or clause; may run across a paragraph break.")
    span: Span
    kind: Kind
    actor: str = Field(description="Who must act.", examples=["UK", "major communications companies"])
    category: Category
    counter_terrorism: bool
    confidence: float = Field(ge=0, le=1)
    money: Money | None = None
    deadlines: list[Deadline] = Field(default_factory=list)


class ReleaseClassified(FrozenModel):
    """The classifier's reading of one release version."""

    release_id: str
    version: int = Field(ge=1, le=MAX_INTEGER)
    classifier_version: str = Field(
        description="What read it: the shipped classifier as rules+model-<version>; with a decision model of one's "
                    "own (PLEDGEWATCH_CLASSIFIER_MODEL), the rules' version and the start of the model file's "
                    "SHA-256 (docs/decisions/0050).",
        examples=["rules+model-0.13.0", "rules-0.13.0+model-sha256:1a2b3c4d5e6f"])
    url: str = Field(description="release.published's url: not always a web address (urn:pledgewatch:<id> for a "
                                 "release given without one).")
    title: str
    published_at: AwareDatetime
    source: str
    locale: str = "en"
    withdrawn: bool = False
    withdrawn_notice: str | None = Field(
        default=None, description="The publisher's notice of the withdrawal (release.published's), when there is one.",
        examples=["This fund has been replaced by the Ports Security Programme."])
    unsupported_reason: str | None = Field(
        default=None,
        description="Why the release was not read, or not read to the end: its language is not supported, or "
                    "reading stopped at the time budget or the cap on commitments (those found are kept).",
    )
    is_counter_terrorism: bool
    counter_terrorism_score: float = Field(ge=0, le=1)
    evidence: list[Evidence] = Field(default_factory=list)
    commitments: list[Commitment] = Field(default_factory=list)


@register
class ReleaseClassifiedEvent(CloudEvent[ReleaseClassified]):
    TYPE = "pledgewatch.release.classified"
    SCHEMA_VERSION = 2  # v2: withdrawn_notice
    READ_VERSIONS = (1, 2)  # v1 data is v2 data without withdrawn_notice
    type: Literal["pledgewatch.release.classified"] = TYPE
