"""A source's URL may carry a key (``?api_key=…``, ``user:password@``): what a failed poll leaves to be read
without the API token (`pledgewatch status`, `GET /sources`, the dashboard) and its log lines show the source's
host, never the key."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

import pytest

from services.ingest.config import SourceConfig
from services.ingest.polling import SourcePoller
from services.ingest.source_reads import read_sources
from services.ingest.source_rhythm import register_sources

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
SECRETS = ("K3Y-0f-the-feed", "pa55word")


@pytest.mark.parametrize("path, route", [
    ("/loop", {"body": "", "status": 302, "headers": {"Location": "/loop?api_key=K3Y-0f-the-feed"}}),
    ("/not-a-feed", {"body": "<html><body>no feed here</body></html>", "content_type": "text/html"}),
], ids=["too-many-redirects", "not-a-feed"])
async def test_a_failed_poll_shows_no_key_of_the_source_url(govuk, reader, streams, caplog, path, route):
    await register_sources(streams, {"keyed": "feed"})
    govuk.put(path, **route)
    url = govuk.base.replace("//", "//reader:pa55word@") + path + "?api_key=K3Y-0f-the-feed"
    source = SourcePoller(SourceConfig(name="keyed", type="feed", url=url, interval=1), reader=reader,
                          streams=streams, interval=1, max_backoff=8)
    with caplog.at_level(logging.INFO, logger="services.ingest"):
        assert await source.run(now=NOW, clock=100.0) is None
    [shown] = [s for s in await read_sources(streams, now=NOW) if s.id == "keyed"]
    assert shown.failing is not None and "127.0.0.1" in shown.failing.error, shown
    said = json.dumps([shown.model_dump(mode="json"), caplog.text])
    assert [secret for secret in SECRETS if secret in said] == [], said
