"""A GOV.UK item's description is its summary: the body states the same commitments again."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from services.classifier.core.classifier import classify
from services.ingest.config import SourceConfig
from services.ingest.polling import SourcePoller

pytestmark = pytest.mark.integration

NOW = datetime(2023, 3, 20, 12, 0, tzinfo=timezone.utc)


async def test_money_in_both_the_description_and_the_body_is_one_commitment(govuk, reader, streams, published):
    item = json.loads(govuk.fixture("content-api/press_release.json"))
    item.update(title="Prevent funding boosted", description="An extra £25 million for Prevent.",
                details={"body": "<p>The Home Secretary today announced that the government will provide an extra "
                                 "£25 million for Prevent next year to stop people being drawn into terrorism.</p>"})
    govuk.put("/api/content" + item["base_path"], item)
    link = govuk.base + item["base_path"]
    govuk.put("/news.rss", f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>'
                           f'Prevent funding boosted</title><link>{link}</link><description>An extra £25 million '
                           f'for Prevent.</description></item></channel></rss>', "application/rss+xml")
    config = SourceConfig(name="govuk-home-office", url=govuk.base + "/news.rss", interval=1)
    report = await SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8).poll(
        now=NOW, clock=0)
    assert report.published == 1
    [release] = await published()
    assert [c.money.text for c in classify(release).commitments if c.money] == ["£25 million"]
