"""The whole pipeline on a real Redis: a release file in a watched folder gives
exactly one signed webhook POST to a real HTTP server on 127.0.0.1."""

import asyncio
import hashlib
import hmac
import json
import shutil
import time

import pytest

from pledgewatch.runner import build_all

pytestmark = pytest.mark.e2e

SECRET = "s3cret"


@pytest.fixture
async def pipeline(settings, tmp_path, receiver, ct_desk_subscriptions):
    _, posts = receiver
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    subscriptions = ct_desk_subscriptions(SECRET)
    app = build_all(settings.model_copy(update={"watch": [inbox], "subscriptions": subscriptions}))
    await app.start()
    yield inbox, posts, app
    await app.stop()


async def _wait_for_posts(posts, count, timeout=20.0):
    deadline = time.monotonic() + timeout
    while len(posts) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return len(posts)


def _verify(post):
    headers = {k.lower(): v for k, v in post["headers"].items()}
    timestamp = headers["x-pledgewatch-timestamp"]
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + post["body"], hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-pledgewatch-signature"], f"sha256={expected}")


async def test_seed_file_gives_one_signed_webhook_post_and_reingest_gives_none(pipeline, seed_file):
    inbox, posts, app = pipeline
    dropped_at = time.monotonic()
    shutil.copy(seed_file, inbox / seed_file.name)

    assert await _wait_for_posts(posts, 1) == 1
    print(f"seed file to webhook POST: {posts[0]['at'] - dropped_at:.2f}s")
    _verify(posts[0])
    alert = json.loads(posts[0]["body"])
    assert alert["type"] == "pledgewatch.alert"
    texts = [c["text"] for c in alert["data"]["commitments"]]
    assert any("invest £10m over the next three years" in t for t in texts)
    assert all(c["counter_terrorism"] for c in alert["data"]["commitments"])

    # The same file again, seen by the watcher (new mtime) and ingested explicitly: no second POST.
    shutil.copy(seed_file, inbox / seed_file.name)
    ingest = next(s for s in app.services if s.name == "ingest")  # type: ignore[attr-defined]
    result = await ingest.ingest_file(inbox / seed_file.name)
    assert result is not None and not result.published and result.version == 1
    await asyncio.sleep(3)
    assert len(posts) == 1


async def test_editing_a_release_publishes_a_new_version(pipeline, seed_file):
    inbox, posts, app = pipeline
    target = inbox / seed_file.name
    shutil.copy(seed_file, target)
    assert await _wait_for_posts(posts, 1) == 1
    ingest = next(s for s in app.services if s.name == "ingest")  # type: ignore[attr-defined]
    target.write_text(seed_file.read_text() + "\n\nThe UK will also invest £5m in aviation security by 2019.\n")
    result = await ingest.ingest_file(target)
    assert result is not None and result.published and result.version == 2


async def test_a_release_repeating_the_seed_release_is_told_as_a_re_announcement(pipeline, seed_file):
    inbox, posts, _ = pipeline
    shutil.copy(seed_file, inbox / seed_file.name)
    assert await _wait_for_posts(posts, 1) == 1
    again = seed_file.read_text().replace("Press release: UK ramps up counterterror effort in Iraq",
                                          "Press release: UK restates its counterterror commitments in Iraq", 1)
    # Published in the same year: the classifier weighs the years a sentence names against its release's year, so
    # the same words a year later ("On 29 November 2017 … announcing") may rightly read as past, not pledged.
    (inbox / "2017-12-14-uk-restates-iraq-commitments.txt").write_text(again)
    assert await _wait_for_posts(posts, 2) == 2
    first, second = (json.loads(p["body"])["data"] for p in posts)
    assert first["kind"] == "new" and second["kind"] == "reannounced"
    assert {c["text"] for c in second["commitments"]} == {c["text"] for c in first["commitments"]}
    assert len(second["reannounced"]) == len(second["commitments"])
    assert all(r["words"].startswith("announced 2 times: 29 Nov 2017") for r in second["reannounced"])
