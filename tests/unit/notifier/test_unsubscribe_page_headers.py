"""The unsubscribe pages hold a form that acts on a click: no other site may frame them (clickjacking), and the
browser runs nothing on them and sniffs no other type."""

from starlette.requests import Request

from services.notifier.unsubscribe_api import unsubscribe_routes


def _endpoint(method: str):
    routes = unsubscribe_routes(None, get_unsubscribed=lambda: None, find_subscription=lambda _: None)
    return next(r.endpoint for r in routes.routes if r.path == "/unsubscribe/{token}" and method in r.methods)


async def test_an_unsubscribe_page_may_not_be_framed_nor_run_script_nor_be_sniffed():
    request = Request({"type": "http", "method": "GET", "path": "/unsubscribe/x", "headers": []})
    for method in ("GET", "POST"):
        page = await _endpoint(method)(request, "not-a-token")
        policy = page.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
