"""GOV.UK Content API items to releases (pure).

``/api/content/<base_path>`` gives the title, description, dates, document
type, organisations and the body as HTML (``details.body``). Translations of
one document share its ``content_id``, so a non-English item's id includes
its locale.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, urlsplit

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from schemas import ReleasePublished
from services.common.errors import field_problems

from .drafts import Draft
from .errors import ContentError
from .html_text import html_to_text
from .identity import content_hash, release_id_for
from .release_urls import url_without_credentials


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Organisation(_Loose):
    title: str


class _Links(_Loose):
    organisations: list[_Organisation] = Field(default_factory=list)


class _Details(_Loose):
    body: str | None = None


class _WithdrawnNotice(_Loose):
    explanation: str = ""
    withdrawn_at: AwareDatetime | None = None


class ContentItem(_Loose):
    """The fields of a Content API item that a release needs."""

    content_id: str | None = None
    base_path: str = Field(pattern=r"^/")
    title: str = Field(min_length=1)
    description: str | None = None
    document_type: str | None = None
    locale: str = "en"
    first_published_at: AwareDatetime | None = None
    public_updated_at: AwareDatetime | None = None
    details: _Details = Field(default_factory=_Details)
    links: _Links = Field(default_factory=_Links)
    withdrawn_notice: _WithdrawnNotice | None = None


def _site(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of ``url``, the port filled in from the scheme."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:  # a port that is not a number: no site's
        port = -1
    return scheme, (parts.hostname or "").lower(), port


def is_govuk_link(link: str, *, govuk_url: str) -> bool:
    """Whether ``link`` is a page on the GOV.UK site at ``govuk_url``: same scheme, host and port (another
    port of the same host is another site), or plain http to the default port of an https site (which
    redirects it)."""
    site, govuk = _site(link), _site(govuk_url)
    if not site[1]:
        return False
    return site == govuk or (govuk[0] == "https" and site == ("http", govuk[1], 80) and govuk[2] == 443)


def content_api_url(link_or_path: str, *, govuk_url: str) -> str:
    """The Content API URL of a GOV.UK page given by absolute link or base path."""
    path = urlsplit(link_or_path).path or "/"
    return f"{govuk_url}/api/content{quote(path, safe='/.-_~%')}"


def redirect_destination(data: object) -> str | None:
    """Where a redirect item (``schema_name`` ``redirect``: a page moved, its old path kept) sends its own
    path, as written (a path or an absolute URL); ``None`` for any other item, or one naming no destination."""
    if not isinstance(data, dict) or "redirect" not in (data.get("schema_name"), data.get("document_type")):
        return None
    redirects = [r for r in data.get("redirects") or () if isinstance(r, dict) and r.get("destination")]
    own = [r for r in redirects if r.get("path") == data.get("base_path")]
    return str((own or redirects)[0]["destination"]) if redirects else None


def release_id_for_item(content_id: str | None, base_path: str, locale: str, *, govuk_url: str) -> str:
    """``content_id`` (with the locale when not English), else the page URL."""
    if not content_id:
        return release_id_for(govuk_url + base_path)
    return release_id_for(content_id if locale == "en" else f"{content_id}/{locale}")


def release_from_item(data: object, *, source: str, govuk_url: str, url: str = "") -> Draft:
    """A release from a decoded Content API item; :class:`ContentError` if it is not one.

    The body is ``details.body`` as plain text, else (an item with no body text)
    the description, never both: the description summarises the body. A
    withdrawn item is marked withdrawn with the notice as text. Dated by
    ``first_published_at``; else (not ``dated``) ``public_updated_at``. Its url holds no key ``govuk_url`` carries
    (its id, from the page's address as fetched, does: docs/decisions/0053).
    """
    where = url or "content item"
    try:
        item = ContentItem.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(field_problems(exc, whole="item"))
        raise ContentError(f"{where}: not a Content API item ({problems})") from None
    published: datetime | None = item.first_published_at or item.public_updated_at
    if published is None:
        raise ContentError(f"{where}: no first_published_at or public_updated_at")
    # The description is GOV.UK's summary of the body: read both and a sum it repeats is counted twice.
    body = html_to_text(item.details.body or "") or html_to_text(item.description or "")
    if not body:
        raise ContentError(f"{where}: item has no description or body text")
    notice = item.withdrawn_notice
    page = url_without_credentials(govuk_url + item.base_path, source_url=govuk_url)
    release = ReleasePublished(
        release_id=release_id_for_item(item.content_id, item.base_path, item.locale, govuk_url=govuk_url),
        version=1, url=page, title=item.title.strip(), published_at=published,
        source=source, body=body, content_hash=content_hash(item.title, body), locale=item.locale,
        document_type=item.document_type, organisations=[org.title for org in item.links.organisations],
        withdrawn=notice is not None,
        withdrawn_notice=(html_to_text(notice.explanation) or "Withdrawn") if notice is not None else None,
    )
    return Draft(release, dated=item.first_published_at is not None)
