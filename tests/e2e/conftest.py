"""End-to-end fixtures: a real webhook receiver on 127.0.0.1."""

import asyncio
import time

import pytest
from aiohttp import web

from tests.conftest import served


@pytest.fixture
async def receiver(request):
    """``(url, posts)``: a real webhook receiver on 127.0.0.1 recording each POST; it answers after the test
    module's ``RECEIVER_SECONDS`` (none by default)."""
    posts = []
    answer_after = getattr(request.module, "RECEIVER_SECONDS", 0.0)

    async def hook(request: web.Request) -> web.Response:
        body = await request.read()
        if answer_after:
            await asyncio.sleep(answer_after)
        posts.append({"headers": dict(request.headers), "body": body, "at": time.monotonic()})
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    async with served(app) as port:
        yield f"http://127.0.0.1:{port}/hook", posts


@pytest.fixture
def ct_desk_subscriptions(tmp_path, receiver):
    """A subscriptions file: counter-terrorism commitments to the receiver, signed with ``secret``."""

    def write(secret: str):
        path = tmp_path / "subscriptions.yaml"
        path.write_text(
            "subscriptions:\n"
            "  - id: ct-desk\n"
            "    filter: {counter_terrorism: true}\n"
            "    channels:\n"
            f'      - webhook: {{url: "{receiver[0]}", secret: "{secret}"}}\n'
        )
        return path

    return write
