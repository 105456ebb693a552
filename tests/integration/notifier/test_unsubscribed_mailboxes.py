"""An unsubscribe is undone for the mailbox however its address is written: a domain as its A-label or not, a
local part composed or not (a real Redis)."""

import pytest
import redis.asyncio as aioredis

from services.notifier.unsubscribed import Unsubscribed

pytestmark = pytest.mark.integration


@pytest.fixture
async def unsubscribed(redis_url, key_prefix):
    client = aioredis.Redis.from_url(redis_url)
    yield Unsubscribed(client, lambda name: key_prefix + name, key_prefix + "generations")
    await client.aclose()


@pytest.mark.parametrize("recorded, written", [
    ("jane@xn--bcher-kva.example", "Jane@B\u00fccher.example"),  # a link records the address as it was mailed
    ("jos\u00e9@example.org", "jose\u0301@example.org"),  # decomposed, as some keyboards write it
    ("desk@example.org", "DESK@example.org"),
], ids=["u-label-domain", "decomposed-local-part", "case"])
async def test_a_resubscribe_finds_the_address_however_it_is_written(unsubscribed, recorded, written):
    assert await unsubscribed.add("mail", recorded, 0)
    assert await unsubscribed.remove("mail", written)
    assert await unsubscribed.of("mail") == set()


async def test_an_address_recorded_before_it_could_be_parsed_is_still_undone_as_written(unsubscribed):
    assert await unsubscribed.add("mail", "not-an-address", 0)
    assert await unsubscribed.remove("mail", "Not-An-Address")
