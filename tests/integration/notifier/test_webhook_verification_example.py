"""The README's webhook verification example (docs/examples/verify_webhook.py, quoted there verbatim),
run against webhooks the notifier really signed and POSTed to a real HTTP server on 127.0.0.1."""

import re
import time
from pathlib import Path

import pytest
from multidict import CIMultiDict

from samples import BORDERS, release
from services.notifier.channels.signing import sign

from notifier_harness import wait_for

pytestmark = pytest.mark.integration

ROOT = Path(__file__).parents[3]
EXAMPLE = ROOT / "docs" / "examples" / "verify_webhook.py"
SECRET = "s3cret-of-the-desk"


@pytest.fixture
async def signed(notifier, receiver, write_yaml, publish_classified):
    """(headers as sent, raw body) of one webhook the notifier signed with SECRET."""
    path = write_yaml(f"subscriptions: [{{id: desk, channels: [{{webhook: {{url: '{receiver.url('hook')}', "
                      f"secret: {SECRET}}}}}]}}]")
    n = await notifier(subscriptions=path)
    await publish_classified(n.service, release(BORDERS))
    (_, headers, body, _), = await wait_for(lambda: receiver.hits("hook"), what="a signed webhook")
    return headers, body


def _mixed(name: str) -> str:
    return "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(name))


@pytest.mark.parametrize("spell", [
    lambda headers: dict(headers),
    lambda headers: {k.lower(): v for k, v in headers.items()},
    lambda headers: {k.upper(): v for k, v in headers.items()},
    lambda headers: {_mixed(k): v for k, v in headers.items()},
    lambda headers: CIMultiDict(headers),
], ids=["as-sent", "lower-case", "upper-case", "mixed-case", "case-insensitive-multidict"])
async def test_the_example_accepts_a_signed_webhook_whatever_the_header_case(signed, spell, docs_example):
    headers, body = signed
    assert docs_example("verify_webhook").verify(SECRET, spell(headers), body) is True


async def test_the_example_refuses_a_tampered_body_a_wrong_secret_and_a_stale_request(signed, docs_example):
    headers, body = signed
    verify = docs_example("verify_webhook").verify
    lowered = {k.lower(): v for k, v in headers.items()}
    assert verify(SECRET, lowered, body.replace(b"border", b"b0rder")) is False
    assert verify("another secret", lowered, body) is False
    old = int(time.time()) - 3600
    stale = {**lowered, "x-pledgewatch-timestamp": str(old), "x-pledgewatch-signature": sign(SECRET, old, body)}
    assert verify(SECRET, stale, body) is False


@pytest.mark.parametrize("headers", [
    {},
    {"x-pledgewatch-timestamp": "\u00b2", "x-pledgewatch-signature": "sha256=00"},
    {"x-pledgewatch-timestamp": "1", "x-pledgewatch-signature": "sha256=\u00e9"},
], ids=["no-headers", "non-ascii-digit", "non-ascii-signature"])
def test_the_example_refuses_missing_or_odd_headers_without_raising(headers, docs_example):
    assert docs_example("verify_webhook").verify(SECRET, headers, b"{}") is False


def test_the_readme_quotes_the_example_verbatim():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    if "docs/examples/verify_webhook.py" not in readme:
        pytest.skip("README.md does not quote docs/examples/verify_webhook.py yet")
    quoted = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert EXAMPLE.read_text(encoding="utf-8") in quoted
