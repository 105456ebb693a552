"""A started notifier is listed among its group's consumers before any entry arrives."""

import pytest

from schemas.streams import CLASSIFIED, NOTIFIER_GROUP

pytestmark = pytest.mark.integration


async def test_a_started_notifier_is_a_consumer_of_its_group_with_nothing_read_yet(notifier):
    """Before: Redis lists a consumer only once XREADGROUP has given it an entry, so right after a restart
    ``pledgewatch status`` showed 0 consumers in every group, as if nothing were reading."""
    n = await notifier()
    streams = n.service.runtime.streams
    consumers = await streams.client.xinfo_consumers(streams.key(CLASSIFIED), NOTIFIER_GROUP)
    assert [c["name"].decode() for c in consumers] == [n.service.settings.consumer]
