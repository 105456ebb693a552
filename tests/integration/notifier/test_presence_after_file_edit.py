"""A subscription just added to the subscriptions file is there for every process of a run, before each has
looked at the file again: with ``pledgewatch run --workers``, the process that reads the edit and plans its
alerts is not always the one whose delivery worker claims them, and nothing in Redis names the new id until
some process's watch notes the edit.

Before: the claiming process judged by the file as it last read it, and cancelled the first deliveries of the
new subscription as "subscription deleted"."""

import pytest
import redis.asyncio as aioredis

from services.notifier.presence import SubscriptionPresence
from services.notifier.store import FileSubscriptions

pytestmark = pytest.mark.integration

HOOK = 'channels: [{webhook: {url: "https://hooks.example.org/x"}}]'
HOOK_SPEC = {"webhook": {"url": "https://hooks.example.org/x"}}  # the channel as a queued job holds it


def UNKNOWN() -> None:  # when a job's message was made: not asked, no subscription here was made again
    return None


def _subscriptions(*ids: str) -> str:
    return "subscriptions:\n" + "".join(f"  - id: {sub_id}\n    {HOOK}\n" for sub_id in ids)


async def test_a_subscription_added_to_the_file_is_not_gone_to_a_process_that_has_not_reread_it(
        tmp_path, redis_url, key_prefix):
    path = tmp_path / "subscriptions.yaml"
    path.write_text(_subscriptions("desk"))
    claiming = FileSubscriptions(path, monotonic=lambda: 0.0)  # looked at the file a moment ago
    claiming.current()
    path.write_text(_subscriptions("desk", "newsroom"))
    planning = FileSubscriptions(path)  # read the edit, planned newsroom's alerts, queued its deliveries
    assert {sub.id for sub in planning.current()} == {"desk", "newsroom"}

    client = aioredis.Redis.from_url(redis_url)
    try:
        presence = SubscriptionPresence(client, f"{key_prefix}notifier:subscriptions",
                                        f"{key_prefix}notifier:subscriptions:from-file", claiming.loaded,
                                        looked_again=claiming.now)
        judged = await presence.judge([("j1", "desk", HOOK_SPEC, 0, UNKNOWN, None),
                                       ("j2", "newsroom", HOOK_SPEC, 0, UNKNOWN, None)])
        assert judged.cancelled == {}
        judged = await presence.judge([("j1", "desk", HOOK_SPEC, 0, UNKNOWN, None),
                                       ("j3", "deleted", HOOK_SPEC, 0, UNKNOWN, None)])
        assert judged.cancelled == {"j3": "deleted"}
    finally:
        await client.aclose()


def _signed_hook(secret: str) -> str:
    return f'channels: [{{webhook: {{url: "https://hooks.example.org/x", secret: {secret}}}}}]'


async def test_a_secret_rotated_in_the_file_signs_what_was_queued_in_a_process_that_has_not_reread_it(
        tmp_path, redis_url, key_prefix):
    """Judged by the file as the claiming process last read it, a job the planning process queued with the new
    secret would go out on the channel remembered there: signed with the secret just replaced."""
    path = tmp_path / "subscriptions.yaml"
    path.write_text(f"subscriptions:\n  - id: desk\n    {_signed_hook('old-secret')}\n")
    claiming = FileSubscriptions(path, monotonic=lambda: 0.0)
    claiming.current()
    path.write_text(f"subscriptions:\n  - id: desk\n    {_signed_hook('new-secret')}\n")
    new = {"type": "webhook", "url": "https://hooks.example.org/x", "secret": "new-secret"}

    client = aioredis.Redis.from_url(redis_url)
    try:
        presence = SubscriptionPresence(client, f"{key_prefix}notifier:subscriptions",
                                        f"{key_prefix}notifier:subscriptions:from-file", claiming.loaded,
                                        looked_again=claiming.now)
        judged = await presence.judge([("queued-after", "desk", new, 0, UNKNOWN, None)])
        assert judged.cancelled == {} and judged.current == {}  # sent as queued: with the new secret
    finally:
        await client.aclose()
