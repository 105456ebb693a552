"""Ingest's section of the settings (``PLEDGEWATCH_*``): the sources it polls and how it fetches.

A plain model: :class:`services.common.settings.Settings` reads it from the environment with the rest.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_settings import NoDecode

from services.common.blank import none_if_blank
from services.common.url_hosts import sendable_url_problem

from .rhythm import QuietRules
from .search import GOVUK_URL

# A poll's next time must be a date the scheduler can hold; a source polled less than yearly is no source.
LONGEST_POLL_INTERVAL = 31_536_000
LONGEST_BACKOFF = 604_800  # a week: a source failing longer is polled at its own interval when that is longer
LONGEST_FETCH_TIMEOUT = 600

DEFAULT_USER_AGENT = "pledgewatch/0.1 (press-release monitor; +https://github.com/pledgewatch/pledgewatch)"


def http_url(value: str) -> str:
    """``value`` stripped, if it is an http(s) URL with a host and a port a request can go to; else ValueError."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{value!r}: only http:// and https:// URLs are allowed")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise ValueError(f"{value!r}: the port is not a number from 1 to 65535") from None
    if not parts.hostname:
        raise ValueError(f"{value!r}: no host")
    if problem := sendable_url_problem(value.strip()):  # port 0, or a host the HTTP client refuses at each poll
        raise ValueError(f"{value!r}: {problem}")
    return value.strip()


class IngestSettings(BaseModel):
    """Settings of the real sources; every field is ``PLEDGEWATCH_<NAME>``."""

    model_config = ConfigDict(allow_inf_nan=False)

    sources: Path | None = Field(default=None, description="YAML file of sources (feeds, pages).")
    feeds: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Extra feed URLs, comma- or space-separated (named feed-<host>-<hash>).")
    feed_interval: float = Field(default=300.0, gt=0, le=LONGEST_POLL_INTERVAL,
                                 description="Default seconds between polls of a source (at most a year).")
    max_backoff: float = Field(default=3600.0, gt=0, le=LONGEST_BACKOFF,
                               description="Longest wait after repeated failures (a week at most).")
    govuk_url: str = Field(default=GOVUK_URL, description="GOV.UK site and API base URL.")
    user_agent: str = Field(default=DEFAULT_USER_AGENT, description="User-Agent of every request.")
    fetch_timeout: float = Field(default=20.0, gt=0, le=LONGEST_FETCH_TIMEOUT,
                                 description="Seconds before a request gives up (600 at most).")
    max_fetch_bytes: int = Field(default=5_000_000, gt=0, description="Larger responses are rejected.")
    max_redirects: int = Field(default=5, ge=0, description="Redirects followed per request.")
    entry_attempts: int = Field(
        default=8, ge=1, le=100, description="Tries at reading a feed entry's link (through GOV.UK's Content API "
        "or its page) before the entry's own text in the feed is published instead, or, with none, the entry is "
        "dead-lettered. A link answering 404 or 410 is tried twice at most: a page a feed announces is often "
        "served a little later.")
    fetch_concurrency: int = Field(default=8, ge=1, description="Parallel item fetches (feeds, backfill).")
    allow_private_links: bool = Field(
        default=False, description="Fetch links from feed content (and their redirects) even when they resolve "
        "to private, loopback, link-local or reserved addresses.")
    quiet_after: float = Field(default=3.0, gt=1, le=1000, description="A polled source is quiet once it has "
                               "published nothing for this many times its usual gap between releases.")
    quiet_window: int = Field(default=20, ge=1, le=100, description="Its usual gap is the median of this many "
                              "latest gaps between its releases.")
    quiet_min_gaps: int = Field(default=5, ge=1, le=100, description="A source with fewer gaps between releases "
                                "than this is not judged.")
    quiet_check_interval: float = Field(default=60.0, gt=0, le=86_400, description="Seconds between two checks of "
                                        "every polled source's silence (a day at most).")

    @field_validator("sources", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return none_if_blank(value)  # `PLEDGEWATCH_SOURCES=`: not `.`

    @field_validator("feeds", mode="before")
    @classmethod
    def _split_feeds(cls, value: object) -> object:
        if isinstance(value, str):
            return [part for part in re.split(r"[,\s]+", value) if part]
        return value

    @field_validator("feeds")
    @classmethod
    def _check_feeds(cls, value: list[str]) -> list[str]:
        return [http_url(url) for url in value]

    @model_validator(mode="after")
    def _check_quiet(self) -> "IngestSettings":
        if self.quiet_min_gaps > self.quiet_window:
            raise ValueError(f"PLEDGEWATCH_QUIET_MIN_GAPS={self.quiet_min_gaps} is more than "
                             f"PLEDGEWATCH_QUIET_WINDOW={self.quiet_window}: no source could ever be judged")
        return self

    @property
    def quiet_rules(self) -> QuietRules:
        return QuietRules(after=self.quiet_after, window=self.quiet_window, min_gaps=self.quiet_min_gaps)

    @field_validator("user_agent")
    @classmethod
    def _check_user_agent(cls, value: str) -> str:
        if not value.strip():  # many sites refuse a request with no User-Agent
            raise ValueError("a user agent cannot be blank: name pledgewatch and how to reach whoever runs it")
        if not value.isprintable():  # a header holding a line break is refused by the HTTP client at each request
            raise ValueError("a user agent is one line of printable characters")
        return value.strip()

    @field_validator("govuk_url")
    @classmethod
    def _check_govuk(cls, value: str) -> str:
        return http_url(value).rstrip("/")
