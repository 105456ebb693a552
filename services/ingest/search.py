"""GOV.UK Search API (``/api/search.json``) queries and pages (pure).

Pages are read oldest first (``order=public_timestamp``): a release published
while a backfill runs lands at the end, so the offset of a stopped backfill
still points at the next unread result when it resumes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.common.errors import field_problems

from .errors import ContentError

FIELDS = "link,title,public_timestamp,content_store_document_type"
GOVUK_URL = "https://www.gov.uk"  # the default PLEDGEWATCH_GOVUK_URL and --govuk-url


def window_problem(from_date: date | None, to_date: date | None) -> str | None:
    """Why a publication window from ``from_date`` to ``to_date`` (both days included) selects nothing."""
    if from_date is not None and to_date is not None and from_date > to_date:
        return f"--from {from_date.isoformat()} is after --to {to_date.isoformat()}"
    return None


@dataclass(frozen=True)
class SearchQuery:
    document_types: tuple[str, ...] = ("press_release",)
    organisations: tuple[str, ...] = ()
    from_date: date | None = None
    to_date: date | None = None
    page_size: int = 100

    def __post_init__(self) -> None:
        problem = window_problem(self.from_date, self.to_date)
        if problem:
            raise ValueError(problem)

    def params(self, start: int) -> list[tuple[str, str]]:
        params = [("filter_content_store_document_type", t) for t in self.document_types]
        params += [("filter_organisations", o) for o in self.organisations]
        span = [f"from:{self.from_date.isoformat()}"] if self.from_date else []
        span += [f"to:{self.to_date.isoformat()}"] if self.to_date else []
        if span:
            params.append(("filter_public_timestamp", ",".join(span)))
        return params + [("order", "public_timestamp"), ("fields", FIELDS),
                         ("count", str(self.page_size)), ("start", str(start))]

    def url(self, govuk_url: str, start: int) -> str:
        return f"{govuk_url}/api/search.json?{urlencode(self.params(start))}"

    def key(self, site: str = GOVUK_URL) -> str:
        """Stable id of the result set of this query on ``site`` (the GOV.UK base URL; the page size aside):
        names the backfill cursor. GOV.UK's own site adds nothing to it, so its keys are those kept before the
        site was part of them, and a backfill saved then resumes after an upgrade."""
        parts = sorted(p for p in self.params(0) if p[0] not in ("count", "start"))
        if (where := _site(site)) != _site(GOVUK_URL):
            parts.append(("site", where))
        return hashlib.sha256(urlencode(parts).encode()).hexdigest()[:16]


def _site(url: str) -> str:
    """``url`` as a site: its scheme and host in lowercase, no trailing ``/``."""
    parts = urlsplit(url.strip())
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


class _Result(BaseModel):
    model_config = ConfigDict(extra="ignore")
    link: str


class _Page(BaseModel):
    model_config = ConfigDict(extra="ignore")
    results: list[_Result]
    total: int = Field(ge=0)
    start: int = 0


@dataclass(frozen=True)
class SearchPage:
    paths: list[str]  # base paths of GOV.UK pages, in result order
    total: int
    size: int  # results on this page, GOV.UK or not: how far the offset moves
    skipped: list[str] = field(default_factory=list)  # links off GOV.UK


def parse_search_page(data: object, *, url: str = "search page") -> SearchPage:
    """The result paths and total of one decoded ``search.json`` page."""
    try:
        page = _Page.model_validate(data)
    except ValidationError as exc:
        raise ContentError(f"{url}: not a Search API page ({'; '.join(field_problems(exc, whole='page'))})") from None
    paths = [r.link for r in page.results if r.link.startswith("/")]
    skipped = [r.link for r in page.results if not r.link.startswith("/")]
    return SearchPage(paths=paths, total=page.total, size=len(page.results), skipped=skipped)
