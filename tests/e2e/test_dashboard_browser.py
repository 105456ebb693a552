"""The dashboard in a real headless browser (Debian's chromium, driven by Playwright) on the whole pipeline:
a release dropped in and its commitment marked on the page; a source gone quiet warned of; sign-in; a subscription tried, refused, created
and paused through the page, each effect read back through the JSON API; the page's accessibility basics
and its width on a phone.

Without chromium these tests skip, saying how to install it, unless PLEDGEWATCH_REQUIRE_BROWSER=1 (CI), where
a missing browser fails them."""

import asyncio
import re
import shutil
import time
from datetime import date, datetime, timezone

import aiohttp
import pytest
import redis.asyncio as aioredis

from pledgewatch.runner import build_all
from schemas import ReleasePublished
from services.common.runtime import Runtime
from services.ingest.config import SourceConfig
from services.ingest.identity import content_hash
from services.ingest.quiet_watch import QuietWatch
from services.ingest.rhythm import QuietRules
from services.ingest.state import publish_if_changed
from services.ledger.store import LedgerStore
from services.notifier.unsubscribe import UnsubscribeLinks
from tests.unit.notifier.samples import dated, numbered_release, release

from ..conftest import API_TOKEN

pytestmark = pytest.mark.e2e

PAGE_DAY = datetime(2017, 12, 1, 9, 0, tzinfo=timezone.utc)  # days after the seed release: its deadlines ahead


@pytest.fixture
def open_reads():
    return True


@pytest.fixture
def allow_private_targets():
    return ["127.0.0.0/8", "::1"]


@pytest.fixture
def reminder_time():
    return "09:00"


@pytest.fixture
async def dashboard(settings, tmp_path, seed_file, open_reads, allow_private_targets, reminder_time):
    """The base URL of `pledgewatch run`'s services, the seed release read into the ledger."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    notifier = settings.notifier.model_copy(update={"reminder_time": reminder_time})
    app = build_all(settings.model_copy(update={"watch": [inbox], "open_reads": open_reads, "notifier": notifier,
                                                "allow_private_targets": allow_private_targets}))
    ledger = next(s for s in app.services if s.name == "ledger")
    ledger.page_clock = lambda: PAGE_DAY
    await app.start()
    shutil.copy(seed_file, inbox / seed_file.name)
    deadline = time.monotonic() + 30
    while not await ledger.store.recent_releases(limit=1):
        assert time.monotonic() < deadline, "the seed release did not reach the ledger"
        await asyncio.sleep(0.05)
    yield f"http://127.0.0.1:{app.http.port}"
    await app.stop()


async def _json(base, path):
    async with aiohttp.ClientSession() as client, client.get(base + path) as answer:
        return answer.status, await answer.json()


async def test_a_subscription_created_and_paused_through_the_page(browser, dashboard):
    page = await browser.new_page()
    await page.goto(dashboard + "/")

    funding = page.locator("mark.commitment-text", has_text="The UK will invest")
    await funding.wait_for()
    assert await funding.locator("mark.money").text_content() == "money £10m"  # its hidden label read first
    assert "over the next three years" in await funding.locator("mark.deadline").inner_text()
    timeline = page.locator("#deadlines")
    assert "29 Nov 2020" in await timeline.inner_text()

    await page.get_by_label("API token").fill("not-the-token-0123456789")
    await page.get_by_role("button", name="Sign in").click()
    assert "That API token is not valid." in await page.get_by_role("alert").inner_text()
    await page.get_by_label("API token").fill(API_TOKEN)
    await page.get_by_role("button", name="Sign in").click()
    assert "Signed in" in await page.get_by_role("status").inner_text()

    form = page.locator("form.create")
    await form.get_by_label("Subscription name").fill("ct browser")  # a space: refused, in the API's words
    await form.get_by_label("Counter-terrorism only").check()
    await form.get_by_role("button", name="Save subscription").click()
    api_status, api_answer = await _refusal(dashboard, {"id": "ct browser", "channels": ["console"]})
    assert api_status == 422
    assert api_answer["errors"][0]["message"] in await page.locator("#id-error").inner_text()
    assert await form.get_by_label("Counter-terrorism only").is_checked()  # what was typed is kept

    await form.get_by_label("Subscription name").fill("ct-browser")
    await form.get_by_label("Send alerts by").select_option("console")
    await form.get_by_role("button", name="Try it on the last 90 days").click()
    assert "Would have sent 1 alert in the last 90 days" in await page.locator(".backtest").inner_text()
    assert (await _json(dashboard, "/subscriptions/ct-browser"))[0] == 404  # tried, not saved

    await page.locator("form.create").get_by_role("button", name="Save subscription").click()
    assert "Subscription ‘ct-browser’ created." in await page.get_by_role("status").first.inner_text()
    status, created = await _json(dashboard, "/subscriptions/ct-browser")
    assert (status, created["filter"], created["channels"]) == (200, {"counter_terrorism": True}, ["console"])

    await page.get_by_label("Pause ct-browser until").fill("2018-01-15")
    await page.get_by_role("button", name="Pause ct-browser").click()
    assert "Subscription ‘ct-browser’ paused." in await page.get_by_role("status").first.inner_text()
    status, paused = await _json(dashboard, "/subscriptions/ct-browser")
    assert paused["paused_until"] == "2018-01-15T00:00:00Z"
    assert "until 15 Jan 2018 00:00 UTC" in await page.locator("#sub-ct-browser").inner_text()


@pytest.mark.parametrize("allow_private_targets", [[]])
async def test_a_webhook_to_an_address_never_reached_is_refused_beside_its_field(browser, dashboard):
    """Before: the page saved a webhook to 127.0.0.1 with no allow-list, and every alert to it was refused."""
    page = await browser.new_page()
    await page.goto(dashboard + "/")
    await page.get_by_label("API token").fill(API_TOKEN)
    await page.get_by_role("button", name="Sign in").click()
    form = page.locator("form.create")
    await form.get_by_label("Subscription name").fill("desk")
    await form.get_by_label("Send alerts by").select_option("webhook")
    await form.get_by_label("To (webhook").fill("http://127.0.0.1:9911/hook")
    await form.get_by_role("button", name="Save subscription").click()
    api_status, api_answer = await _refusal(
        dashboard, {"id": "desk", "channels": [{"webhook": {"url": "http://127.0.0.1:9911/hook"}}]})
    assert api_status == 422
    assert api_answer["errors"][0]["message"] in await page.locator("#target-error").inner_text()
    assert (await _json(dashboard, "/subscriptions/desk"))[0] == 404


async def test_a_webhook_created_on_the_page_with_a_secret_is_sent_signed(browser, dashboard, receiver, seed_file,
                                                                           tmp_path, docs_example):
    """Before: the form had no secret, so a webhook made there was sent unsigned and every receiver checking
    signatures refused it. The secret typed is never shown back: not after a refusal, nor once saved."""
    url, posts = receiver
    secret = "desk-secret-4f1c"
    page = await browser.new_page()
    await page.goto(dashboard + "/")
    await page.get_by_label("API token").fill(API_TOKEN)
    await page.get_by_role("button", name="Sign in").click()
    form = page.locator("form.create")
    await form.get_by_label("Subscription name").fill("signed desk")  # refused: the secret is not typed back
    await form.get_by_label("Send alerts by").select_option("webhook")
    await form.get_by_label("To (webhook").fill(url)
    await form.get_by_label("Webhook secret").fill(secret)
    await form.get_by_role("button", name="Save subscription").click()
    assert await page.locator("#id-error").count() == 1
    assert await form.get_by_label("Webhook secret").input_value() == ""
    assert "type it again to save it" in await page.locator("#secret-help").inner_text()
    assert secret not in await page.content()

    await form.get_by_label("Subscription name").fill("signed-desk")
    await form.get_by_label("Webhook secret").fill(secret)
    await form.get_by_role("button", name="Save subscription").click()
    assert "Subscription ‘signed-desk’ created." in await page.get_by_role("status").first.inner_text()
    assert secret not in await page.content()
    status, created = await _json(dashboard, "/subscriptions/signed-desk")
    shown = url.split("/")[2]  # the host and port; the path hidden
    assert (status, created["channels"]) == (200, [{"webhook": {"url": f"http://{shown}/***", "secret": "***"}}])

    edited = seed_file.read_text(encoding="utf-8").replace("£10m", "£12m")
    (tmp_path / "inbox" / seed_file.name).write_text(edited, encoding="utf-8")  # a new version: alerted
    deadline = time.monotonic() + 30
    while not posts:
        assert time.monotonic() < deadline, "no webhook reached the receiver"
        await asyncio.sleep(0.05)
    verify = docs_example("verify_webhook").verify
    assert verify(secret, posts[0]["headers"], posts[0]["body"]) is True
    assert verify("another secret", posts[0]["headers"], posts[0]["body"]) is False


async def test_an_unsubscribed_address_is_resubscribed_from_its_row_by_click_and_by_keyboard(browser, dashboard,
                                                                                             settings):
    """Before: the row named who unsubscribed and the command that undoes it, with nothing on the page to press."""
    desk, long = "desk@example.org", "procurement.notifications@department.example.org"
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {API_TOKEN}"}) as client:
        async with client.post(dashboard + "/subscriptions", json={
                "id": "mail", "channels": [{"email": {"to": [desk, long]}}]}) as answer:
            assert answer.status == 201
        redis = aioredis.Redis.from_url(settings.redis_url)
        try:
            generation = int(await redis.hget(settings.key("notifier:subscriptions:generations"), "mail") or 0)
        finally:
            await redis.aclose()
        links = UnsubscribeLinks.from_secret(API_TOKEN, dashboard)
        for address in (desk, long):  # each by the one-click link of its email
            async with client.post(links.url("mail", address, generation),
                                   data={"List-Unsubscribe": "One-Click"}) as answer:
                assert answer.status == 200

    page = await browser.new_page()
    await page.goto(dashboard + "/")
    row = page.locator("#sub-mail")
    assert f"{desk}, {long}: not sent to" in await row.inner_text()
    assert await row.get_by_role("button").count() == 0  # not signed in: nothing to press
    await page.get_by_label("API token").fill(API_TOKEN)
    await page.get_by_role("button", name="Sign in").click()

    await row.get_by_role("button", name=f"Resubscribe {desk} to mail").click()
    assert (f"{desk} subscribed again to ‘mail’: its email channels send to it again."
            in await row.get_by_role("status").inner_text())
    assert await page.evaluate("() => document.activeElement.id") == "notice-mail"  # read out first
    assert f"Unsubscribed\n{long}: not sent to" in await row.inner_text()
    assert await row.get_by_role("button", name=f"Resubscribe {desk} to mail").count() == 0
    assert await _json(dashboard, "/subscriptions/mail/unsubscribed") == (200, {"unsubscribed": [long]})

    await page.set_viewport_size({"width": 360, "height": 740})  # a long address's button still fits a phone
    widths = await page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]}px wide on a {widths[1]}px screen"

    button = row.get_by_role("button", name=f"Resubscribe {long} to mail")
    for _ in range(400):  # reached with Tab alone, from the top of the page
        if await button.evaluate("b => b === document.activeElement"):
            break
        await page.keyboard.press("Tab")
    else:
        pytest.fail("Tab never reached the resubscribe button")
    assert await button.evaluate("b => getComputedStyle(b).outlineStyle") == "solid"  # its focus is seen
    await page.keyboard.press("Enter")  # the page is loaded again: wait for it, not for the page before
    await row.get_by_role("status").filter(has_text=f"{long} subscribed again").wait_for()
    assert "Unsubscribed" not in await row.inner_text()
    assert await _json(dashboard, "/subscriptions/mail/unsubscribed") == (200, {"unsubscribed": []})
    assert await page.evaluate(ACCESSIBILITY_PROBLEMS) == []


async def _refusal(base, subscription):
    async with aiohttp.ClientSession() as client, client.post(
            base + "/subscriptions", json=subscription, headers={"Authorization": f"Bearer {API_TOKEN}"}) as answer:
        return answer.status, await answer.json()


async def test_a_form_without_its_session_csrf_token_changes_nothing(dashboard):
    async with aiohttp.ClientSession() as client:
        async with client.post(dashboard + "/dashboard/sign-in", data={"token": API_TOKEN}) as answer:
            assert answer.status == 403
            assert "did not come from this page" in await answer.text()
            assert "Set-Cookie" not in answer.headers or "signed" not in answer.headers["Set-Cookie"]
        async with client.post(dashboard + "/dashboard/subscriptions",
                               data={"id": "forged", "channel": "console", "action": "create"}) as answer:
            assert answer.status == 403
    assert (await _json(dashboard, "/subscriptions/forged"))[0] == 404


ACCESSIBILITY_PROBLEMS = """() => {
  const problems = [];
  if (!document.documentElement.lang) problems.push("no lang attribute");
  const h1s = document.querySelectorAll("h1").length;
  if (h1s !== 1) problems.push(`${h1s} h1 elements`);
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden" || el.hidden) continue;  // neither shown nor announced
    if (!(el.labels && el.labels.length) && !el.getAttribute("aria-label")) problems.push(`unlabelled ${el.outerHTML}`);
  }
  if (!document.querySelector("main")) problems.push("no main landmark");
  return problems;
}"""


async def test_a_subscription_deleted_through_the_page_is_gone_from_the_api(browser, dashboard):
    """Asked to confirm on a page of its own (its accessibility basics checked), refused without the session's CSRF
    token, then deleted: each effect read back through the JSON API."""
    async with aiohttp.ClientSession() as client:
        async with client.post(dashboard + "/subscriptions", json={"id": "desk", "channels": ["console"]},
                               headers={"Authorization": f"Bearer {API_TOKEN}"}) as answer:
            assert answer.status == 201
        async with client.post(dashboard + "/dashboard/subscriptions/desk/delete", data={}) as answer:
            assert answer.status == 403
    page = await browser.new_page()
    await page.goto(dashboard + "/")
    await page.get_by_label("API token").fill(API_TOKEN)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("link", name="Delete desk…").click()
    await page.get_by_role("heading", name="Delete subscription ‘desk’?").wait_for()
    assert await page.evaluate(ACCESSIBILITY_PROBLEMS) == []
    assert (await _json(dashboard, "/subscriptions/desk"))[0] == 200  # asked, not deleted
    await page.get_by_role("button", name="Delete desk").click()
    assert "Subscription ‘desk’ deleted." in await page.get_by_role("status").first.inner_text()
    assert (await _json(dashboard, "/subscriptions/desk"))[0] == 404


async def test_every_page_has_its_accessibility_basics(browser, dashboard):
    page = await browser.new_page()
    await page.goto(dashboard + "/")
    assert await page.evaluate(ACCESSIBILITY_PROBLEMS) == []
    await page.get_by_label("API token").fill(API_TOKEN)
    await page.get_by_role("button", name="Sign in").click()
    assert await page.locator("form.create").count() == 1
    assert await page.evaluate(ACCESSIBILITY_PROBLEMS) == []  # with every form shown
    await page.locator("article.release h3 a").first.click()
    assert await page.evaluate(ACCESSIBILITY_PROBLEMS) == []
    assert await page.locator(".commitments mark.money").count() == 1


async def test_the_page_fits_a_phone_without_scrolling_sideways(browser, dashboard):
    page = await browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
    await page.goto(dashboard + "/")
    await page.get_by_label("API token").fill(API_TOKEN)
    await page.get_by_role("button", name="Sign in").click()
    widths = await page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]}px wide on a {widths[1]}px screen"


@pytest.mark.parametrize("open_reads", [False])
async def test_with_reads_closed_every_page_asks_to_sign_in_first(dashboard):
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:  # unsafe: an IP host
        async with client.get(dashboard + "/") as answer:
            page = await answer.text()
            assert answer.status == 401 and "API token" in page and "The UK will invest" not in page
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        async with client.post(dashboard + "/dashboard/sign-in", data={"csrf": csrf, "token": API_TOKEN},
                               allow_redirects=False) as answer:
            assert answer.status == 303
            cookie = answer.headers["Set-Cookie"]
            assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
        async with client.get(dashboard + "/") as answer:
            assert answer.status == 200 and "The UK will invest" in await answer.text()


@pytest.mark.parametrize("open_reads", [False])
async def test_with_reads_closed_a_signed_in_page_links_to_nothing_that_refuses_it(dashboard):
    """Before: the footer, "as JSON" and "Announced N times" linked to JSON reads that answer 401 to the
    session's browser (they take the API token, not the session)."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:  # unsafe: an IP host
        async with client.get(dashboard + "/") as answer:
            csrf = re.search(r'name="csrf" value="([^"]+)"', await answer.text()).group(1)
        await client.post(dashboard + "/dashboard/sign-in", data={"csrf": csrf, "token": API_TOKEN})
        async with client.get(dashboard + "/") as answer:
            page = await answer.text()
        release = re.search(r'href="(/dashboard/releases/[^"]+)"', page).group(1)
        async with client.get(dashboard + release) as answer:
            page += await answer.text()
        links = set(re.findall(r'href="(/[^"#]*)"', page))
        assert {"/", release} <= links
        for link in links:
            async with client.get(dashboard + link) as answer:
                assert answer.status == 200, f"{link} answers {answer.status} to the signed-in browser"
    assert "/ledger/releases" in page, "the page still says where the JSON reads are"


async def test_a_source_gone_quiet_is_shown_as_a_warning_on_the_page(settings, dashboard):
    feed = SourceConfig(name="daily-feed", url="https://example.org/news.atom", interval=300)
    runtime = Runtime(settings, source="/test")
    streams = await runtime.open()
    try:
        watch = QuietWatch(streams, [feed], rules=QuietRules(after=3, window=20, min_gaps=5),
                           default_interval=300, check_interval=60)
        await watch.register()
        first = datetime(2017, 11, 1, 9, tzinfo=timezone.utc)
        for n in range(8):
            title, body = f"Release {n}", f"The UK will invest £{n}m in port security."
            await publish_if_changed(streams, ReleasePublished(
                release_id=f"quiet-{n}", version=1, url=f"https://example.org/news/{n}", title=title,
                published_at=first.replace(day=1 + n), source=feed.name, body=body,
                content_hash=content_hash(title, body)), kind="feed")
        await watch.check(feed, now=PAGE_DAY)
    finally:
        await runtime.close()
    async with aiohttp.ClientSession() as client, client.get(dashboard + "/") as answer:
        page = await answer.text()
    assert "Sources gone quiet" in page and "daily-feed" in page and "usually publishes every\n      1 day" in page


@pytest.mark.parametrize("reminder_time", ["07:45"])
async def test_each_subscription_says_when_its_reminders_arrive_and_links_its_calendar(dashboard):
    """Before, a subscription's row said nothing of its reminders (when, or whether) nor of its weekly message,
    and no page led to its calendar feed."""
    async with aiohttp.ClientSession() as client:
        async with client.get(dashboard + "/") as answer:
            page = await answer.text()
        assert ("30 days, 7 days and 1 day before each dated deadline, and on the day, at 07:45 UTC"
                in " ".join(page.split()))  # the console subscription's default reminders, at PLEDGEWATCH_REMINDER_TIME
        (calendar,) = re.findall(r'href="(/subscriptions/console/deadlines\.ics)"', page)
        async with client.get(dashboard + calendar) as answer:
            assert answer.status == 200 and answer.content_type == "text/calendar"


HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


async def test_markup_in_a_release_runs_nothing_and_a_long_word_fits_a_phone(browser, dashboard, tmp_path):
    """A release's title, text and link, whatever they hold, are shown as text on the home page and the release's
    own page: no script of theirs runs (a dialog would open), and an unbroken word wraps on a phone."""
    (tmp_path / "inbox" / "2017-11-30-hostile.md").write_text(
        f"---\ntitle: 'Hostile {HOSTILE}'\nurl: 'https://example.org/a\"><script>alert(3)</script>'\n---\n"
        f"The UK will invest £5m {HOSTILE} in {'X' * 400} to counter terrorism by 31 March 2018. "
        "</textarea><svg onload=alert(4)>\n", encoding="utf-8")
    deadline, hostile = time.monotonic() + 30, []
    while not hostile:
        assert time.monotonic() < deadline, "the release did not reach the ledger"
        await asyncio.sleep(0.1)
        hostile = [r["release_id"] for r in (await _json(dashboard, "/ledger/releases"))[1]["releases"]
                   if r["title"].startswith("Hostile")]
    page = await browser.new_page(viewport={"width": 360, "height": 740})
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), asyncio.ensure_future(dialog.dismiss())))
    await page.goto(dashboard + "/")
    await page.goto(f"{dashboard}/dashboard/releases/{hostile[0]}")
    assert dialogs == []
    assert (await page.locator("h1").inner_text()).startswith('Hostile <script>alert(1)</script>">')
    assert "<svg onload=alert(4)>" in await page.locator(".commitments").inner_text()
    assert await page.get_by_role("link", name="the release").get_attribute("href") == \
        'https://example.org/a"><script>alert(3)</script>'
    widths = await page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]}px wide on a {widths[1]}px screen"


async def _tab_to(page, target) -> None:
    """Presses Tab until ``target`` has the focus, then checks that its focus is seen."""
    for _ in range(200):
        if await target.evaluate("el => el === document.activeElement"):
            assert await target.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
            return
        await page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {target}")


async def test_every_release_and_every_deadline_paged_and_searched_with_the_keyboard(browser, dashboard, settings):
    """Before: the page showed the 5 latest releases and 30 deadlines, and nothing older."""
    client = aioredis.Redis.from_url(settings.redis_url)
    store = LedgerStore(client, settings.key)
    try:
        for n in range(30):  # older than the seed release: 33 releases in all, two pages
            await store.apply(numbered_release(n, first=datetime(2016, 1, 1, tzinfo=timezone.utc)), now=PAGE_DAY)
        for day in (3, 17):  # deadlines passed before the page's day
            old = release(dated(f"c-old-{day}", date(2017, 6, day)), release_id=f"gov-uk/old-{day}",
                          published_at=datetime(2017, 5, day, tzinfo=timezone.utc))
            await store.apply(old.model_copy(update={"title": f"Due in June, {day}"}), now=PAGE_DAY)
    finally:
        await client.aclose()
    page = await browser.new_page(viewport={"width": 360, "height": 740})
    await page.goto(dashboard + "/")

    await _tab_to(page, page.get_by_role("link", name="All releases"))
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", level=1, name="All releases").wait_for()
    listed = page.locator("ol.browse > li > a")
    first = await listed.all_inner_texts()
    assert len(first) == 25 and first[:3] == [
        "Press release: UK ramps up counterterror effort in Iraq as Daesh caliphate crumbles",  # the seed: the latest
        "Due in June, 17", "Due in June, 3"]
    await _tab_to(page, page.get_by_role("link", name="Next page: older releases"))
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", level=2, name="Releases, continued").wait_for()
    second = await listed.all_inner_texts()
    assert len(second) == 8 and not set(first) & set(second) and second[-1] == "Release 000 on borders"
    assert await page.locator("ol.browse").evaluate("ol => ol.start") == 26  # numbered on from the first page
    await _tab_to(page, page.get_by_role("link", name="Previous page"))
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", level=2, name="Releases").wait_for()
    assert await listed.all_inner_texts() == first and await page.get_by_role("link", name="Previous page").count() == 0

    await _tab_to(page, page.get_by_label("Words of the title or the source"))
    await page.keyboard.type("borders")
    await page.keyboard.press("Enter")  # a new search starts at the first page
    await page.get_by_role("heading", level=2, name="Releases found").wait_for()
    assert await listed.all_inner_texts() == ["Release 020 on borders", "Release 010 on borders",
                                              "Release 000 on borders"]
    widths = await page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]}px wide on a {widths[1]}px screen"
    assert await page.evaluate(ACCESSIBILITY_PROBLEMS) == []

    await page.goto(dashboard + "/")
    await _tab_to(page, page.get_by_role("link", name="All deadlines"))
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", level=2, name="Upcoming deadlines, the soonest first").wait_for()
    await _tab_to(page, page.get_by_label("Show"))
    await page.keyboard.press("ArrowDown")  # "Passed, the latest first"
    await _tab_to(page, page.get_by_role("button", name="Search"))
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", level=2, name="Passed deadlines, the latest first").wait_for()
    items = await page.locator("li.deadline-item").all_inner_texts()
    assert [item.split("\n")[0].lower() for item in items] == [  # the state's tag is in capitals
        "17 jun 2017 passed: whether met is not known", "3 jun 2017 passed: whether met is not known"]
    assert await page.evaluate(ACCESSIBILITY_PROBLEMS) == []

    await page.goto(dashboard + "/dashboard/deadlines?from=17/06/2017")
    assert "From: '17/06/2017' is not a day" in await page.get_by_role("alert").inner_text()
