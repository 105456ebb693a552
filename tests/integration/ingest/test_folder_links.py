"""A link dropped into a watched folder while it is watched is told of at once, as at a start: one that leads
out of the folder, and one that leads nowhere (its target missing), are logged with the reason and not read."""

from __future__ import annotations

import asyncio
import logging

import pytest

from services.ingest.service import IngestService

pytestmark = pytest.mark.integration


async def _logged(caplog, fragment: str, timeout: float = 10.0) -> list[str]:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        lines = [r.getMessage() for r in caplog.records if fragment in r.getMessage()]
        if lines:
            return lines
        await asyncio.sleep(0.05)
    return []


@pytest.mark.parametrize("target_exists", [True, False], ids=["outside", "dangling"])
@pytest.mark.parametrize("force_polling", [False, True], ids=["notified", "polling"])
async def test_a_link_dropped_in_while_watching_is_logged(settings, ingest_settings, tmp_path, caplog,
                                                          force_polling, target_exists):
    folder, outside = tmp_path / "releases", tmp_path / "elsewhere.txt"
    folder.mkdir()
    if target_exists:
        outside.write_text("Border plan\nThe UK will invest £5m in border checks.\n")
    service = IngestService(settings.model_copy(update={"poll_seconds": 0.1, "force_polling": force_polling}),
                            watch=[folder], ingest=ingest_settings, sources=[])
    caplog.set_level(logging.WARNING, logger="services.ingest.service")
    await service.start()
    await service.started()
    try:
        await asyncio.sleep(0.5)  # watching
        (folder / "2026-11-19-link.txt").symlink_to(outside)
        lines = await _logged(caplog, "2026-11-19-link.txt")
        why = f"outside the watched folder {folder}" if target_exists else "which does not exist"
        assert lines == [f"skipped {folder / '2026-11-19-link.txt'}: a link to {outside}, {why}"]
    finally:
        await service.stop()
