"""Every answer's ``Date`` is the time it was sent (RFC 9110 6.6.1), so that a ``Last-Modified`` capped at the
time the answer was made is never after it (8.8.2.1). uvicorn's own ``Date`` is a copy made about once a second
by its main loop: an answer made while the loop was busy carried a time before it was made."""

import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import aiohttp
import pytest
from fastapi.responses import Response

from services.common.api import Routes
from services.common.auth import ApiAuth
from services.common.conditional import http_date
from services.common.http import HttpServer

pytestmark = pytest.mark.integration


async def test_an_answer_made_after_the_loop_was_held_is_dated_when_sent(settings):
    async def held() -> Response:
        time.sleep(1.3)  # holds the event loop, as a large calendar built on it did: no copy of the time is made
        return Response(b"x", headers={"Last-Modified": http_date(datetime.now(timezone.utc))})

    routes = Routes()
    routes.add_api_route("/held", held, methods=["GET"])
    server = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    server.add_routes(routes)
    await server.start()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{server.port}/held") as response:
                await response.read()
                dates = response.headers.getall("Date")
                modified = response.headers["Last-Modified"]
    finally:
        await server.stop()
    assert len(dates) == 1, dates
    assert parsedate_to_datetime(modified) <= parsedate_to_datetime(dates[0]), (modified, dates)


async def test_an_error_answer_is_dated_too(settings):
    server = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    await server.start()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{server.port}/nowhere") as response:
                await response.read()
                dates = response.headers.getall("Date", [])
    finally:
        await server.stop()
    assert len(dates) == 1 and parsedate_to_datetime(dates[0]).tzinfo is not None, dates
