"""While Redis cannot be reached, every API route answers 503 with a reason and Retry-After, never 500."""

from __future__ import annotations

import aiohttp
import pytest

from notifier_harness import Running, fast_config
from services.common.embedded_redis import EmbeddedRedis

pytestmark = pytest.mark.integration

NEW = {"id": "desk", "channels": [{"console": {}}]}


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "/subscriptions", None),
    ("GET", "/subscriptions/desk", None),
    ("POST", "/subscriptions", NEW),
    ("PUT", "/subscriptions/desk", NEW),
    ("POST", "/subscriptions/desk/pause", {}),
    ("DELETE", "/subscriptions/desk", None),
])
async def test_redis_down_answers_503_with_a_reason_and_retry_after(settings, tmp_path, method, path, body):
    redis = EmbeddedRedis(tmp_path / "redis", appendonly=False)
    s = settings.model_copy(update={"redis_url": redis.start(), "subscriptions": None})
    running = await Running(s, fast_config(), http=True, run_scheduler=False).start()
    try:
        redis.stop()
        async with aiohttp.ClientSession(headers=running.api_headers) as session:
            async with session.request(method, running.url + path, json=body) as response:
                answer = await response.json()
                assert response.status == 503, answer
                assert answer["errors"][0]["message"].startswith("service unavailable: cannot reach Redis")
                assert int(response.headers["Retry-After"]) > 0
    finally:
        await running.stop()
        redis.stop()
