"""What a browser is answered on the dashboard's own paths when the address is wrong: a page of the dashboard's,
never the API's JSON. A form's address opened again from the history (a GET, where the form posted) leads back
to the part of the page the form is on."""

import aiohttp
import pytest

pytestmark = pytest.mark.integration


async def _get(base: str, path: str):
    async with aiohttp.ClientSession() as client, client.get(base + path, allow_redirects=False) as answer:
        return answer.status, answer.content_type, answer.headers, await answer.text()


async def test_a_release_id_too_long_for_any_release_is_the_not_found_page(ledger_app):
    base = await ledger_app()
    status, kind, headers, page = await _get(base, "/dashboard/releases/" + "a" * 600)
    assert (status, kind) == (404, "text/html"), page[:200]
    assert "Not found" in page and "frame-ancestors 'none'" in headers["Content-Security-Policy"]


@pytest.mark.parametrize(("path", "section"), [
    ("/dashboard/subscriptions", "/#subscriptions"),
    ("/dashboard/subscriptions/desk/pause", "/#subscriptions"),
    ("/dashboard/subscriptions/desk/resume", "/#subscriptions"),
    ("/dashboard/subscriptions/desk/resubscribe", "/#subscriptions"),
    ("/dashboard/sign-out", "/"),
])
async def test_a_forms_address_opened_as_a_page_leads_to_the_form_not_to_json(ledger_app, path, section):
    base = await ledger_app()
    status, _, headers, _ = await _get(base, path)
    assert (status, headers.get("Location")) == (303, section)


@pytest.mark.parametrize("path", ["/dashboard/no-such-page", "/dashboard/releases/"])
async def test_an_address_of_the_dashboards_that_is_no_page_is_its_not_found_page(ledger_app, path):
    base = await ledger_app()
    status, kind, headers, page = await _get(base, path)
    assert (status, kind) == (404, "text/html"), page[:200]
    assert "Back to the dashboard" in page and headers["Cache-Control"] == "no-store"


async def _send(base: str, method: str, path: str):
    async with aiohttp.ClientSession() as client, \
            client.request(method, base + path, allow_redirects=False) as answer:
        return answer.status, answer.content_type, answer.headers, await answer.text()


# before: the API's JSON 405, naming GET as allowed where a GET is the Not found page
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@pytest.mark.parametrize("path", ["/dashboard/nowhere", "/dashboard/subscriptions/desk/nothing", "/dashboard/releases/"])
async def test_any_method_at_an_address_of_the_dashboards_that_is_no_page_is_its_not_found_page(ledger_app, method,
                                                                                                path):
    base = await ledger_app()
    status, kind, headers, page = await _send(base, method, path)
    assert (status, kind) == (404, "text/html"), page[:200]
    assert "Back to the dashboard" in page and "Allow" not in headers


@pytest.mark.parametrize(("method", "path", "allow"), [
    ("POST", "/dashboard/releases", "GET, HEAD, OPTIONS"),
    ("DELETE", "/dashboard/deadlines", "GET, HEAD, OPTIONS"),
    ("PUT", "/dashboard/sign-in", "GET, HEAD, OPTIONS, POST"),
    ("PATCH", "/", "GET, HEAD, OPTIONS"),
    ("POST", "/dashboard", "GET, HEAD, OPTIONS"),
])
async def test_a_method_a_dashboard_page_does_not_take_is_told_in_its_own_page(ledger_app, method, path, allow):
    base = await ledger_app()
    status, kind, headers, page = await _send(base, method, path)
    assert (status, kind, headers.get("Allow")) == (405, "text/html", allow), page[:200]
    assert f"does not take {method}" in page and "Back to the dashboard" in page


@pytest.mark.parametrize(("path", "allow"), [
    ("/dashboard/releases", "GET, HEAD, OPTIONS"),
    ("/dashboard/sign-in", "GET, HEAD, OPTIONS, POST"),
])
async def test_options_of_a_dashboard_page_names_only_what_it_takes(ledger_app, path, allow):
    base = await ledger_app()
    status, _, headers, _ = await _send(base, "OPTIONS", path)
    assert (status, headers.get("Allow")) == (204, allow)


# before: the API's JSON 405 (or the router's plain one) for a method no route of the app is given
@pytest.mark.parametrize("method", ["PROPFIND", "TRACE"])
@pytest.mark.parametrize(("path", "status", "allow"), [
    ("/dashboard/releases", 405, "GET, HEAD, OPTIONS"),
    ("/dashboard/sign-in", 405, "GET, HEAD, OPTIONS, POST"),
    ("/", 405, "GET, HEAD, OPTIONS"),
    ("/dashboard/nowhere", 404, None),
])
async def test_a_method_no_route_is_given_at_a_dashboard_address_is_answered_in_its_own_page(ledger_app, method, path,
                                                                                             status, allow):
    base = await ledger_app()
    answer_status, kind, headers, page = await _send(base, method, path)
    assert (answer_status, kind, headers.get("Allow")) == (status, "text/html", allow), page[:200]
    assert "Back to the dashboard" in page
