"""A feed URL in the sources file gives alerts for its new items, end to end."""

import asyncio
import json
import time

import pytest

from pledgewatch.runner import build_all

pytestmark = pytest.mark.e2e

async def test_new_feed_item_gives_an_alert_and_a_repoll_gives_none(govuk, settings, tmp_path, receiver,
                                                                    ct_desk_subscriptions):
    _, posts = receiver
    govuk.put("/search/news-and-communications.atom", govuk.fixture("feeds/news.atom"), "application/atom+xml",
              etag='"n1"')
    govuk.put_item("press_release")
    govuk.put_item("history_mode")
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - name: govuk-home-office\n"
                       f"    url: {govuk.base}/search/news-and-communications.atom\n    interval: 0.2\n")
    ingest = settings.ingest.model_copy(update={"govuk_url": govuk.base})
    app = build_all(settings.model_copy(update={"subscriptions": ct_desk_subscriptions("s3cret"), "ingest": ingest}),
                    sources=sources)
    await app.start()
    try:
        deadline = time.monotonic() + 20
        while not posts and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert posts, "no alert for the feed's items"
        await asyncio.sleep(1.5)  # several more polls of an unchanged feed (ETag, 304)
    finally:
        await app.stop()
    alerts = [json.loads(p["body"]) for p in posts]
    sources_seen = {a["data"]["release"]["source"] for a in alerts}
    assert sources_seen == {"govuk-home-office"}
    release_ids = [a["data"]["release"]["release_id"] for a in alerts]
    assert len(release_ids) == len(set(release_ids)), "a release was alerted twice"
