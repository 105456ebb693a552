"""`pledgewatch run` stopped by SIGTERM or SIGINT while it is still starting (its modules loading, its embedded
Redis starting, its workers being spawned) stops as cleanly as a running one: exit 0, no redis-server or worker
left, no run.json left behind.

Before: a SIGTERM in the first seconds (while the command's modules load) killed it (exit 143, the default
action), and a SIGINT then printed a KeyboardInterrupt traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

SIGNAL_BITS = {signal.SIGTERM: 1 << (signal.SIGTERM - 1), signal.SIGINT: 1 << (signal.SIGINT - 1)}
# As soon as its own code runs (before, the interpreter is starting, and a signal acts as on any program), so
# many seconds after that, or once a path under its data folder is there: the embedded Redis's folder
# (redis-server starting), run.json (the workers spawned, the services running).
MOMENTS = {"as-soon-as-it-can": None, "0.2s": 0.2, "0.5s": 0.5, "1s": 1.0, "1.5s": 1.5,
           "redis-starting": "redis", "services-running": "run.json"}


def _holds(pid: int, sig: int) -> bool:
    """Whether process ``pid`` holds ``sig`` (blocked) yet: the first moment the program's own code can do
    anything about it; before, the interpreter itself is starting (its SIGINT handler then interrupts the
    import of its own modules)."""
    try:
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    except OSError:
        return True  # gone: nothing more to wait for
    return bool(int(fields["SigBlk"], 16) & SIGNAL_BITS[sig])


def _processes_marked(marker: str) -> list[int]:
    """The live processes whose environment holds ``marker``: the run and everything it started."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.timeout(90)
@pytest.mark.parametrize("moment", MOMENTS.values(), ids=MOMENTS.keys())
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_while_the_run_starts_stops_it_cleanly(sig: int, moment: float | str | None, tmp_path: Path):
    (tmp_path / "inbox").mkdir()
    home, marker = tmp_path / "home", f"PW_TEST_RUN_MARK={uuid.uuid4().hex}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    env.update({"PLEDGEWATCH_HOME": str(home), "PLEDGEWATCH_HTTP_PORT": "0", "PLEDGEWATCH_WORKERS": "2",
                "PYTHONUNBUFFERED": "1", marker.split("=")[0]: marker.split("=")[1]})
    log = tmp_path / "run.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "pledgewatch.cli", "run", "--watch", str(tmp_path / "inbox")],
                                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
        try:
            deadline = time.monotonic() + 30
            while not _holds(proc.pid, sig) and time.monotonic() < deadline:
                time.sleep(0.001)
            if isinstance(moment, str):
                while not (home / moment).exists() and time.monotonic() < deadline:
                    time.sleep(0.001)
                assert (home / moment).exists(), log.read_text()
            elif moment is not None:
                time.sleep(moment)
            proc.send_signal(sig)
            code = proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    left = _processes_marked(marker)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    text = log.read_text()
    assert code == 0, text
    assert left == [], text  # its embedded redis-server, its worker
    assert not (home / "run.json").exists(), text
    assert "Traceback" not in text, text
