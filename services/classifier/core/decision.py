"""The decision stage: a small logistic model weighs each proposal's signals.

Two linear models read the same feature names (:mod:`.signals`): one says whether the proposal is a
commitment, the other whether it is a pledge or a demand. A proposal the rules passed over is kept at
P(commitment) >= ``threshold``; one they read is dropped only below ``veto``: the rules' reading stands
unless the model is fairly sure it is wrong. Their weights are plain JSON
(``model/decision.json``), written by ``pledgewatch train`` from the training split and loaded here with
no download; a feature the model never saw weighs nothing.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from schemas import Kind

MODEL_FILE = "decision.json"


@dataclass(frozen=True)
class Linear:
    """``P(yes) = sigmoid(intercept + sum of the weights of the features present)``, where each feature
    weighs its own weight plus its weight tied to the rules' reading (``signals.tied``): the tied weights are
    kept in their own tables, so that scoring builds no new names."""

    weights: dict[str, float]
    intercept: float

    def __post_init__(self) -> None:
        # One table per reading: each feature's own weight plus its weight tied to that reading.
        ruled: dict[str, float] = {}
        unruled: dict[str, float] = {}
        for name, weight in self.weights.items():
            base, _, tag = name.partition("|")
            for table in ((ruled, unruled) if not tag else (ruled,) if tag == "rule" else (unruled,)):
                table[base] = table.get(base, 0.0) + weight
        object.__setattr__(self, "_tables", (unruled, ruled))
        vocabularies = _Vocabulary(unruled), _Vocabulary(ruled)
        if vocabularies[0].same_as(vocabularies[1]):  # the lexical names are never tied: one table serves both
            vocabularies = vocabularies[0], vocabularies[0]
        object.__setattr__(self, "_vocabularies", vocabularies)

    def probability(self, features: set[str], ruled: bool, tokens: list[str] | None = None) -> float:
        """P(yes) for the feature names ``features``, plus, with ``tokens`` (``signals.Signals.tokens``), the
        lexical names made of them: ``probability(features | lexical names, ruled)``."""
        weight = self._tables[ruled].get  # type: ignore[attr-defined]
        total = self.intercept
        for name in features:
            total += weight(name, 0.0)
        if tokens:
            total += self._vocabularies[ruled].weight(tokens)  # type: ignore[attr-defined]
        if total < -35:
            return 0.0
        return 1.0 / (1.0 + math.exp(-total))


class _Vocabulary:
    """The lexical weights of one table (``signals.lexical``: "w:attend", "w2:will_attend"), by token and by
    pair of tokens. A clause's words weigh by two set intersections with the vocabulary: no name is built
    for any of them, and only the few the model knows are looked up."""

    def __init__(self, table: dict[str, float]) -> None:
        self.words = {name[2:]: weight for name, weight in table.items() if name.startswith("w:")}
        self.pairs = {(first, second): weight for name, weight in table.items() if name.startswith("w2:")
                      for first, _, second in [name[3:].partition("_")]}
        self.known_words, self.known_pairs = frozenset(self.words), frozenset(self.pairs)

    def same_as(self, other: "_Vocabulary") -> bool:
        return self.words == other.words and self.pairs == other.pairs

    def weight(self, tokens: list[str]) -> float:
        """The summed weights of the distinct tokens and distinct adjacent pairs of ``tokens``."""
        total = 0.0
        if self.words:
            words = self.words
            for token in self.known_words.intersection(tokens):
                total += words[token]
        if self.pairs:
            pairs = self.pairs
            for pair in self.known_pairs.intersection(zip(tokens, tokens[1:])):
                total += pairs[pair]
        return total


@dataclass(frozen=True)
class DecisionModel:
    version: str
    commitment: Linear
    kind: Linear  # P(demand)
    threshold: float  # P(commitment) at or above which a proposal the rules passed over is kept
    veto: float = 0.0  # P(commitment) below which a commitment the rules read is dropped

    def decide(self, features: set[str], ruled: bool, tokens: list[str] | None = None) -> tuple[float, Kind] | None:
        """(P(commitment), kind) when the proposal is a commitment, else None; ``ruled``: the rules read a
        commitment in it; ``tokens``: the clause's tokens, whose lexical names ``features`` leaves out
        (``signals.Signals``)."""
        probability = self.commitment.probability(features, ruled, tokens)
        if probability < (self.veto if ruled else self.threshold):
            return None
        return probability, Kind.DEMAND if self.kind.probability(features, ruled, tokens) >= 0.5 else Kind.PLEDGE

    @classmethod
    def from_dict(cls, data: dict) -> "DecisionModel":
        try:
            return cls(version=str(data["version"]), threshold=float(data["threshold"]), veto=float(data["veto"]),
                       commitment=Linear(dict(data["commitment"]["weights"]), float(data["commitment"]["intercept"])),
                       kind=Linear(dict(data["kind"]["weights"]), float(data["kind"]["intercept"])))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a decision model: {exc}") from None

    def to_dict(self) -> dict:
        return {"version": self.version, "threshold": self.threshold, "veto": self.veto,
                "commitment": {"intercept": self.commitment.intercept, "weights": self.commitment.weights},
                "kind": {"intercept": self.kind.intercept, "weights": self.kind.weights}}


def load_model(path: Path | None = None) -> DecisionModel:
    """The model in ``path``, or the one shipped with the classifier."""
    text = path.read_text(encoding="utf-8") if path else \
        resources.files(__package__).joinpath("model", MODEL_FILE).read_text(encoding="utf-8")
    return DecisionModel.from_dict(json.loads(text))


@lru_cache(maxsize=1)
def shipped_model() -> DecisionModel:
    return load_model()
