"""The HTTP server answers 503 with a reason and Retry-After whatever keeps Redis from taking the work."""

import aiohttp
import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import OutOfMemoryError, ReadOnlyError

from services.common.api import Routes
from services.common.auth import ApiAuth
from services.common.http import HttpServer

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("error", [RedisConnectionError("refused"), ReadOnlyError("READONLY replica"),
                                   OutOfMemoryError("OOM command not allowed")], ids=["down", "read-only", "full"])
async def test_a_redis_that_cannot_take_the_work_is_a_503_with_retry_after(settings, error):
    async def failing() -> None:
        raise error

    routes = Routes()
    routes.add_api_route("/thing", failing, methods=["GET"])
    server = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    server.add_routes(routes)
    await server.start()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{server.port}/thing") as response:
                answer = await response.json()
                assert response.status == 503, answer
                assert answer["errors"][0].startswith(f"service unavailable: cannot reach Redis ({type(error).__name__})")
                assert int(response.headers["Retry-After"]) > 0
    finally:
        await server.stop()
