"""What the seeded files point a reader to exists: each ``FILE.md#anchor`` a comment in seeds/ names is a heading
of that file, and each ``README "Section"`` a heading of the README."""

import re
from pathlib import Path

import pytest

from tests.shipped_seeds import SEED_SUBSCRIPTIONS

ROOT = Path(__file__).resolve().parents[2]
SEEDS = [SEED_SUBSCRIPTIONS]


def _anchors(markdown: Path) -> set[str]:
    """GitHub's anchors of the headings of ``markdown``: lower case, spaces to '-', punctuation dropped."""
    headings = re.findall(r"^#+ (.+)$", markdown.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def _headings(markdown: Path) -> set[str]:
    return set(re.findall(r"^#+ (.+?)\s*$", markdown.read_text(encoding="utf-8"), flags=re.MULTILINE))


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_every_reference_in_a_seeded_file_names_an_existing_section(seed):
    comments = "\n".join(line for line in seed.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("#"))
    for path, anchor in re.findall(r"([\w./-]+\.md)#([\w-]+)", comments):
        assert anchor in _anchors(ROOT / path), f"{seed.name}: {path}#{anchor}: no such heading"
    for section in re.findall(r'README "([^"]+)"', comments):
        assert section in _headings(ROOT / "README.md"), f'{seed.name}: README "{section}": no such section'
