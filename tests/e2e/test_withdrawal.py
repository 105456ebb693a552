"""A GOV.UK item withdrawn (its Content API item given a withdrawn_notice, its feed entry updated), end to end:
the subscriber told of its commitments is told it was withdrawn, with the notice."""

import asyncio
import json
import time

import pytest

from pledgewatch.runner import build_all

pytestmark = pytest.mark.e2e

FEED = "/search/news-and-communications.atom"
NOTICE = "This fund has been replaced by the Ports Security Programme."


async def _posts_of_kind(posts, kind, *, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [json.loads(p["body"])["data"] for p in posts if json.loads(p["body"])["data"]["kind"] == kind]
        if found:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"no {kind} alert within {timeout}s")


async def test_a_withdrawn_govuk_item_tells_its_subscriber_with_the_notice(govuk, settings, tmp_path, receiver,
                                                                          ct_desk_subscriptions):
    _, posts = receiver
    govuk.put(FEED, govuk.fixture("feeds/news.atom"), "application/atom+xml", etag='"n1"')
    govuk.put_item("press_release")
    govuk.put_item("history_mode")
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - name: govuk-home-office\n    url: {govuk.base}{FEED}\n    interval: 0.2\n")
    ingest = settings.ingest.model_copy(update={"govuk_url": govuk.base})
    app = build_all(settings.model_copy(update={"subscriptions": ct_desk_subscriptions("s3cret"), "ingest": ingest}),
                    sources=sources)
    await app.start()
    try:
        told = await _posts_of_kind(posts, "new")
        fund = next(a for a in told if a["release"]["title"].startswith("New fund to harden regional ports"))
        govuk.put(FEED, govuk.fixture("feeds/news.atom").replace(b"+00:00</updated>", b"+01:00</updated>"),
                  "application/atom+xml", etag='"n2"')
        govuk.put_item("withdrawn")
        [withdrawal] = await _posts_of_kind(posts, "withdrawn")
        await asyncio.sleep(1.0)  # more polls: nothing more
    finally:
        await app.stop()
    assert withdrawal["withdrawn_notice"] == NOTICE
    assert withdrawal["release"]["release_id"] == fund["release"]["release_id"]
    assert [c["id"] for c in withdrawal["commitments"]] == [c["id"] for c in fund["commitments"]]
    assert [json.loads(p["body"])["data"]["kind"] for p in posts].count("withdrawn") == 1
