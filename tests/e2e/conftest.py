"""End-to-end fixtures: a real webhook receiver on 127.0.0.1."""

import time

import pytest
from aiohttp import web


@pytest.fixture
async def receiver():
    """``(url, posts)``: a real webhook receiver on 127.0.0.1 recording each POST."""
    posts = []

    async def hook(request: web.Request) -> web.Response:
        posts.append({"headers": dict(request.headers), "body": await request.read(), "at": time.monotonic()})
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/hook", posts
    await runner.cleanup()


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
