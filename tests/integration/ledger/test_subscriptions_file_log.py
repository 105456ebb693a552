"""The ledger reads the subscriptions file only to show it; the notifier is the one that tells what is wrong
with it. Before, ``pledgewatch run`` logged each warning about the file twice at start, and each broken edit
twice (the second when the dashboard was next opened), against "a broken edit is logged once"."""

from __future__ import annotations

import asyncio
import logging
import os

import pytest

from services.ledger.service import LedgerService

pytestmark = pytest.mark.integration

OLDER = "subscriptions: [{id: desk, channels: [console], reminders: [P7D, P1W]}]\n"


async def test_the_ledger_shows_the_file_and_leaves_its_problems_to_the_notifier(settings, tmp_path, caplog):
    path = tmp_path / "subs.yaml"
    path.write_text(OLDER)
    service = LedgerService(settings.model_copy(update={"subscriptions": path}))
    with caplog.at_level(logging.DEBUG, logger="services.notifier.store"):
        await service.start()
        try:
            assert (await service.subscriptions.get("desk")).reminders == ["P7D"]  # the first of the two
            path.write_text("subscriptions: [{id: desk, channels: [pigeon]}]\n")
            os.utime(path, (2_000, 2_000))
            await asyncio.sleep(1.1)  # past the file's recheck period
            assert (await service.subscriptions.get("desk")).reminders == ["P7D"]  # the last good version kept
        finally:
            await service.stop()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
