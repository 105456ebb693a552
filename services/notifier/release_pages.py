"""Where a release's page is on the dashboard: every version of it, and what each changed. Pure."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

ReleasePage = Callable[[str], str]  # release id -> the address of its page

RELEASE_PAGE_WORDS = "Every version of this release, and what changed"


def release_page_url(dashboard: str, release_id: str) -> str:
    """The page of ``release_id`` under the dashboard at ``dashboard`` (no trailing slash)."""
    return f"{dashboard}/dashboard/releases/{quote(release_id)}"


def release_pages(dashboard: str | None) -> ReleasePage | None:
    """Release id -> its page under ``dashboard``; None when there is no dashboard to link to."""
    if dashboard is None:
        return None
    return lambda release_id: release_page_url(dashboard, release_id)
