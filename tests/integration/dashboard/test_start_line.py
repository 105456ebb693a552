"""The line a process serving HTTP logs as it starts names what it serves, the dashboard among them."""

import logging

import pytest

from services.common.auth import ApiAuth
from services.common.http import HttpServer

pytestmark = pytest.mark.integration


def _start_line(caplog) -> str:
    (line,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("HTTP on ")]
    return line


async def test_the_start_line_names_the_dashboard_where_it_is_served(ledger_app, caplog):
    """Before: ``HTTP on http://127.0.0.1:8080 (health: /healthz, metrics: /metrics, API: /openapi.json)``, and
    nothing said that a browser finds the dashboard at ``/``."""
    caplog.set_level(logging.INFO, logger="services.common.http")
    base = await ledger_app()
    assert _start_line(caplog) == (f"HTTP on {base} (dashboard: /, health: /healthz, metrics: /metrics, "
                                   "API: /openapi.json)")


async def test_the_start_line_names_no_dashboard_where_none_is_served(settings, caplog):
    caplog.set_level(logging.INFO, logger="services.common.http")
    server = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    await server.start()
    try:
        assert _start_line(caplog) == (f"HTTP on http://127.0.0.1:{server.port} (health: /healthz, "
                                       "API: /openapi.json)")
    finally:
        await server.stop()
