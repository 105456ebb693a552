"""A webhook endpoint that answers ``429`` (or ``503``) with ``Retry-After`` is tried again no sooner than it asks,
up to ``PLEDGEWATCH_RETRY_MAX_SECONDS``: asked again at once, it would only refuse again, and every attempt of the
delivery would be spent within the spell it asked to be left alone for. Its retry's due time is read where the
notifier keeps it (the outbox, on Redis's clock)."""

import pytest

from samples import FUNDING, release

from notifier_harness import failed_attempts, fast_config, wait_for

pytestmark = pytest.mark.integration

CAP = 600.0


async def _retry_due_in(notifier, receiver, write_yaml, publish_classified, path: str) -> float:
    """Seconds from Redis's now to the retry of the one alert sent to ``path``, once its first attempt failed."""
    subs = write_yaml(f"subscriptions: [{{id: desk, channels: [{{webhook: {{url: '{receiver.url(path)}'}}}}]}}]")
    n = await notifier(config=fast_config(delivery_attempts=50, retry_max_seconds=CAP), subscriptions=subs,
                       allow_private_targets=["127.0.0.0/8"])
    await publish_classified(n.service, release(FUNDING))
    await wait_for(lambda: failed_attempts(n.service, "desk"), what="the first attempt recorded as failed")
    outbox = n.service.outbox
    (_, due), = await outbox.client.zrange(outbox.zset, 0, -1, withscores=True)
    seconds, micros = await outbox.client.time()
    return due - (seconds + micros / 1e6)


async def test_a_retry_waits_as_long_as_the_endpoint_asks(notifier, receiver, write_yaml, publish_classified):
    assert 110 < await _retry_due_in(notifier, receiver, write_yaml, publish_classified, "later120") <= 120


async def test_a_retry_waits_no_longer_than_the_retries_cap_whatever_the_endpoint_asks(
        notifier, receiver, write_yaml, publish_classified):
    assert CAP - 10 < await _retry_due_in(notifier, receiver, write_yaml, publish_classified, "later86400") <= CAP

