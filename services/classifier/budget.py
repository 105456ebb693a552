"""Which releases are read within the time budget: the same for the classifier service and `pledgewatch classify`."""

from __future__ import annotations

from typing import Final

from schemas import ReleasePublished

INLINE_BODY_CHARS: Final = 64_000  # a body longer than this is classified off the event loop, within the budget


def budget_of(release: ReleasePublished, budget_seconds: float) -> float | None:
    """The seconds ``release`` may take to classify: ``budget_seconds`` for a body over ``INLINE_BODY_CHARS``,
    None (read whole: nearly every release, in a fraction of a second) for any other."""
    return budget_seconds if len(release.body) > INLINE_BODY_CHARS else None
