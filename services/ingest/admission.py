"""What every release passes before it is published, whatever its source (pure).

Folder files, feeds, pages, GOV.UK items and ``POST /releases`` all publish through
:func:`~services.ingest.state.publish_if_changed`, which calls :func:`admit`:

- control characters are stripped from the title, body, withdrawn notice and
  organisations: NUL and every other C0 control but tab and newline (a carriage
  return becomes a newline), and lone surrogates (from a character reference such
  as ``&#xD800;``, which no UTF-8 consumer could read);
- ``published_at`` must lie between 1900-01-01 and one day after ``now`` (a
  release dated 2099 would put every deadline it states in the wrong century);
- the url is cleaned of whitespace and control characters and must have a scheme, and the
  release id must match :data:`~services.ingest.links.RELEASE_ID`
  (:mod:`services.ingest.links`): a calendar, a page address or a log line takes them as they are.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from schemas import ReleasePublished

from .errors import ContentError
from .identity import content_hash
from .links import clean_url, release_id_problem, url_problem

EARLIEST = datetime(1900, 1, 1, tzinfo=timezone.utc)
LATEST_AHEAD = timedelta(days=1)  # clocks and time zones differ; a release from tomorrow is not news yet

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff]")
_RETURNS = re.compile("\r\n?")


class ReleaseRefused(ContentError):
    """A release that cannot be published as it stands; the message says why, ``field`` names the field at
    fault and ``problem`` what is wrong with it (the message, unless told)."""

    def __init__(self, message: str, *, field: str = "release", problem: str | None = None) -> None:
        super().__init__(message)
        self.field, self.problem = field, message if problem is None else problem


def strip_controls(text: str) -> str:
    """``text`` without C0 controls (but tab and newline) and lone surrogates; ``\\r\\n`` and ``\\r`` become ``\\n``."""
    return _CONTROLS.sub("", _RETURNS.sub("\n", text))


def wall_clock() -> datetime:
    """Now, as :func:`~services.ingest.state.publish_if_changed` admits a release by it."""
    return datetime.now(timezone.utc)


def too_far_ahead(published_at: datetime, *, now: datetime) -> bool:
    """Whether ``published_at`` is more than :data:`LATEST_AHEAD` after ``now`` (both aware)."""
    return published_at > now + LATEST_AHEAD


def check_published_at(published_at: datetime, *, now: datetime) -> str | None:
    """Why ``published_at`` (aware) cannot be a release's publication time, or ``None``."""
    if published_at < EARLIEST:
        return f"published_at {published_at.isoformat()} is before {EARLIEST.date().isoformat()}"
    if too_far_ahead(published_at, now=now):
        return f"published_at {published_at.isoformat()} is more than a day after now ({now.isoformat()})"
    return None


def admit(release: ReleasePublished, *, now: datetime) -> ReleasePublished:
    """``release`` with its text cleaned (content hash recomputed if that changed it).

    Raises :class:`ReleaseRefused` naming the release's URL when its ``published_at``
    is out of bounds (``now`` aware), its url is empty or has no scheme, or its id is not one.
    """
    url = clean_url(release.url)
    for field, problem in (("url", url_problem(url)), ("id", release_id_problem(release.release_id)),
                           ("published_at", check_published_at(release.published_at, now=now))):
        if problem is not None:
            raise ReleaseRefused(f"{url or release.release_id!r}: {problem}", field=field, problem=problem)
    title, body = strip_controls(release.title).strip(), strip_controls(release.body)
    notice = strip_controls(release.withdrawn_notice) if release.withdrawn_notice is not None else None
    organisations = [strip_controls(name) for name in release.organisations]
    if (url, title, body, notice, organisations) == (release.url, release.title, release.body,
                                                     release.withdrawn_notice, release.organisations):
        return release
    return release.model_copy(update={"url": url, "title": title, "body": body, "withdrawn_notice": notice,
                                      "organisations": organisations, "content_hash": content_hash(title, body)})
