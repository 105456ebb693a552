"""A release file deleted from a watched folder while it is watched: ingest says that this withdraws nothing, and
publishes nothing. Real folder, the real watch, the session's Redis."""

from __future__ import annotations

import asyncio
import logging

import pytest

from services.ingest.service import IngestService
from tests.integration.ingest.settled_files import write_settled

pytestmark = pytest.mark.integration

PLAN = "Border plan published\nThe UK will invest £5m in border checks by 1 March 2027.\n"


async def _until(predicate, what: str) -> None:
    for _ in range(200):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def test_a_file_deleted_from_a_watched_folder_is_said_to_withdraw_nothing(tmp_path, settings, ingest_settings,
                                                                                 published, caplog):
    """Before: the deletion went without a word, though the release stays published and its reminders planned."""
    plan = write_settled(tmp_path / "2026-12-01-plan.txt", PLAN)
    service = IngestService(settings, watch=[tmp_path], ingest=ingest_settings, sources=[])
    await service.start()
    await service.started()
    try:
        await _until(lambda: plan in service.scanner.seen, "the file read")
        await asyncio.sleep(0.3)
        with caplog.at_level(logging.INFO, logger="services.ingest.service"):
            plan.unlink()
            said = f"{plan}: removed from the watched folder; its release stays as published"
            await _until(lambda: any(r.getMessage().startswith(said) for r in caplog.records), "the removal told")
    finally:
        await service.stop()
    assert len(await published()) == 1
