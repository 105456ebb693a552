"""A command-line argument that is a count: a whole number from 1, up to a bound or not."""

from __future__ import annotations

import argparse


def whole_number(text: str, *, wanted: str, most: int | None = None) -> int:
    """``text`` as a whole number from 1 to ``most`` (None: no bound); else an argparse error saying ``wanted``."""
    limits = f"1 to {most}" if most else "1 or more"
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: not a whole number; give {wanted}, {limits}") from None
    if number < 1 or (most is not None and number > most):
        raise argparse.ArgumentTypeError(f"{number}: give {wanted}, {limits}")
    return number
