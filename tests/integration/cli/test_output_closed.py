"""A command whose output is cut short by its reader (`| head`) ends quietly, as Unix tools do."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_eval_piped_into_head_ends_without_a_traceback():
    command = f"{sys.executable} -m pledgewatch.cli eval tests/data --errors | head -n 2"
    done = subprocess.run(command, shell=True, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert len(done.stdout.splitlines()) == 2
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr, done.stderr
