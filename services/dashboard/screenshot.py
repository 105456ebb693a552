"""``python -m services.dashboard.screenshot [PNG]``: the dashboard with the seed release, as a PNG
(``docs/dashboard.png`` by default).

Runs the whole pipeline (``pledgewatch run``'s services) on an embedded Redis of its own, drops the seed release
into its folder, adds two subscriptions (alerts go to the console: nothing leaves the machine), and photographs ``/`` in headless Chromium (see :mod:`.browser`).
The page is dated 1 December 2017, a few days after the seed was published, so its deadlines are upcoming.
Needs the ``dev`` extra (Playwright) and Debian's chromium.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from pledgewatch.runner import build_all
from services.common.embedded_redis import EmbeddedRedis
from services.common.settings import Settings
from services.notifier.subscriptions import parse_subscription

from .browser import CHROMIUM_ARGS, INSTALL_HINT, chromium_path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "2017-11-29-uk-counterterror-iraq.txt"
PAGE_DAY = datetime(2017, 12, 1, 9, 0, tzinfo=timezone.utc)
WIDTH = 1280


async def photograph(out: Path, *, full_page: bool) -> None:
    from playwright.async_api import async_playwright

    browser_path = chromium_path()
    if browser_path is None:
        raise SystemExit(f"no Chromium: {INSTALL_HINT}")
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp) / "redis", appendonly=False) as url:
        inbox = Path(tmp) / "inbox"
        inbox.mkdir()
        settings = Settings(redis_url=url, prefix="shot:", data_dir=Path(tmp) / "data", watch=[inbox],
                            http_host="127.0.0.1", http_port=0, subscriptions=None,
                            api_token="screenshot-token-0123456789")
        app = build_all(settings)
        ledger = next(s for s in app.services if s.name == "ledger")  # type: ignore[attr-defined]
        ledger.page_clock = lambda: PAGE_DAY
        await app.start()
        try:
            await ledger.subscriptions.put(parse_subscription({
                "id": "ct-desk", "filter": {"counter_terrorism": True, "categories": ["funding", "training"]},
                "channels": ["console"]}))
            await ledger.subscriptions.put(parse_subscription({
                "id": "sanctions-weekly", "filter": {"categories": ["sanctions"]}, "mode": "digest",
                "channels": [{"email": {"to": ["desk@example.org"]}}], "paused_until": "2099-01-01T00:00:00Z"}))
            shutil.copy(SEED, inbox / SEED.name)
            await _until_read(ledger)
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=str(browser_path), args=CHROMIUM_ARGS)
                page = await browser.new_page(viewport={"width": WIDTH, "height": 900})
                await page.goto(f"http://127.0.0.1:{app.http.port}/")  # type: ignore[attr-defined]
                await page.screenshot(path=str(out), full_page=full_page)
                await browser.close()
        finally:
            await app.stop()


async def _until_read(ledger, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not await ledger.store.recent_releases(limit=1):
        if time.monotonic() > deadline:
            raise SystemExit("the seed release did not reach the ledger in time")
        await asyncio.sleep(0.1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "docs" / "dashboard.png")
    parser.add_argument("--viewport-only", action="store_true", help="the first screen, not the whole page")
    args = parser.parse_args(argv)
    asyncio.run(photograph(args.out, full_page=not args.viewport_only))
    print(args.out, file=sys.stderr)


if __name__ == "__main__":
    main()
