"""A webhook endpoint that answers something that is not HTTP makes a delivery error that names what was wrong,
never the webhook's URL: the error is recorded on the deliveries stream and shown on the dashboard and the API,
where a token in the URL's query or path would be read by everyone who may read them."""

import asyncio

import pytest

from services.common.outbound import TargetPolicy
from services.notifier.channels.webhook import WebhookSender

pytestmark = pytest.mark.integration

SECRETS = ("QUERYSECRET", "Pathsecret0123456789")


@pytest.mark.parametrize(("answer", "reason"), [
    pytest.param(b"garbage\r\n\r\n", "Bad status line", id="no-status-line"),
    pytest.param(b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n", "Content-Length", id="bad-length"),
    pytest.param(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "chunk size", id="bad-chunk"),
])
async def test_a_malformed_answer_is_told_without_the_url(answer, reason):
    async def answer_badly(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)
        writer.write(answer)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer_badly, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}/hooks/{SECRETS[1]}?token={SECRETS[0]}"
    sender = WebhookSender(url, None, timeout=5, targets=TargetPolicy.parse(["127.0.0.0/8"]))
    try:
        result = await sender._send({"Content-Type": "application/json"}, b"{}")
    finally:
        server.close()
        await server.wait_closed()
    assert not result.ok and result.error is not None
    assert reason in result.error
    assert not any(secret in result.error for secret in SECRETS), result.error
