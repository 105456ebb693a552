"""The sources file (YAML) and the sources it names, with ``PLEDGEWATCH_FEEDS``.

A source is one place releases appear: a feed (RSS 2.0 or Atom, polled) or a
web page with no feed (polled, main text extracted). Each has a ``name`` that
travels with every event as ``source``. Sources come from the YAML file named
by ``PLEDGEWATCH_SOURCES`` plus the feed URLs in ``PLEDGEWATCH_FEEDS``.
"""

from __future__ import annotations

import hashlib
import re
from typing import Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from services.common.encodings import NotText, decode_bytes
from services.common.errors import field_problems
from services.common.yaml_lines import UniqueKeyLoader, yaml_error_line

from .settings import LONGEST_POLL_INTERVAL, IngestSettings, http_url
from .source_names import source_name_problem


class SourcesError(ValueError):
    """A sources file that cannot be used; the message says where and why."""


class SourceConfig(BaseModel):
    """One configured source."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(description="Travels with each event as `source`.")
    type: Literal["feed", "page"] = "feed"
    url: str
    interval: float | None = Field(default=None, gt=0, le=LONGEST_POLL_INTERVAL,
                                   description="Seconds between polls (at most a year).")
    follow: Literal["auto", "govuk", "page", "none"] = Field(
        default="auto",
        description="Feeds: how to get an entry's full text. auto: GOV.UK Content API for GOV.UK links, "
        "the entry's own text when the feed carries the full release (content, or a description that is no "
        "teaser), else the linked page; a link that still fails at the last try falls back to the feed's text.",
    )

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        if problem := source_name_problem(value):  # the rule in words, as everywhere a source is named
            raise ValueError(problem)
        return value

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        return http_url(value)

    @field_validator("interval", mode="before")
    @classmethod
    def _a_number(cls, value: object) -> object:
        # YAML's `true` would be read as 1 second; `1e3` is text to YAML 1.1 and a number to whoever wrote it
        if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
            return value
        if isinstance(value, str) and _reads_as_number(value):
            return value
        raise ValueError(f"{value!r} is not a number of seconds: give one such as 300")

    @field_validator("follow")
    @classmethod
    def _feeds_only(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("type") == "page":
            raise ValueError("only a feed's entries are followed (a page is read itself): take follow out of this "
                             "page source")
        return value


def _reads_as_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def feed_name(url: str) -> str:
    """A stable source name for a feed given only by URL."""
    host = re.sub(r"[^a-z0-9.-]", "-", urlsplit(url).hostname or "feed")
    return f"feed-{host}-{hashlib.sha256(url.encode()).hexdigest()[:6]}"


def parse_sources(text: str, *, origin: str = "sources") -> list[SourceConfig]:
    """Sources from YAML text: a list, or a mapping with a ``sources:`` list."""
    try:
        loaded = yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        line = yaml_error_line(exc)
        where = origin if line is None else f"{origin}:{line + 1}"
        raise SourcesError(f"{where}: not YAML: {str(exc).splitlines()[0]}") from None
    if isinstance(loaded, dict):
        unknown = sorted(str(key) for key in loaded if key != "sources")
        if unknown:
            raise SourcesError(f"{origin}: unknown key {', '.join(map(repr, unknown))} (a sources file is a list "
                               "of sources, or 'sources:' with a list)")
        loaded = loaded.get("sources")
    if loaded is None:
        return []
    if not isinstance(loaded, list):
        raise SourcesError(f"{origin}: expected a list of sources (or 'sources:' with a list)")
    sources: list[SourceConfig] = []
    first_named: dict[str, int] = {}
    for index, item in enumerate(loaded):
        try:
            source = SourceConfig.model_validate(item)
        except ValidationError as exc:
            where = "; ".join(field_problems(exc, whole="source"))
            raise SourcesError(f"{origin}: {_source_named(index, item)}: {where}") from None
        if (first := first_named.setdefault(source.name, index + 1)) != index + 1:
            raise SourcesError(f"{origin}: source {index + 1}: name {source.name!r} is used twice (first by source "
                               f"{first})")
        sources.append(source)
    return sources


def _source_named(index: int, item: object) -> str:
    """``source 2 (home-office)``: the place of a source in the file, and its name when it has a good one."""
    name = item.get("name") if isinstance(item, dict) else None
    named = isinstance(name, str) and not source_name_problem(name)
    return f"source {index + 1}" + (f" ({name})" if named else "")


def load_sources(settings: IngestSettings) -> list[SourceConfig]:
    """Every configured source; names must be unique."""
    sources: list[SourceConfig] = []
    if settings.sources is not None:
        try:
            text = decode_bytes(settings.sources.read_bytes())  # YAML admits UTF-16 and UTF-32 with their mark
        except NotText as exc:
            raise SourcesError(f"{settings.sources}: not a text file: {exc}") from None
        except FileNotFoundError:
            raise SourcesError(f"{settings.sources}: no such file") from None
        except IsADirectoryError:
            raise SourcesError(f"{settings.sources}: a folder, not a file") from None
        except OSError as exc:
            raise SourcesError(f"{settings.sources}: cannot read: {exc}") from None
        sources.extend(parse_sources(text, origin=str(settings.sources)))
    # a feed given twice is one feed, as a folder given twice is watched once
    sources.extend(SourceConfig(name=feed_name(url), url=url) for url in dict.fromkeys(settings.feeds))
    seen: set[str] = set()
    for source in sources:
        if source.name in seen:
            raise SourcesError(f"source name {source.name!r} is used twice: by the sources file and "
                               "PLEDGEWATCH_FEEDS")
        seen.add(source.name)
    return sources
