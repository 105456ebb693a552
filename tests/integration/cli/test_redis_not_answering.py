"""Every command that works on Redis tells a Redis that does not answer alike: one line naming the command, the
Redis (its password hidden), where that Redis came from, and what fits doing about it; exit 1.

Before: `error: /pledgewatch/cli: Redis at 127.0.0.1:9 did not answer …: start it, or point REDIS_URL at one that
runs` for `dlq` and `ledger` (`/pledgewatch/ingest:` for `ingest`), that advice even for the Redis of a running
pledgewatch, where a REDIS_URL of another Redis is refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pledgewatch.runlock import RunLock
from pledgewatch.runstate import write_run_state
from services.common.embedded_redis import free_port
from services.common.settings import Settings

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent
COMMANDS = {
    "status": ["status"],
    "dlq-list": ["dlq", "list"],
    "ledger-rebuild": ["ledger", "rebuild"],
    "ingest": ["ingest", "2026-01-05-plan.md"],
    "ingest-backfill": ["ingest", "--backfill", "--govuk-url", "http://127.0.0.1:9"],
}
COMMAND_NAMES = {"status": "pledgewatch status", "dlq-list": "pledgewatch dlq list",
                 "ledger-rebuild": "pledgewatch ledger rebuild", "ingest": "pledgewatch ingest",
                 "ingest-backfill": "pledgewatch ingest"}


def _pledgewatch(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    (cwd / "2026-01-05-plan.md").write_text("---\ntitle: Plan\n---\nThe UK will invest £10m by 2027.\n")
    return subprocess.run([str(BIN / "pledgewatch"), *args], capture_output=True, text=True, cwd=cwd,
                          env={**full, "PLEDGEWATCH_REDIS_WAIT_SECONDS": "0.5", **env}, timeout=60)


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    return errors[0]


@pytest.mark.parametrize("command", COMMANDS, ids=COMMANDS.keys())
def test_a_redis_url_that_does_not_answer_is_named_with_its_source(command: str, tmp_path: Path):
    url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    line = _one_error_line(_pledgewatch(COMMANDS[command], {"REDIS_URL": url, "PLEDGEWATCH_HOME": str(tmp_path)},
                                        tmp_path))
    shown = url.replace("hunter2", "***")
    assert line.startswith(f"error: {COMMAND_NAMES[command]}: Redis at {shown} (REDIS_URL) did not answer"), line
    assert "hunter2" not in line
    assert line.endswith("start that Redis, or set REDIS_URL to one that runs, or unset it (`pledgewatch run` then "
                         "starts a Redis of its own, which the other commands find)"), line


@pytest.mark.parametrize("embedded", [True, False], ids=["embedded", "its-redis-url"])
@pytest.mark.parametrize("command", COMMANDS, ids=COMMANDS.keys())
def test_the_redis_of_a_running_pledgewatch_that_does_not_answer_is_named_as_the_runs(command: str, embedded: bool,
                                                                                       tmp_path: Path):
    settings = Settings(data_dir=tmp_path, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    with RunLock(tmp_path):  # this process stands for the run: it holds the folder and its pid is alive
        write_run_state(settings, http_url=f"http://127.0.0.1:{free_port()}", embedded=embedded)
        line = _one_error_line(_pledgewatch(COMMANDS[command], {"PLEDGEWATCH_HOME": str(tmp_path)}, tmp_path))
    kind = "embedded Redis" if embedded else "Redis"
    assert line.startswith(f"error: {COMMAND_NAMES[command]}: the {kind} at {settings.redis_url} of the pledgewatch "
                           f"running in {tmp_path} (pid {os.getpid()}) did not answer"), line
    assert "REDIS_URL" not in line, line  # a REDIS_URL of another Redis than the run's is refused
    assert line.endswith("see the run's log"), line
