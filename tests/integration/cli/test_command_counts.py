"""What ``pledgewatch ingest`` publishes and dead-letters, and the letters ``pledgewatch dlq replay`` replays, are
counted at the ``/metrics`` of the system they work on, as what the system's own services do: a command is a
process of its own."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from schemas.streams import EVENT_FIELD
from services.common.service import build_app
from services.ingest.service import IngestService

from .test_dlq import EVENT, dead_letter_entry

pytestmark = pytest.mark.integration

PUBLISHED_FILES = ("pledgewatch_releases_published_total", (("source_kind", "file"),))
FILE_LETTERS = ("pledgewatch_dead_letters_written_total", (("origin", "file"),))
REPLAYED_RELEASES = ("pledgewatch_dead_letters_replayed_total", (("origin", "releases"),))


def _command(settings, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    env.update(REDIS_URL=settings.redis_url, PLEDGEWATCH_PREFIX=settings.prefix,
               PLEDGEWATCH_HOME=str(settings.data_dir))
    return subprocess.run([sys.executable, "-m", "pledgewatch.cli", *args], capture_output=True,
                          text=True, env=env, timeout=60)


def _ingest(path, settings):
    return _command(settings, "ingest", str(path))


async def _scrape(client):
    async with client.get("/metrics") as response:
        assert response.status == 200, await response.text()
        text = await response.text()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


@pytest.fixture
async def metrics(settings):
    app = build_app([IngestService(settings)], settings, title="pledgewatch ingest")
    await app.start()
    async with aiohttp.ClientSession(f"http://127.0.0.1:{app.http.port}") as client:
        yield client
    await app.stop()


async def test_releases_and_dead_letters_of_the_ingest_command_are_counted(metrics, settings, seed_file, tmp_path):
    before = await _scrape(metrics)
    empty = tmp_path / "2020-01-01-empty.txt"
    empty.write_text("")

    published = _ingest(seed_file, settings)
    assert published.returncode == 0, published.stderr
    assert _ingest(seed_file, settings).stdout.startswith("unchanged ")  # counted once
    assert _ingest(empty, settings).returncode == 1  # kept on the dead-letter stream

    after = await _scrape(metrics)
    assert after[PUBLISHED_FILES] - before[PUBLISHED_FILES] == 1
    assert after[FILE_LETTERS] - before.get(FILE_LETTERS, 0.0) == 1
    again = await _scrape(metrics)  # handed over once: a second scrape adds nothing
    assert (again[PUBLISHED_FILES], again[FILE_LETTERS]) == (after[PUBLISHED_FILES], after[FILE_LETTERS])


async def test_letters_the_replay_command_replays_are_counted_once(metrics, settings):
    letters = [await asyncio.to_thread(dead_letter_entry, settings, {EVENT_FIELD: EVENT}, "classifier down")
               for _ in range(2)]
    before = await _scrape(metrics)

    replayed = _command(settings, "dlq", "replay", *letters)
    assert replayed.returncode == 0, replayed.stderr
    assert _command(settings, "dlq", "replay", letters[0]).returncode == 1  # gone: nothing replayed, nothing counted

    after = await _scrape(metrics)
    assert after[REPLAYED_RELEASES] - before.get(REPLAYED_RELEASES, 0.0) == 2
    assert (await _scrape(metrics))[REPLAYED_RELEASES] == after[REPLAYED_RELEASES]
