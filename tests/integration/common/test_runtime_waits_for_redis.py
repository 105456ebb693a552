"""A service started before its Redis answers waits for it instead of exiting (compose starts them together;
a restarted Redis is loading its data for a while)."""

import asyncio
import logging

import pytest

from services.common.embedded_redis import EmbeddedRedis, free_port
from services.common import runtime as runtime_module
from services.common.runtime import Runtime

pytestmark = pytest.mark.integration


async def test_a_service_waits_for_a_redis_that_comes_up_after_it(settings, tmp_path):
    port = free_port()
    runtime = Runtime(settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{port}/0",
                                                  "redis_wait_seconds": 20.0}), source="/test")
    opening = asyncio.create_task(runtime.open())
    await asyncio.sleep(1.0)
    assert not opening.done(), "gave up before Redis came up"
    server = EmbeddedRedis(tmp_path / "redis", appendonly=False, port=port)
    await server.start_from_loop()
    try:
        streams = await asyncio.wait_for(opening, 10)
        assert await streams.client.ping()
    finally:
        await runtime.close()
        server.stop()


async def test_a_redis_that_never_answers_ends_the_wait_with_one_line(settings):
    port = free_port()
    runtime = Runtime(settings.model_copy(update={"redis_url": f"redis://user:secret@127.0.0.1:{port}/0",
                                                  "redis_wait_seconds": 0.5}), source="/test")
    with pytest.raises(RuntimeError) as caught:
        await runtime.open()
    message = str(caught.value)
    assert f"127.0.0.1:{port}" in message and "did not answer within 0.5 s" in message
    assert "secret" not in message and "\n" not in message


def test_pledgewatch_ingest_reports_an_unanswering_redis_in_one_line_within_seconds(tmp_path, monkeypatch, capsys):
    import time

    from pledgewatch.cli import main

    release = tmp_path / "release.txt"
    release.write_text("Border plan\nThe UK will invest £5m in border checks.\n")
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    monkeypatch.chdir(tmp_path)
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    started = time.monotonic()
    try:
        assert main(["ingest", str(release)]) == 1  # sets up the command's logging: put back after
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers
    assert time.monotonic() - started < 10
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "did not answer" in err and "\n" not in err


async def test_a_frozen_redis_ends_the_wait_when_the_wait_ends_not_at_the_command_timeout(settings, frozen_port,
                                                                                            monkeypatch):
    """A Redis that takes the connection and never answers (stopped with SIGSTOP, overloaded): before, the first
    PING waited the whole command timeout (5 s), so a command's 3 s wait took 8 to 10 s. Here the command timeout
    is an hour: the wait ends long before it, or not at all."""
    monkeypatch.setattr(runtime_module, "COMMAND_TIMEOUT_SECONDS", 3600.0)
    runtime = Runtime(settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{frozen_port}/0",
                                                  "redis_wait_seconds": 0.5}), source="/test")
    with pytest.raises(RuntimeError) as caught:
        await asyncio.wait_for(runtime.open(), 30)
    assert "did not answer within 0.5 s" in str(caught.value)
