"""``pledgewatch ingest`` of several files stopped by Ctrl+C: how far it got, told on stderr."""

import os
import signal

import pytest

from services.ingest.service import IngestService

pytestmark = pytest.mark.integration


def release_files(folder, count):
    folder.mkdir()
    for n in range(count):
        (folder / f"2020-01-0{n + 1}-plan-{n}.txt").write_text(f"Plan {n}\nThe UK will invest £{n + 1}m.\n")
    return folder


@pytest.fixture
def stopped_after(monkeypatch):
    """``stopped_after(n)``: Ctrl+C comes once the command has read its ``n``th file."""
    def install(n):
        ingest_file, calls = IngestService.ingest_file, []

        async def ingest_then_stop(self, *args, **kwargs):
            result = await ingest_file(self, *args, **kwargs)
            calls.append(result)
            if len(calls) == n:
                os.kill(os.getpid(), signal.SIGINT)
            return result
        monkeypatch.setattr(IngestService, "ingest_file", ingest_then_stop)
    return install


def test_ingest_stopped_by_ctrl_c_says_how_far_it_got_and_that_running_it_again_goes_on(
        cli, tmp_path, capsys, stopped_after):
    """Before: it exited 130 without a word of which files were published."""
    folder = release_files(tmp_path / "inbox", 4)
    assert cli("ingest", str(folder)) == 0
    capsys.readouterr()
    (folder / "2020-01-01-plan-0.txt").write_text("Plan 0\nThe UK will invest £9m.\n")  # a new version
    stopped_after(2)

    assert cli("ingest", str(folder)) == 130
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 2
    assert err.splitlines()[-1] == (
        "stopped: 2 of 4 files read (1 published, 1 unchanged, 0 refused); run the same command again to go on: "
        "a file already published is not published again while it is unchanged")
