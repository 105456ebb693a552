"""Unsubscribes kept in the data folder while Redis could not take them, recorded in a real Redis later: none lost
to an append made meanwhile or to a line a crash cut short, none recorded for a subscription deleted since."""

import asyncio

import pytest
import redis.asyncio as aioredis

from services.notifier.unsubscribe import Recipient
from services.notifier.unsubscribe_spool import UnsubscribeSpool, spool_line
from services.notifier.unsubscribed import Unsubscribed

pytestmark = pytest.mark.integration

DESK, OPS = Recipient("mail", "desk@example.org"), Recipient("mail", "ops@example.org")


@pytest.fixture
async def unsubscribed(redis_url, key_prefix):
    client = aioredis.Redis.from_url(redis_url)
    yield Unsubscribed(client, lambda name: key_prefix + name, key_prefix + "generations")
    await client.aclose()


async def test_kept_unsubscribes_are_recorded_once_and_dropped(tmp_path, unsubscribed):
    spool = UnsubscribeSpool(tmp_path / "data")
    spool.append(DESK)
    spool.append(OPS)
    assert spool.holds(DESK) and spool.holds(OPS)
    assert (spool.path.stat().st_mode & 0o777, spool.path.parent.stat().st_mode & 0o777) == (0o600, 0o700)
    assert await spool.replay(unsubscribed) == 2
    assert await unsubscribed.of("mail") == {DESK.address, OPS.address}
    assert not spool.path.exists() and await spool.replay(unsubscribed) == 0


def test_a_link_pressed_again_and_again_is_kept_once(tmp_path):
    """Whoever holds one link could otherwise grow the file without end while Redis is down (a line and an
    fsync a POST), and every email, listing and replay after would read it all."""
    spool = UnsubscribeSpool(tmp_path / "data")
    for _ in range(50):
        spool.append(DESK)
    spool.append(OPS)
    assert spool.path.read_text().splitlines() == [spool_line(DESK).strip(), spool_line(OPS).strip()]


async def test_an_unsubscribe_kept_while_others_are_recorded_is_not_dropped_with_them(tmp_path, unsubscribed,
                                                                                      monkeypatch):
    spool = UnsubscribeSpool(tmp_path / "data")
    spool.append(DESK)
    add = unsubscribed.add

    async def then_another(*args):  # a link pressed while the replay records DESK
        spool.append(OPS)
        return await add(*args)
    monkeypatch.setattr(unsubscribed, "add", then_another)
    assert await spool.replay(unsubscribed) == 1
    assert spool.holds(OPS) and not spool.holds(DESK)
    monkeypatch.undo()
    assert await spool.replay(unsubscribed) == 1
    assert await unsubscribed.of("mail") == {DESK.address, OPS.address}


async def test_a_line_cut_short_by_a_crash_costs_no_later_unsubscribe(tmp_path, unsubscribed):
    spool = UnsubscribeSpool(tmp_path / "data")
    spool.path.parent.mkdir(parents=True)
    spool.path.write_text('{"address": "gone@exa')  # the process died while writing it
    spool.append(DESK)
    assert await spool.replay(unsubscribed) == 2  # the half line dropped (logged), DESK recorded
    assert await unsubscribed.of("mail") == {DESK.address}


async def test_a_kept_unsubscribe_of_a_subscription_deleted_since_records_nothing(tmp_path, unsubscribed):
    spool = UnsubscribeSpool(tmp_path / "data")
    spool.append(DESK)  # a link of generation 0
    await unsubscribed.client.hset(unsubscribed.generations, "mail", 2)  # deleted, and made again
    assert await spool.replay(unsubscribed) == 1
    assert await unsubscribed.of("mail") == set() and not spool.path.exists()


async def test_a_replay_while_redis_cannot_take_it_keeps_every_unsubscribe(tmp_path, frozen_port):
    client = aioredis.Redis(host="127.0.0.1", port=frozen_port, socket_timeout=0.2)
    spool = UnsubscribeSpool(tmp_path / "data")
    spool.append(DESK)
    try:
        assert await asyncio.wait_for(spool.replay(Unsubscribed(client, str, "generations")), 10) == 0
    finally:
        await client.aclose()
    assert spool.holds(DESK)


async def test_a_spool_that_cannot_be_read_is_logged_not_raised(tmp_path, unsubscribed, caplog):
    """An email reads the spool before it is sent: a spool it cannot read must not fail the email."""
    spool = UnsubscribeSpool(tmp_path / "data")
    spool.path.mkdir(parents=True)  # a folder where the file should be: unreadable as one, even by root
    assert await spool.replay(unsubscribed) == 0
    assert "not recorded" in caplog.text
