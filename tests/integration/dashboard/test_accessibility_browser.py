"""The dashboard used with the keyboard, a screen reader's focus and a phone, in a real headless browser (Debian's
chromium through Playwright) on the ledger's own app: where a refusal leaves the reader, and how the page holds
the reader's own text size."""

from datetime import datetime, timedelta, timezone

import pytest
import redis.asyncio as aioredis

from services.ledger.store import LedgerStore
from services.notifier.subscriptions import parse_subscription
from tests.unit.notifier.samples import dated, release

from .conftest import signed_in_page, subscription_store

pytestmark = pytest.mark.integration

PHONE = {"width": 320, "height": 640}
SIDEWAYS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
FOCUSED = "() => document.activeElement.id"


async def test_a_refused_subscription_takes_the_focus_to_its_refusals_each_leading_to_its_input(browser, ledger_app):
    """Before: the refused form came back with the focus nowhere (a screen reader started again at the top), and
    the refusals summed up above the form named inputs without leading to them."""
    page = await signed_in_page(browser, await ledger_app(), viewport=PHONE)
    form = page.locator("form.create")
    await form.get_by_label("Subscription name").fill("bad name")
    await form.get_by_label("Minimum confidence").fill("7")
    await form.get_by_role("button", name="Save subscription").click()
    summary = page.locator("#create")
    await summary.wait_for()
    assert await page.evaluate(FOCUSED) == "create"
    assert await page.title() == "Error: Dashboard · pledgewatch"
    await page.keyboard.press("Tab")  # from the summary, its first link: to the name
    await page.keyboard.press("Enter")
    assert await page.evaluate(FOCUSED) == "id"
    assert await page.locator("#id").get_attribute("aria-describedby") == "id-error"
    width, seen = await page.evaluate(SIDEWAYS)
    assert width <= seen, f"the page is {width}px wide on a {seen}px screen"

    await form.get_by_label("Subscription name").fill("desk")
    await form.get_by_label("Minimum confidence").fill("")
    await form.get_by_role("button", name="Try it on the last 90 days").click()  # arrives at what it found
    await page.locator("section.backtest").wait_for()
    assert await page.evaluate("() => [document.activeElement.id, document.activeElement.className]") == \
        ["create", "backtest"]


async def test_a_refused_pause_takes_the_focus_to_its_refusal_beside_the_day(browser, ledger_app, settings):
    """Before: a pause refused (a day passed) showed the page from its top, the refusal far below on the row and
    tied to no input."""
    base = await ledger_app()
    async with subscription_store(settings) as store:
        await store.put(parse_subscription({"id": "desk", "channels": ["console"]}))
    page = await signed_in_page(browser, base, viewport=PHONE)
    await page.locator("#until-desk").fill("2001-01-01")
    await page.get_by_role("button", name="Pause desk").click()
    refusal = page.locator("#error-desk")
    await refusal.wait_for()
    assert await page.evaluate(FOCUSED) == "error-desk"
    assert "Pause desk until (a day, UTC): is in the past" in await refusal.inner_text()  # as labelled, not "until:"
    day = page.get_by_label("Pause desk until")
    assert (await day.get_attribute("aria-invalid"), await day.get_attribute("aria-describedby")) == \
        ("true", "error-desk")


ARRIVED = """() => { const el = document.activeElement, box = el.getBoundingClientRect();
  return [el.id, el.getAttribute('role'), el.innerText, box.top >= 0 && box.bottom <= innerHeight]; }"""


async def test_each_change_done_takes_the_focus_to_what_it_says_where_the_page_goes(browser, ledger_app):
    """Before: sign-in, create, pause and resume said what was done at the page's top while the page went down to
    Subscriptions, with the focus nowhere: neither a screen reader nor the eye met it. The pages run no script
    (their CSP allows none; here JavaScript is off): the browser focuses the status line the fragment names."""
    base = await ledger_app()
    page = await signed_in_page(browser, base, viewport=PHONE, java_script_enabled=False)
    assert await page.evaluate(ARRIVED) == ["notice", "status", "Signed in: you can now change subscriptions.", True]
    form = page.locator("form.create")
    await form.get_by_label("Subscription name").fill("desk")
    await form.get_by_label("Send alerts by").select_option("console")
    await form.get_by_role("button", name="Save subscription").click()
    for done, press in [("created", None), ("paused", "Pause desk"), ("resumed", "Resume desk")]:
        if press:
            if press.startswith("Pause"):
                await page.get_by_label("Pause desk until").fill("2099-01-01")
            await page.get_by_role("button", name=press).click()
        await page.get_by_role("status").filter(has_text=f"Subscription ‘desk’ {done}.").wait_for()
        assert await page.evaluate(ARRIVED) == ["notice-desk", "status", f"Subscription ‘desk’ {done}.", True]
    assert await page.get_by_role("status").count() == 1  # said once, on its row


@pytest.mark.parametrize("path", ["/", "/dashboard/releases", "/dashboard/deadlines?from=1%20May", "/dashboard/sign-in",
                                  "signed in: /"])
async def test_text_follows_the_readers_own_size_and_still_fits_a_phone(browser, ledger_app, path):
    """Before: the text was set in pixels, so a reader's larger default text size (the browser's font-size setting)
    changed nothing on the page; and with it larger, the search's days made the list pages scroll sideways."""
    base = await ledger_app()
    if path.startswith("signed in: "):
        page, path = await signed_in_page(browser, base, viewport=PHONE), path.removeprefix("signed in: ")
    else:
        page = await browser.new_page(viewport=PHONE)
    await page.goto(base + path)
    await page.add_style_tag(content="html { font-size: 200% }")  # what a default text size of 32px does
    sizes = await page.evaluate("""() => ['body', 'h1', 'label, p', 'input, button, a'].map(s => {
      const el = document.querySelector(s); return el ? parseFloat(getComputedStyle(el).fontSize) : null; })""")
    assert sizes[0] == 32 and all(size is None or size >= 28 for size in sizes), sizes
    width, seen = await page.evaluate(SIDEWAYS)
    assert width <= seen, f"the page is {width}px wide on a {seen}px screen with the text twice as large"


async def test_categories_apart_in_the_list_are_chosen_with_tab_and_space_alone(browser, ledger_app, settings):
    """Before: categories and kinds were multiple-choice lists, where choosing a second one without the mouse
    takes Ctrl with the arrows and Ctrl+Space, and a plain arrow or Space drops the first."""
    base = await ledger_app()
    page = await signed_in_page(browser, base, viewport=PHONE)
    form = page.locator("form.create")
    await form.get_by_label("Subscription name").fill("desk")
    await form.get_by_label("Send alerts by").select_option("console")
    wanted = {"funding", "training", "demand"}
    for _ in range(60):  # from the name, on through the form, pressing Space on each one wanted
        await page.keyboard.press("Tab")
        label = await page.evaluate("() => [...(document.activeElement.labels || [])].map(l => l.innerText).join()")
        if label in wanted:
            await page.keyboard.press("Space")
        if await page.evaluate("() => document.activeElement.value") == "create":
            break
    await page.keyboard.press("Enter")
    await page.get_by_role("status").filter(has_text="Subscription ‘desk’ created.").wait_for()
    async with subscription_store(settings) as store:
        saved = await store.get("desk")
    assert ([c.value for c in saved.filter.categories or []], [k.value for k in saved.filter.kinds or []]) == \
        (["funding", "training"], ["demand"])


@pytest.mark.parametrize("path", ["/", "/dashboard/releases", "/dashboard/deadlines",
                                  "/dashboard/subscriptions/desk/delete"])
async def test_every_stop_of_the_tab_order_shows_the_focus_ring_and_the_order_comes_round(browser, ledger_app,
                                                                                         settings, path):
    """Before: Tab into a day (the search's "from" and "to", a row's pause day) put the focus on its month, and
    the field showed none of the page's focus ring."""
    base = await ledger_app()
    async with subscription_store(settings) as store:
        await store.put(parse_subscription({"id": "desk", "channels": ["console"]}))
    page = await signed_in_page(browser, base, viewport=PHONE)
    await page.goto(base + path)
    stops = []
    for _ in range(200):
        await page.keyboard.press("Tab")
        stop = await page.evaluate("""() => { const el = document.activeElement, style = getComputedStyle(el);
          return [el.id || el.outerHTML.slice(0, 60), style.outlineStyle, style.outlineWidth]; }""")
        if stop[0].startswith("<body") or stops and stop[0] == stops[0][0]:
            break  # out of the page, back to the browser, or round again: no trap
        stops.append(stop)
    else:
        pytest.fail(f"Tab went round {len(stops)} stops without leaving the page")
    unseen = [(name, style, width) for name, style, width in stops if (style, width) != ("solid", "3px")]
    assert len(stops) > 10 and unseen == [], unseen


CONTRAST_FAILURES = """() => {
  const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => [r, g, b].map(c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (el) => {
    for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor); if (c.length < 4 || c[3] > 0) return c; }
    return [255, 255, 255];
  };
  const failures = [];
  for (const el of document.querySelectorAll('body *')) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const r = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (r.width <= 1 || r.right < 0 || style.visibility === 'hidden') continue;  // hidden, or a skip link put away
    const [a, b] = [luminance(rgb(style.color)), luminance(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) failures.push(`${el.tagName} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
  }
  return failures;
}"""


async def test_every_text_stands_out_from_its_background(browser, ledger_app, settings):
    """Each text's colour against the background it sits on, from the computed styles, on the pages with the
    most colours: marks, states (upcoming, due, passed), tags, notices and refusals."""
    base = await ledger_app()
    today = datetime.now(timezone.utc).date()
    client = aioredis.Redis.from_url(settings.redis_url)
    try:
        store = LedgerStore(client, settings.key)
        await store.apply(release(), now=datetime.now(timezone.utc))
        await store.apply(release(dated("c-soon", today + timedelta(days=3)), dated("c-later", today + timedelta(days=90)),
                                  dated("c-gone", today - timedelta(days=30)), release_id="gov-uk/dated"),
                          now=datetime.now(timezone.utc))
    finally:
        await client.aclose()
    page = await browser.new_page(viewport=PHONE)
    await page.goto(base + "/dashboard/sign-in")
    await page.get_by_label("API token").fill("not-the-token-0123456789")
    await page.get_by_role("button", name="Sign in").click()
    failures = {"sign-in refused": await page.evaluate(CONTRAST_FAILURES)}
    for path in ("/", "/dashboard/releases/gov-uk/iraq-2017", "/dashboard/deadlines", "/dashboard/deadlines?show=past",
                 "/dashboard/releases?from=x"):
        await page.goto(base + path)
        failures[path] = await page.evaluate(CONTRAST_FAILURES)
    page = await signed_in_page(browser, base, viewport=PHONE)
    await page.locator("form.create").get_by_role("button", name="Save subscription").click()
    failures["subscription refused"] = await page.evaluate(CONTRAST_FAILURES)
    async with subscription_store(settings) as subscriptions:
        await subscriptions.put(parse_subscription({"id": "desk", "channels": ["console"]}))
    for path in ("/dashboard/subscriptions/desk/delete", "/dashboard/subscriptions/gone/delete"):
        await page.goto(base + path)
        failures[path] = await page.evaluate(CONTRAST_FAILURES)
    assert {where: found for where, found in failures.items() if found} == {}


async def test_the_sign_in_form_gives_the_browser_no_complaint(browser, ledger_app):
    """Before: Chromium reported the sign-in form ("Password forms should have (optionally hidden) username fields
    for accessibility"): with no username field a password manager cannot tell what the saved token is for."""
    base = await ledger_app()
    page = await browser.new_page()
    said: list[str] = []
    page.on("console", lambda message: said.append(f"{message.type}: {message.text}"))
    await page.goto(base + "/dashboard/sign-in")
    await page.get_by_label("API token").wait_for()
    await page.evaluate("() => new Promise(requestAnimationFrame)")
    assert said == []
    assert await page.locator("form.sign-in input[autocomplete=username]").get_attribute("value")


async def test_a_subscription_is_deleted_with_the_keyboard_alone_after_confirming_it(browser, ledger_app, settings):
    """The row's link, the page asking to confirm (its heading, its one button named for the subscription, the
    way back), and the notice after, each reached and used with the keyboard on a phone."""
    base = await ledger_app()
    async with subscription_store(settings) as store:
        await store.put(parse_subscription({"id": "desk", "channels": ["console"]}))
    page = await signed_in_page(browser, base, viewport=PHONE)
    await page.get_by_role("link", name="Delete desk…").focus()
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", level=1, name="Delete subscription ‘desk’?").wait_for()
    assert await page.title() == "Delete subscription desk · pledgewatch"
    assert await page.get_by_role("link", name="Back to the subscriptions, keeping it").get_attribute("href") == \
        "/#sub-desk"
    width, seen = await page.evaluate(SIDEWAYS)
    assert width <= seen, f"the page is {width}px wide on a {seen}px screen"
    for _ in range(20):  # from the top of the page, on to the button
        await page.keyboard.press("Tab")
        if await page.evaluate("() => document.activeElement.textContent.trim()") == "Delete desk":
            break
    else:
        pytest.fail("Tab never reached the button deleting desk")
    await page.keyboard.press("Enter")
    await page.get_by_role("status").filter(has_text="Subscription ‘desk’ deleted.").wait_for()
    async with subscription_store(settings) as store:
        assert await store.get("desk") is None


CITED = """() => [...document.querySelectorAll('li.commitment')].map(li => {
  const before = getComputedStyle(li, '::before'), style = getComputedStyle(li);
  return [li.id, before.content, style.outlineStyle]; })"""


async def test_a_cited_commitment_is_said_and_outlined_where_its_link_lands(browser, ledger_app, settings):
    """Before: "cite this commitment" led to the commitment's place and nothing more: on a page too short to scroll
    it to the top, a reader could not tell which of the release's commitments was cited."""
    base = await ledger_app()
    client = aioredis.Redis.from_url(settings.redis_url)
    try:
        await LedgerStore(client, settings.key).apply(release(), now=datetime.now(timezone.utc))
    finally:
        await client.aclose()
    page = await browser.new_page(viewport={"width": 1280, "height": 2400})
    await page.goto(base + "/dashboard/releases/gov-uk/iraq-2017")
    cited = await page.get_by_role("link", name="cite this commitment").nth(2).get_attribute("href")
    await page.goto(base + cited)
    marks = {key: (words, outline) for key, words, outline in await page.evaluate(CITED)}
    key = cited.partition("#")[2]
    assert marks.pop(key) == ('"The commitment this link cites"', "solid")
    assert set(marks.values()) == {("none", "none")}  # the others as they were
