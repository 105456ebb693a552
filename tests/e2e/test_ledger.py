"""The ledger on the whole pipeline: a release dropped in, then edited, read through `pledgewatch run`'s
services on a real Redis."""

import asyncio
import shutil
import time

import pytest

from pledgewatch.runner import build_all
from services.ledger.core.entries import EntryState

pytestmark = pytest.mark.e2e


@pytest.fixture
async def pipeline(settings, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    app = build_all(settings.model_copy(update={"watch": [inbox]}))
    await app.start()
    yield inbox, next(s for s in app.services if s.name == "ledger")  # type: ignore[attr-defined]
    await app.stop()


async def _entries_when(ledger, done, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        entries = [e for release_id in await ledger.store.recent_releases()
                   for e in await ledger.store.release_entries(release_id)]
        if done(entries):
            return entries
        await asyncio.sleep(0.05)
    raise AssertionError(f"the ledger did not get there: {entries}")


async def test_a_release_and_its_edit_in_the_ledger(pipeline, seed_file):
    inbox, ledger = pipeline
    target = inbox / seed_file.name
    shutil.copy(seed_file, target)
    first = await _entries_when(ledger, lambda entries: len(entries) >= 5)
    assert {e.state for e in first} == {EntryState.ACTIVE}
    funding = next(e for e in first if "£10m" in e.commitment.text)

    target.write_text(seed_file.read_text().replace("£10m", "£8m"))
    entries = await _entries_when(ledger, lambda entries: any(e.state is EntryState.CHANGED for e in entries))
    changed = next(e for e in entries if e.key == funding.key)
    assert changed.versions == [1, 2]
    assert [c.words() for c in changed.history[-1].changes] == ["money £10m \u2192 £8m"]
    assert len(entries) == len(first)
