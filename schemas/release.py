"""``release.published``: a new or changed release, as ingest saw it."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from .envelope import CloudEvent, FrozenModel, register
from .json_bounds import MAX_INTEGER


class ReleasePublished(FrozenModel):
    """One version of one release: published again only when its text changes."""

    release_id: str = Field(
        description=("Stable id derived from the canonical URL, GOV.UK content_id or source path ('rel-' and 16 hex "
                     "digits), or the id a POST or .json file gave: 1 to 200 letters, digits, '.', '_' or '-', "
                     "starting with a letter or digit (ingest refuses others; events written before may hold any)."),
        examples=["rel-3f9a1c2b7d4e5f60"],
    )
    version: int = Field(ge=1, le=MAX_INTEGER, description="1 for the first content seen, +1 on each change.")
    url: str = Field(description=("Canonical URL: the release's web address (http or https), file:// of a watched "
                                  "file, or, for a release given without one, urn:pledgewatch:<id> (POST /releases "
                                  "or a .json file naming it by id) or urn:pledgewatch:stdin-<hex> (a text pledgewatch "
                                  "classify - read): not every release has a page to link to."),
                     examples=["https://www.gov.uk/government/news/border-security-fund", "urn:pledgewatch:post-1"])
    title: str
    published_at: AwareDatetime = Field(description=("Publication time; deadlines resolve against it. A release "
                                                     "dated by a day alone is at 00:00:00 UTC of that day: "
                                                     "pledgewatch's messages read exactly that as a date alone."))
    source: str = Field(description=("Where the release comes from: the name of the configured source, or the source "
                                     "a release file or POST gives, as written (one line of 1 to 200 characters)."),
                        examples=["folder", "govuk-home-office", "canada.ca (via newswire.ca)"])
    body: str = Field(description="Plain text, paragraphs separated by blank lines.")
    content_hash: str = Field(description="sha256 of the normalised title and body.", pattern=r"^sha256:[0-9a-f]{64}$")
    locale: str = Field(default="en", description="BCP 47 language of the text.")
    document_type: str | None = Field(default=None, examples=["press_release"])
    organisations: list[str] = Field(default_factory=list)
    withdrawn: bool = Field(default=False, description="The publisher withdrew the release.")
    withdrawn_notice: str | None = None


@register
class ReleasePublishedEvent(CloudEvent[ReleasePublished]):
    TYPE = "pledgewatch.release.published"
    type: Literal["pledgewatch.release.published"] = TYPE
