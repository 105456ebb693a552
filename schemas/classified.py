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
    """pledge: the publisher (or a co-signatory) commits itself; demand: it asks or obliges others to act."""

    PLEDGE = "pledge"  # the publisher (or a co-signatory) commits itself
    DEMAND = "demand"  # the publisher asks or obliges others to act


class Category(str, Enum):
    """The commitment's topic, one of these."""

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
    amount: float = Field(description="In the currency's units, not its minor ones: 2.5 for £2.50, 10000000 for "
                                      "£10m.", examples=[10_000_000])
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code.", examples=["GBP"])
    text: str = Field(description="The amount as the release words it.", examples=["£10m"])
    span: Span


class DateDeadline(FrozenModel):
    type: Literal["date"] = Field(default="date", description="A deadline on a calendar day.")
    due: date = Field(description="Last day on which the commitment is due.")
    text: str = Field(description="The deadline as the release words it.", examples=["by March 2018"])
    span: Span


class PeriodDeadline(FrozenModel):
    type: Literal["period"] = Field(default="period", description="A span of time the commitment runs over.")
    start: date = Field(description="Its first day (the release's date for 'over the next three years').")
    end: date | None = Field(description="Its last day; null only for a vague period.")
    vague: bool = Field(default=False, description="'over the coming weeks': no definite end.")
    text: str = Field(description="The period as the release words it.", examples=["over the next three years"])
    span: Span


class ResponseTimeDeadline(FrozenModel):
    type: Literal["response_time"] = Field(default="response_time", description=(
        "A standing rule: each time the anchor's event happens, act within max (no calendar date, so no reminder)."))
    min: IsoDuration = Field(description="The shortest time allowed, an ISO 8601 duration (min equals max when "
                                         "one time is given).")
    max: IsoDuration = Field(description="The longest time allowed, an ISO 8601 duration.")
    anchor: str = Field(description="The event each response is timed from; 'unstated' when the text names none.",
                        examples=["release", "notification"])
    text: str = Field(description="The rule as the release words it.", examples=["within one to two hours of release"])
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
    counter_terrorism: bool = Field(description="Whether the commitment is about countering terrorism.")
    confidence: float = Field(ge=0, le=1, description="How sure the classifier is that this is a commitment as "
                                                     "read, from 0 to 1 (a subscription's min_confidence is "
                                                     "compared with it).")
    money: Money | None = Field(default=None, description="The money it commits; null when it names none.")
    deadlines: list[Deadline] = Field(default_factory=list, description="Each deadline its sentence sets, in the "
                                      "order it gives them; empty when it sets none.")


class ReleaseClassified(FrozenModel):
    """The classifier's reading of one release version."""

    release_id: str
    version: int = Field(ge=1, le=MAX_INTEGER)
    classifier_version: str = Field(
        description="What read it: the shipped classifier as rules+model-<version>; with a decision model of one's "
                    "own (PLEDGEWATCH_CLASSIFIER_MODEL), the rules' version and the start of the model file's "
                    "SHA-256 (docs/decisions/0050).",
        examples=["rules+model-0.14.4", "rules-0.14.4+model-sha256:1a2b3c4d5e6f"])
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
                    "reading stopped at the time budget or the cap on commitments (those found are kept), or a commitment "
                    "named more deadlines than it keeps (its first ten are kept).",
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
