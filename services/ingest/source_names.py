"""The rule a source's name keeps, wherever it is given: the sources file, ``--source``, a posted release's
``source`` and a release file's (pure). The name travels with every event as ``source`` and names the source
in filters, metrics and the ledger."""

from __future__ import annotations

import re

SOURCE_NAME = r"^[a-z0-9][a-z0-9._-]{0,63}$"
SOURCE_NAME_RULE = "1 to 64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit"


def source_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a source's name, or None when it can."""
    if re.fullmatch(SOURCE_NAME, name):
        return None
    return f"{name[:80]!r}: not a source name; use {SOURCE_NAME_RULE}"
