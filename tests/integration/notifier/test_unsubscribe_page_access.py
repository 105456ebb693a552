"""The pages an unsubscribe link opens, on a phone and read by a screen reader, in a real headless browser (Debian's
chromium, driven by Playwright): each state named in the tab's title, its words in a main landmark, nothing
wider than a 320 px screen, and a button large enough to press and seen when focused.

Without chromium these tests skip, saying how to install it, unless PLEDGEWATCH_REQUIRE_BROWSER=1 (CI), where
a missing browser fails them."""

import pytest

from services.notifier.templates import render
from services.notifier.unsubscribe import Recipient

pytestmark = pytest.mark.integration

LONG = Recipient("procurement-notifications", "procurement.notifications.for.the.whole.department@department.example.org")
PAGES = {
    "Unsubscribe?": ("unsubscribe.html.j2", {"recipient": LONG, "done": False, "already": False, "kept": False}),
    "You are unsubscribed": ("unsubscribe.html.j2", {"recipient": LONG, "done": True, "already": True, "kept": True}),
    "Already unsubscribed": ("unsubscribe.html.j2", {"recipient": LONG, "done": False, "already": True, "kept": False}),
    "This unsubscribe link is not valid": ("unsubscribe_invalid.html.j2", {"gone": None}),
    "This subscription no longer exists": ("unsubscribe_invalid.html.j2", {"gone": LONG}),
    "This page cannot be shown just now": ("unsubscribe_unavailable.html.j2",
                                           {"recipient": LONG, "outage": "not-shown"}),
    "Your unsubscribe may not have been recorded": ("unsubscribe_unavailable.html.j2",
                                                    {"recipient": LONG, "outage": "maybe-done"}),
    "Not unsubscribed yet": ("unsubscribe_unavailable.html.j2", {"recipient": LONG, "outage": "not-done"}),
}


@pytest.mark.parametrize("heading", PAGES)
async def test_each_unsubscribe_page_is_named_landmarked_and_fits_a_phone(browser, heading):
    """Before: every state was titled "pledgewatch: unsubscribe", its words lay outside any landmark, and a long
    address made the page 618 px wide on a 320 px phone."""
    template, context = PAGES[heading]
    page = await browser.new_page(viewport={"width": 320, "height": 640})
    await page.set_content(render(template, **context))
    assert await page.title() == f"{heading} · pledgewatch"
    assert await page.locator("main h1").inner_text() == heading
    assert await page.evaluate("() => document.querySelectorAll('body > :not(main)').length") == 0
    width, seen = await page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width <= seen, f"the page is {width}px wide on a {seen}px screen"


async def test_the_unsubscribe_button_is_large_enough_to_press_and_seen_when_focused(browser):
    """Before: the button was the browser's default, 21 px high in 13 px text, its focus ring the browser's thin one."""
    template, context = PAGES["Unsubscribe?"]
    page = await browser.new_page(viewport={"width": 320, "height": 640})
    await page.set_content(render(template, **context))
    button = page.get_by_role("button", name="Unsubscribe")
    box = await button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, box
    assert await button.evaluate("b => parseFloat(getComputedStyle(b).fontSize)") >= 16
    await page.keyboard.press("Tab")
    assert await button.evaluate("b => b === document.activeElement")
    assert await button.evaluate("b => [getComputedStyle(b).outlineStyle, parseFloat(getComputedStyle(b).outlineWidth)]") \
        == ["solid", 3]
