"""The HTML part of alert and digest emails, from the Jinja2 templates (:mod:`.templates`). Pure."""

from __future__ import annotations

from schemas.alerts import Alert
from schemas.due_week import DueThisWeek
from schemas.probe import TestNotification

from .digest import Digest
from .digest_cut import REASON, cut_digest, where
from .digest_once import told_once
from .due_week_rendering import due_week_view
from .probe import test_subject, test_text
from .digest_summary import digest_summary, entry_words, summary_words
from .release_pages import RELEASE_PAGE_WORDS, ReleasePage
from .rendering import alert_view, digest_day, digest_headline, headline
from .templates import render


def render_alert_html(alert: Alert, *, unsubscribe_url: str | None, release_page: ReleasePage | None = None) -> str:
    """The alert as an HTML document: headline, linked title, a table of its commitments, and a link to the
    release's page on the dashboard when there is one (``release_page``: release id -> its address)."""
    view = alert_view(alert)
    return render("alert.html.j2", alert=view, title=f"{view.headline}: {view.title}",
                  subscription_id=alert.subscription_id, unsubscribe_url=unsubscribe_url,
                  release_page_url=release_page(alert.release.release_id) if release_page else None,
                  release_page_words=RELEASE_PAGE_WORDS)


def render_digest_html(digest: Digest, *, unsubscribe_url: str | None, release_page: ReleasePage | None = None,
                       shown: int | None = None) -> str:
    """The digest as an HTML document: a summary whose titles link to their sections (counter-terrorism
    first), then one section per alert, oldest first, each linking its release's page when there is one; each
    commitment once (:func:`.digest_once.told_once`).
    ``shown``: only the first commitments listed, then how many more and each release's page
    (:mod:`.digest_cut`); a summary entry whose section is left out links that page instead."""
    digest = told_once(digest)
    summary = digest_summary(digest)
    cut = cut_digest(digest, shown, release_page)
    sections = [(f"release-{number}", alert_view(a, sent_on=digest_day(digest)),
                 release_page(a.release.release_id) if release_page else None)
                for number, a in zip(cut.numbers, cut.alerts)]
    entries = [(f"#release-{e.number}" if e.number in cut.listed else where(digest.alerts[e.number - 1], release_page),
                e.title, headline(digest.alerts[e.number - 1]), entry_words(e))
               for e in summary.entries]
    return render("digest.html.j2", sections=sections, summary=summary_words(summary), entries=entries,
                  subscription_id=digest.subscription_id, unsubscribe_url=unsubscribe_url,
                  title=digest_headline(digest), release_page_words=RELEASE_PAGE_WORDS,
                  not_listed=cut.not_listed, not_listed_words=f"{cut.words()}, {REASON}" if cut.not_listed else None)


def render_test_html(message: TestNotification, *, unsubscribe_url: str | None) -> str:
    """A test notification as an HTML document: what it is, and that nothing needs doing."""
    return render("test.html.j2", title=test_subject(message), lines=test_text(message).splitlines(),
                  subscription_id=message.subscription_id, unsubscribe_url=unsubscribe_url)


def render_due_week_html(message: DueThisWeek, *, unsubscribe_url: str | None) -> str:
    """The week's deadlines as an HTML document: one table per day, soonest first."""
    view = due_week_view(message)
    return render("due_week.html.j2", week=view, title=view.headline, subscription_id=message.subscription_id,
                  unsubscribe_url=unsubscribe_url)
