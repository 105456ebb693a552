"""A polled source whose latest polls all failed, on the dashboard's home page as ingest keeps it in Redis."""

from datetime import datetime, timezone

import aiohttp
import pytest

from services.common.runtime import Runtime
from services.ingest.source_failures import record_failure
from services.ingest.source_rhythm import register_sources

from .conftest import signed_in

pytestmark = pytest.mark.integration


async def test_the_home_page_names_a_failing_source_and_why(ledger_app, settings):
    base = await ledger_app()
    runtime = Runtime(settings, source="/test")
    try:
        streams = await runtime.open()
        await register_sources(streams, {"govuk-home-office": "feed", "resilience-statement": "page"})
        await record_failure(streams, "govuk-home-office", "HTTP 503 from <www.gov.uk>",
                             now=datetime(2026, 12, 6, 8, 55, tzinfo=timezone.utc))
    finally:
        await runtime.close()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        await signed_in(session, base)
        async with session.get(base + "/") as answer:
            page = " ".join((await answer.text()).split())
    assert ("<li><strong>govuk-home-office</strong> (feed): failing since 6 Dec 2026 08:55 UTC, 1 poll in a row; "
            "last error: HTTP 503 from &lt;www.gov.uk&gt;</li>") in page
    assert "resilience-statement" not in page
