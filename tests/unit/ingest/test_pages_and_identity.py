"""Web pages to releases; what counts as a new version (pure)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from services.ingest.errors import ContentError
from services.ingest.identity import content_hash, revision_hash
from services.ingest.pages import canonical_url, release_from_page

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "govuk" / "pages"
NOW = datetime(2023, 6, 1, tzinfo=timezone.utc)


def test_page_main_text_without_chrome_scripts_or_styles():
    html = (PAGES / "article.html").read_text().replace("{{BASE}}", "https://example.org")
    draft = release_from_page(html, url="https://example.org/press/x?utm=1", source="ministry", now=NOW)
    r = draft.release
    assert r.url == "https://example.org/press/community-resilience-fund-doubled"
    assert r.title == "Community resilience fund doubled"
    assert r.body == ("Community resilience fund doubled\n\n"
                      "The ministry will double the community resilience fund to £8 million from April 2024.\n\n"
                      "Every local resilience forum must publish an updated community risk register within 12 months.")
    assert r.published_at == datetime(2023, 5, 20, 9, 0, tzinfo=timezone.utc) and draft.dated


@pytest.mark.parametrize(
    ("html", "expected"),
    [pytest.param('<link rel="canonical" href="/a#frag">', "https://e.org/a", id="relative"),
     pytest.param('<link rel="canonical" href="https://evil.org/a">', "https://e.org/page", id="other-host"),
     pytest.param('<link rel="canonical" href="javascript:x()">', "https://e.org/page", id="not-http"),
     pytest.param("<p>none</p>", "https://e.org/page", id="none")],
)
def test_canonical_url_only_from_the_same_host(html, expected):
    assert canonical_url(html, url="https://e.org/page#top") == expected


@pytest.mark.parametrize("root", ["/", "https://e.org/", "https://e.org", "/?lang=en"])
def test_a_canonical_link_to_the_home_page_of_a_page_that_is_not_it_is_not_taken(root):
    """A site whose template names its home page as every page's canonical link: taken, every page it linked
    from a feed was one release, each a new version of the last."""
    html = f'<link rel="canonical" href="{root}">'
    assert canonical_url(html, url="https://e.org/press/ports-plan") == "https://e.org/press/ports-plan"
    assert canonical_url(html, url="https://e.org/?utm_source=rss") == canonical_url(html, url="https://e.org/")


def test_page_without_a_date_uses_last_modified_then_now_and_is_marked_undated():
    html = "<main><p>We will act.</p></main>"
    r = release_from_page(html, url="https://e.org/p", source="s", now=NOW, last_modified="Tue, 02 May 2023 08:00:00 GMT")
    assert r.release.published_at == datetime(2023, 5, 2, 8, 0, tzinfo=timezone.utc) and not r.dated
    bare = release_from_page(html, url="https://e.org/p", source="s", now=NOW)
    assert bare.release.published_at == NOW and not bare.dated


def test_page_with_no_text_is_refused():
    with pytest.raises(ContentError, match="no text"):
        release_from_page("<script>x()</script>", url="https://e.org/p", source="s", now=NOW)


def test_withdrawal_and_its_notice_make_a_new_revision_but_whitespace_does_not():
    text = content_hash("T", "The UK will act.")
    assert text == content_hash("T", "The  UK will\nact. ")
    assert revision_hash(text) == text
    withdrawn = revision_hash(text, withdrawn=True, withdrawn_notice="Replaced.")
    assert withdrawn != text
    assert withdrawn != revision_hash(text, withdrawn=True, withdrawn_notice="Replaced by X.")
    assert withdrawn == revision_hash(text, withdrawn=True, withdrawn_notice=" Replaced. ")


def test_a_release_restored_or_its_notice_changed_is_a_new_version_and_ingest_md_says_so():
    # Before: docs/INGEST.md said a new version came "only when it changes, or when the release is withdrawn",
    # while a changed notice, and the release published again without its withdrawal, each make one too.
    text = content_hash("T", "The UK will act.")
    withdrawn = revision_hash(text, withdrawn=True, withdrawn_notice="Replaced.")
    assert revision_hash(text) != withdrawn  # restored: a new version, its text unchanged
    ingest = " ".join((Path(__file__).parents[3] / "docs" / "INGEST.md").read_text(encoding="utf-8").split())
    said = ingest[ingest.index("A new version is published only when"):][:400]
    assert "notice changes" in said and "without the withdrawal" in said
