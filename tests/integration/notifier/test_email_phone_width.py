"""The HTML part of an alert email on a phone, in a real headless browser (Debian's chromium, driven by
Playwright): nothing wider than the screen, so no sideways scrolling, and each cell of a commitment still
says which column it is once the table is stacked.

Without chromium these tests skip, saying how to install it, unless PLEDGEWATCH_REQUIRE_BROWSER=1 (CI), where
a missing browser fails them."""

from datetime import datetime, timezone

import pytest

from samples import CONTENT, FUNDING, TRAINING, release
from services.notifier.digest import assemble_digest
from services.notifier.mail_html import render_alert_html, render_digest_html
from services.notifier.planning import plan_alerts
from services.notifier.release_pages import release_pages
from services.notifier.subscriptions import Subscription

NOW = datetime(2017, 12, 1, 12, 0, tzinfo=timezone.utc)
PHONE = 375  # CSS pixels: an iPhone SE, the narrowest phone mail clients commonly meet


def _alert_html(title: str = "UK ramps up counterterror effort in Iraq as Daesh caliphate crumbles") -> str:
    classified = release(FUNDING, CONTENT, TRAINING).model_copy(update={
        "title": title, "url": "file:///srv/releases/inbox/2017-11-29-uk-counterterror-effort-in-iraq.txt"})
    sub = Subscription(id="desk", channels=[{"email": "desk@example.org"}])
    alert = plan_alerts(sub, classified, sent={}, elapsed_sent=set(), now=NOW).alerts[0]
    return render_alert_html(alert, unsubscribe_url="https://alerts.example.org/unsubscribe/tok")


def _digest_html() -> str:
    """A digest of two releases, one titled by a long unbroken file name (a file's first line)."""
    sub = Subscription(id="desk", channels=[{"email": "desk@example.org"}], mode="digest")
    long_title = "2017_11_29_uk_counterterror_effort_in_iraq_as_daesh_caliphate_crumbles.txt"
    releases = [release(TRAINING, release_id="r1").model_copy(update={"title": long_title}),
                release(FUNDING, release_id="r2").model_copy(update={"title": "Officer training"})]
    alerts = [plan_alerts(sub, r, sent={}, elapsed_sent=set(), now=NOW).alerts[0] for r in releases]
    digest = assemble_digest("desk", alerts, since=None, until=NOW, now=NOW)
    return render_digest_html(digest, unsubscribe_url="https://alerts.example.org/unsubscribe/tok",
                              release_page=release_pages("https://alerts.example.org"))


@pytest.mark.parametrize("html", [pytest.param(_alert_html, id="alert"), pytest.param(_digest_html, id="digest")])
async def test_an_email_fits_a_phone_screen(browser, html):
    """A digest's summary too: a long title in it wraps (before: 549 pixels wide)."""
    page = await browser.new_page(viewport={"width": PHONE, "height": 700})
    await page.set_content(html())
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE


async def test_each_stacked_cell_names_its_column(browser):
    page = await browser.new_page(viewport={"width": PHONE, "height": 700})
    await page.set_content(_alert_html())
    labels = await page.evaluate("""() => [...document.querySelectorAll('td')].map(
        td => getComputedStyle(td, '::before').content)""")
    assert labels[:4] == ['"Who"', '"Commitment"', '"Money"', '"Deadlines"']


async def test_a_wide_screen_keeps_the_table(browser):
    page = await browser.new_page(viewport={"width": 900, "height": 700})
    await page.set_content(_alert_html())
    header = await page.evaluate("getComputedStyle(document.querySelector('th')).display")
    assert header == "table-cell"


async def test_a_wide_screen_breaks_no_word_in_the_table(browser):
    """Before: cells that may wrap anywhere let the table squeeze its narrow columns, "GBP 10,000,0" over "00".
    (A line may break after a hyphen: "counter-" over "terrorism" is no broken word.)"""
    page = await browser.new_page(viewport={"width": 640, "height": 700})
    await page.set_content(_alert_html())
    broken = await page.evaluate("""() => [...document.querySelectorAll('td')].flatMap(td => {
        const words = [], walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
        for (let node; (node = walker.nextNode());) {
            for (const m of node.data.matchAll(/[^\\s-]+/g)) {
                const range = document.createRange();
                range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
                if (range.getClientRects().length > 1) words.push(m[0]);
            }
        }
        return words;
    })""")
    assert broken == []


async def test_a_title_in_the_summary_takes_the_reader_to_its_section(browser):
    page = await browser.new_page(viewport={"width": PHONE, "height": 400})
    await page.set_content(_digest_html())
    await page.click("ul.summary a >> nth=1")  # the second listed: the section without counter-terrorism
    top = await page.evaluate("document.getElementById('release-1').getBoundingClientRect().top")
    assert -1 < top < 50
