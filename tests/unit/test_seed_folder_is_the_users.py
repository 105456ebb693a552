"""The suite reads of seeds/ only the files the repository ships there, by name: the README invites a user to drop
release files into seeds/ (`make run` watches it), and `make test` must then collect and pass as before.

Before: four classifier tests took every `seeds/*.txt`, so a release a user had dropped there that is not UTF-8 (or
any file `load_release` refuses) stopped the whole collection (`Interrupted: 1 error during collection`), and one it
reads changed what they checked."""

import re
from pathlib import Path

from tests.shipped_seeds import SEED_RELEASE, SEED_SUBSCRIPTIONS

ROOT = Path(__file__).resolve().parents[2]
# `(ROOT / "seeds").glob(…)`, `.rglob(…)`, `.iterdir()`: the repository's seeds/ listed, whatever is in it now
LISTS_SEEDS = re.compile(r"""\(\s*\w+\s*/\s*["']seeds["']\s*\)\s*\.\s*(?:r?glob|iterdir)\b""")


def test_no_test_lists_the_seed_folder():
    listing = [f"{path.relative_to(ROOT)}:{number}"
               for path in sorted((ROOT / "tests").rglob("*.py")) if path.resolve() != Path(__file__).resolve()
               for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
               if LISTS_SEEDS.search(line)]
    assert not listing, f"name the shipped seeds (tests/shipped_seeds.py) instead: {listing}"


def test_the_shipped_seeds_are_there():
    assert SEED_RELEASE.is_file() and SEED_SUBSCRIPTIONS.is_file()
