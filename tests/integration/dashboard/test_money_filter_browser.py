"""A subscription's range of money chosen in the dashboard's form, in a real headless browser (Debian's chromium
through Playwright) on the ledger's own app: saved and listed, or refused beside its field with what was typed
kept."""

import pytest

from .conftest import signed_in_page, subscription_store

pytestmark = pytest.mark.integration

FOCUSED = "() => document.activeElement.id"


async def test_a_subscription_with_a_range_of_money_is_saved_and_listed_with_it(browser, ledger_app, settings):
    """Before: the form had no money fields; a subscription by money was made only through the API."""
    page = await signed_in_page(browser, await ledger_app())
    form = page.locator("form.create")
    await form.get_by_label("Subscription name").fill("desk")
    await form.get_by_label("Send alerts by").select_option("console")
    await form.get_by_label("Money from").fill("10m")
    await form.get_by_label("Currency").select_option("GBP")
    await form.get_by_role("button", name="Save subscription").click()
    await page.locator("#notice-desk").wait_for()  # "Subscription desk created.", on its row
    assert "money: GBP 10,000,000 or more" in await page.locator("#sub-desk").inner_text()
    async with subscription_store(settings) as store:
        saved = await store.get("desk")
    assert (saved.filter.currency, saved.filter.min_amount, saved.filter.max_amount) == ("GBP", 10_000_000, None)


async def test_a_range_of_money_refused_is_said_beside_its_field_with_what_was_typed_kept(browser, ledger_app,
                                                                                          settings):
    page = await signed_in_page(browser, await ledger_app())
    form = page.locator("form.create")
    await form.get_by_label("Subscription name").fill("desk")
    await form.get_by_label("Send alerts by").select_option("console")
    await form.get_by_label("Money from").fill("10m")
    await form.get_by_label("to", exact=True).fill("250k")
    await form.get_by_label("Currency").select_option("GBP")
    await form.get_by_role("button", name="Save subscription").click()
    summary = page.locator("#create")
    await summary.wait_for()
    assert await summary.get_by_role("link").all_inner_texts() == ["Money to: is less than “Money from”"]
    await summary.get_by_role("link").click()
    assert await page.evaluate(FOCUSED) == "max_amount"
    assert await page.locator("#max_amount").get_attribute("aria-describedby") == "max_amount-error"
    assert await page.locator("#max_amount").get_attribute("aria-invalid") == "true"
    assert await page.locator("#max_amount-error").inner_text() == "is less than “Money from”"
    assert [await page.locator(f"#{name}").input_value() for name in ("min_amount", "max_amount", "currency")] == \
        ["10m", "250k", "GBP"]

    await form.get_by_label("to", exact=True).fill("")
    await form.get_by_label("Currency").select_option("")  # a bound without its currency
    await form.get_by_role("button", name="Try it on the last 90 days").click()
    await page.locator("#currency-error").wait_for()
    assert await page.locator("#currency-error").inner_text() == \
        "give the currency of “Money from” (amounts in two currencies are not compared)"
    assert await page.locator("#currency").get_attribute("aria-describedby") == "currency-error"
    assert await page.locator("#min_amount").input_value() == "10m"
    async with subscription_store(settings) as store:
        assert await store.get("desk") is None
