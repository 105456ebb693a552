"""What another site can do to a signed-in visitor of the dashboard, in a real headless browser (Debian's
chromium through Playwright): another site is ``localhost``, the dashboard ``127.0.0.1`` (two sites, whatever
the ports). A link from it keeps the visitor signed in; a form of its own posted to the dashboard changes
nothing, the session included; a frame of it shows nothing."""

from contextlib import asynccontextmanager

import pytest
from aiohttp import web

from tests.conftest import served

from .conftest import signed_in_page

pytestmark = pytest.mark.integration

SIGN_OUT_FORM = "form[action='/dashboard/sign-out']"


@asynccontextmanager
async def other_site(body: str):
    """The address of a page on another site (``localhost``) holding ``body``."""
    async def page(_: web.Request) -> web.Response:
        return web.Response(text=f"<!doctype html><body>{body}</body>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/", page)
    async with served(app) as port:
        yield f"http://localhost:{port}/"


async def test_a_link_from_another_site_keeps_the_visitor_signed_in(browser, ledger_app):
    """Before: the session cookie was SameSite=Strict, so the browser left it out of a visit that began on another
    site (a link in a chat message or an email), the dashboard took the visitor for a new one and its answer's
    new cookie replaced the signed-in one: the link signed the visitor out."""
    base = await ledger_app()
    page = await signed_in_page(browser, base)
    async with other_site(f'<a id="to-dashboard" href="{base}/#subscriptions">dashboard</a>') as elsewhere:
        await page.goto(elsewhere)
        await page.click("#to-dashboard")
        await page.wait_for_url(base + "/#subscriptions")
        assert await page.locator(SIGN_OUT_FORM).count() == 1
        await page.goto(base + "/")
        assert await page.locator(SIGN_OUT_FORM).count() == 1


async def test_a_form_another_site_posts_to_the_dashboard_leaves_the_session_alone(browser, ledger_app):
    """Before: the refusal of the cross-site post (it carries no session, so no CSRF token of one) set a new
    session cookie, replacing the signed-in one: any site could sign a visitor out."""
    base = await ledger_app()
    page = await signed_in_page(browser, base)
    form = (f'<form id="forged" method="post" action="{base}/dashboard/sign-out">'
            '<input name="csrf" value="guessed"><button>Go</button></form>')
    async with other_site(form) as elsewhere:
        await page.goto(elsewhere)
        async with page.expect_response(base + "/dashboard/sign-out") as answer:
            await page.click("#forged button")
        assert (await answer.value).status == 403
        await page.goto(base + "/")
        assert await page.locator(SIGN_OUT_FORM).count() == 1


async def test_another_site_cannot_frame_the_dashboard(browser, ledger_app):
    base = await ledger_app()
    page = await signed_in_page(browser, base)
    async with other_site(f'<iframe src="{base}/" width="800" height="600"></iframe>') as elsewhere:
        await page.goto(elsewhere)
        await page.wait_for_load_state("load")
        framed = page.frames[1]
        assert "/dashboard/sign-out" not in await framed.content()
