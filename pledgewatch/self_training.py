"""Self-training of the decision stage on unlabelled releases (``pledgewatch train --unlabelled DIR``).

The rules' proposals of each unlabelled release are scored by a model fitted on the labelled releases
alone; those it is confident about (P(commitment) at or above ``high``: a commitment; at or below ``low``:
not one) join the commitment model's examples with their pseudo-label and ``weight``, and the model is refitted,
``rounds`` times. The cuts are fixed beforehand, never chosen on held-out releases, and a cross-validation
fold's pseudo-labels come from that fold's own model: the unlabelled releases are extra training only, so the
folds stay honest. ``lexical_only``: a pseudo-labelled example keeps only its words and word pairs, so the new
publishers' text shapes the lexical weights and not those of the general signals.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from schemas import ReleasePublished
from services.classifier.core.classifier import proposals_of
from services.classifier.core.decision import DecisionModel
from services.classifier.core.signals import LEXICAL_PREFIXES, tied
from services.ingest.files import ReleaseFileError, load_release

# A proposal of an unlabelled release: its feature names, and whether the rules read a commitment in it.
PoolRow = tuple[list[str], bool]


class UnlabelledSetError(Exception):
    """The unlabelled releases cannot be read."""


@dataclass(frozen=True)
class SelfTraining:
    pool: list[list[PoolRow]]
    high: float = 0.9
    low: float = 0.1
    weight: float = 1.0
    rounds: int = 1
    lexical_only: bool = False


def load_pool(directory: Path) -> list[list[PoolRow]]:
    """The proposals of each release file in ``directory`` (or its ``releases/``), in file name order."""
    folder = directory / "releases" if (directory / "releases").is_dir() else directory
    paths = sorted(folder.glob("*.json"))
    if not paths:
        raise UnlabelledSetError(f"{directory}: no release file (*.json) to learn from")
    try:
        releases = [load_release(path) for path in paths]
    except ReleaseFileError as exc:
        raise UnlabelledSetError(str(exc)) from None
    return [pool_rows(release) for release in releases]


def pool_rows(release: ReleasePublished) -> list[PoolRow]:
    rows = []
    for proposal in proposals_of(release):
        ruled = proposal.found is not None
        rows.append((sorted(tied(proposal.features, ruled)), ruled))
    return rows


def pseudo_labelled(model: DecisionModel, config: SelfTraining) -> list[list[tuple[list[str], bool, float]]]:
    """The pool's proposals ``model`` is confident about, each with its pseudo-label and weight, by release."""
    labelled = []
    for rows in config.pool:
        kept = []
        for names, ruled in rows:
            probability = model.commitment_probability(set(names), ruled)
            if probability >= config.high or probability <= config.low:
                features = [name for name in names if name.startswith(LEXICAL_PREFIXES)] if config.lexical_only \
                    else names
                kept.append((features, probability >= config.high, config.weight))
        labelled.append(kept)
    return labelled
