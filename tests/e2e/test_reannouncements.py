"""The whole pipeline on a real Redis: a release announcing again what an earlier one did reaches the
subscriber as a re-announcement, never as new."""

import asyncio
import json
import shutil
import time

import pytest

from pledgewatch.runner import build_all

pytestmark = pytest.mark.e2e


@pytest.fixture
async def pipeline(settings, tmp_path, receiver, ct_desk_subscriptions):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    app = build_all(settings.model_copy(update={"watch": [inbox], "subscriptions": ct_desk_subscriptions("s")}))
    await app.start()
    yield inbox, receiver[1]
    await app.stop()


async def _posts(posts, count, timeout=20.0):
    deadline = time.monotonic() + timeout
    while len(posts) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return [json.loads(p["body"])["data"] for p in posts]


async def test_a_release_repeating_the_seed_release_is_told_as_a_re_announcement(pipeline, seed_file):
    inbox, posts = pipeline
    shutil.copy(seed_file, inbox / seed_file.name)
    [first] = await _posts(posts, 1)
    again = seed_file.read_text().replace("Press release: UK ramps up counterterror effort in Iraq",
                                          "Press release: UK restates its counterterror commitments in Iraq", 1)
    (inbox / "2018-03-14-uk-restates-iraq-commitments.txt").write_text(again)
    first, second = await _posts(posts, 2)
    assert first["kind"] == "new" and second["kind"] == "reannounced"
    assert {c["text"] for c in second["commitments"]} == {c["text"] for c in first["commitments"]}
    assert all(r["words"].startswith("announced 2 times: 29 Nov 2017") for r in second["reannounced"])
    assert len(second["reannounced"]) == len(second["commitments"])
