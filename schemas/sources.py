"""``source.quiet`` and ``source.resumed``: a polled source that published nothing for several times its usual
gap between releases, and the same source publishing again. One of each per quiet spell."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from .envelope import CloudEvent, FrozenModel, register


class SourceWentQuiet(FrozenModel):
    """A source has published nothing for ``quiet_after`` times its usual gap."""

    source: str = Field(description="The configured source's name.", examples=["govuk-home-office"])
    kind: Literal["feed", "page"] = Field(description="What the source is.")
    last_release: AwareDatetime = Field(description="When it last published (a feed entry's stated publication "
                                        "time; a page's last change as ingest saw it).")
    usual_gap_seconds: float = Field(gt=0, description="The median of its latest gaps between releases.",
                                     examples=[86400.0])
    quiet_after: float = Field(gt=0, description="How many usual gaps of silence make it quiet.", examples=[3.0])
    quiet_since: AwareDatetime = Field(description="When its silence reached quiet_after usual gaps: "
                                       "last_release + quiet_after × usual gap.")


class SourceResumed(FrozenModel):
    """A quiet source published again: its quiet spell is over."""

    source: str = Field(examples=["govuk-home-office"])
    kind: Literal["feed", "page"]
    last_release: AwareDatetime = Field(description="The release that ended the spell.")
    previous_release: AwareDatetime = Field(description="The last release before the spell.")
    quiet_since: AwareDatetime = Field(description="When the spell began.")


@register
class SourceWentQuietEvent(CloudEvent[SourceWentQuiet]):
    TYPE = "pledgewatch.source.quiet"
    type: Literal["pledgewatch.source.quiet"] = TYPE


@register
class SourceResumedEvent(CloudEvent[SourceResumed]):
    TYPE = "pledgewatch.source.resumed"
    type: Literal["pledgewatch.source.resumed"] = TYPE
