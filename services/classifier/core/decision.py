"""The decision stage: a small logistic model weighs each proposal's signals.

Two linear models read the same feature names (:mod:`.signals`): one says whether the proposal is a
commitment, the other whether it is a pledge or a demand. The first one's P(commitment) is then corrected
by ``Interactions``: boosted trees of depth two over the general signals and that probability, written out
as the weights of single signals and of pairs of them (a tree of depth two is exactly such a sum), so that
"an operative verb in coverage of a UN meeting" may weigh otherwise than each alone. A proposal the rules passed over is kept at
P(commitment) >= ``threshold``; one they read is dropped only below ``veto``: the rules' reading stands
unless the model is fairly sure it is wrong. Their weights are plain JSON
(``model/decision.json``), written by ``pledgewatch train`` from the training split and loaded here with
no download; a feature the model never saw weighs nothing.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import chain, repeat
from pathlib import Path

from schemas import Kind

MODEL_FILE = "decision.json"


@dataclass(frozen=True)
class Linear:
    """``P(yes) = sigmoid(intercept + sum of the weights of the features present)``, where each feature
    weighs its own weight plus its weight tied to the rules' reading (``signals.tied``): the tied weights are
    kept in their own tables, so that scoring builds no new names. The sum is exact (``math.fsum``): a set's
    order follows the string hash seed, and two processes must give the same float to the last bit."""

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
        # The same without the lexical names, for a clause whose words come as tokens: a table of a tenth the
        # size, which the rules evict less often from the caches between two clauses.
        object.__setattr__(self, "_general", tuple({name: weight for name, weight in table.items()
                                                    if not name.startswith(_LEXICAL)} for table in (unruled, ruled)))
        vocabularies = _Vocabulary(unruled), _Vocabulary(ruled)
        if vocabularies[0].same_as(vocabularies[1]):  # the lexical names are never tied: one table serves both
            vocabularies = vocabularies[0], vocabularies[0]
        # None for a model that weighs no words (the kind model)
        vocabularies = tuple(table if table.words or table.pairs else None for table in vocabularies)
        object.__setattr__(self, "_vocabularies", vocabularies)

    def probability(self, features: set[str], ruled: bool, tokens: list[str] | None = None) -> float:
        """P(yes) for the feature names ``features``, plus, with ``tokens`` (``signals.Signals.tokens``), the
        lexical names made of them: ``probability(features | lexical names, ruled)`` (``features`` then holds no
        lexical name)."""
        vocabulary = self._vocabularies[ruled]  # type: ignore[attr-defined]
        if tokens and vocabulary is not None:
            # ``features`` holds no lexical name here (they come as ``tokens``)
            weights = map(self._general[ruled].get, features, repeat(0.0))  # type: ignore[attr-defined]
            # Intersected with the tables' own keys: a frozenset beside each table made each look-up touch twice
            # the memory, which the rules evict from the caches between two clauses (2-3 % of the classifier's time).
            words, pairs = vocabulary.words, vocabulary.pairs
            total = math.fsum(chain((self.intercept,), weights, map(words.__getitem__, words.keys() & tokens),
                                    map(pairs.__getitem__, pairs.keys() & zip(tokens, tokens[1:]))))
        else:
            table = self._tables[ruled]  # type: ignore[attr-defined]
            total = math.fsum(chain((self.intercept,), map(table.get, features, repeat(0.0))))
        if total < -35:
            return 0.0
        return 1.0 / (1.0 + math.exp(-total))


_LEXICAL = ("w:", "w2:")  # signals.LEXICAL_PREFIXES (not imported: the model stands apart from the signals)


class _Vocabulary:
    """The lexical weights of one table (``signals.lexical``: "w:attend", "w2:will_attend"), by token and by
    pair of tokens. A clause's words weigh by two set intersections with the vocabulary: no name is built
    for any of them, and only the few the model knows are looked up."""

    def __init__(self, table: dict[str, float]) -> None:
        self.words = {name[2:]: weight for name, weight in table.items() if name.startswith("w:")}
        # The words of the pairs are the words' own strings (one object for each word): a pair found is then
        # compared with memory a word's look-up has just read, not with a copy of its own (in alternating runs in
        # one process, 2-3 % less of the classifier's time).
        word = {token: token for token in self.words}.setdefault
        self.pairs = {(word(first, first), word(second, second)): weight for name, weight in table.items()
                      if name.startswith("w2:") for first, _, second in [name[3:].partition("_")]}

    def same_as(self, other: "_Vocabulary") -> bool:
        return self.words == other.words and self.pairs == other.pairs


LINEAR_STEP = "linear>"  # a step on the linear model's P(commitment): "linear>0.4215" is present above it


@dataclass(frozen=True)
class Interactions:
    """``P(yes) = sigmoid(intercept + the weights of the names present + the weights of the pairs of names
    both present)``, where the names are the general signals (``signals.Signals.general``) and the steps
    ``LINEAR_STEP + threshold`` that the linear model's probability lies above; summed exactly, as in
    ``Linear``."""

    weights: dict[str, float]
    pairs: list[tuple[str, str, float]]
    intercept: float

    def __post_init__(self) -> None:
        # Scoring reads, for each signal present that the model knows: its weight, the signals it pairs with,
        # and the thresholds it pairs with; the steps alone (and the pairs of two steps) add up to one
        # weight for each place of the probability among the thresholds (``_steps``, ``_step_totals``).
        step_weights: dict[float, float] = {}
        step_pairs: list[tuple[float, float]] = []  # (the higher threshold of the two, the weight)
        known: dict[str, tuple[float, list[tuple[str, float]], list[tuple[float, float]]]] = {}

        def entry(name: str) -> tuple[float, list[tuple[str, float]], list[tuple[float, float]]]:
            return known.setdefault(name, (0.0, [], []))

        for name, weight in self.weights.items():
            if name.startswith(LINEAR_STEP):
                step = _threshold(name)
                step_weights[step] = step_weights.get(step, 0.0) + weight
            else:
                _, partners, steps = entry(name)
                known[name] = (weight, partners, steps)
        for first, second, weight in self.pairs:
            if first.startswith(LINEAR_STEP) and second.startswith(LINEAR_STEP):
                step_pairs.append((max(_threshold(first), _threshold(second)), weight))
            elif first.startswith(LINEAR_STEP) or second.startswith(LINEAR_STEP):
                step, name = (first, second) if first.startswith(LINEAR_STEP) else (second, first)
                entry(name)[2].append((_threshold(step), weight))
            else:
                entry(first)[1].append((second, weight))
        for step, weight in step_pairs:
            step_weights[step] = step_weights.get(step, 0.0) + weight
        steps = sorted(step_weights)
        totals, total = [0.0], 0.0
        for step in steps:  # totals[k]: the weight of the k lowest steps, all below the probability
            total += step_weights[step]
            totals.append(total)
        object.__setattr__(self, "_steps", steps)
        object.__setattr__(self, "_step_totals", totals)
        object.__setattr__(self, "_known", {name: (weight, tuple(partners), tuple(steps))
                                            for name, (weight, partners, steps) in known.items()})
        object.__setattr__(self, "_names", frozenset(known))

    def probability(self, features: set[str], linear: float) -> float:
        """P(yes) for the general signals ``features`` and the linear model's probability ``linear``."""
        terms = [self.intercept, self._step_totals[bisect_left(self._steps, linear)]]  # type: ignore[attr-defined]
        known = self._known  # type: ignore[attr-defined]
        # An intersection iterates its smaller operand; the table's own keys spare a look-up in the frozenset.
        present = known.keys() & features if len(features) < len(known) else \
            self._names.intersection(features)  # type: ignore[attr-defined]
        for name in present:
            weight, partners, steps = known[name]
            terms.append(weight)
            for other, pair_weight in partners:
                if other in features:
                    terms.append(pair_weight)
            for step, pair_weight in steps:
                if step < linear:
                    terms.append(pair_weight)
        total = math.fsum(terms)
        if total < -35:
            return 0.0
        return 1.0 / (1.0 + math.exp(-total))


def _threshold(step: str) -> float:
    return float(step[len(LINEAR_STEP):])


def step_name(threshold: float) -> str:
    """The name of the step above ``threshold`` of the linear model's probability (``LINEAR_STEP``)."""
    return f"{LINEAR_STEP}{threshold:.6f}"


@dataclass(frozen=True)
class DecisionModel:
    version: str
    commitment: Linear
    kind: Linear  # P(demand)
    threshold: float  # P(commitment) at or above which a proposal the rules passed over is kept
    veto: float = 0.0  # P(commitment) below which a commitment the rules read is dropped
    interactions: Interactions | None = None  # corrects the commitment model's probability, when present
    # P(commitment) at or above which a proposal whose paragraph names terrorism makes its release about
    # terrorism, kept or not (None: only a commitment kept does)
    terrorism_cut: float | None = None

    def commitment_probability(self, features: set[str], ruled: bool, tokens: list[str] | None = None) -> float:
        """P(commitment) for a proposal (``decide``'s arguments)."""
        probability = self.commitment.probability(features, ruled, tokens)
        return probability if self.interactions is None else self.interactions.probability(features, probability)

    def decide(self, features: set[str], ruled: bool, tokens: list[str] | None = None, *,
               probability: float | None = None) -> tuple[float, Kind] | None:
        """(P(commitment), kind) when the proposal is a commitment, else None; ``ruled``: the rules read a
        commitment in it; ``tokens``: the clause's tokens, whose lexical names ``features`` leaves out
        (``signals.Signals``); ``probability``: its ``commitment_probability``, when known."""
        if probability is None:
            probability = self.commitment_probability(features, ruled, tokens)
        if probability < (self.veto if ruled else self.threshold):
            return None
        return probability, Kind.DEMAND if self.kind.probability(features, ruled, tokens) >= 0.5 else Kind.PLEDGE

    @classmethod
    def from_dict(cls, data: dict) -> "DecisionModel":
        try:
            interactions = data.get("interactions")
            if interactions is not None:
                interactions = Interactions(
                    dict(interactions["weights"]), [(str(a), str(b), float(w)) for a, b, w in interactions["pairs"]],
                    float(interactions["intercept"]))
            return cls(version=str(data["version"]), threshold=float(data["threshold"]), veto=float(data["veto"]),
                       commitment=Linear(dict(data["commitment"]["weights"]), float(data["commitment"]["intercept"])),
                       kind=Linear(dict(data["kind"]["weights"]), float(data["kind"]["intercept"])),
                       interactions=interactions,
                       terrorism_cut=None if data.get("terrorism_cut") is None else float(data["terrorism_cut"]))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"not a decision model: {exc}") from None

    def to_dict(self) -> dict:
        data = {"version": self.version, "threshold": self.threshold, "veto": self.veto,
                "commitment": {"intercept": self.commitment.intercept, "weights": self.commitment.weights},
                "kind": {"intercept": self.kind.intercept, "weights": self.kind.weights}}
        if self.terrorism_cut is not None:
            data["terrorism_cut"] = self.terrorism_cut
        if self.interactions is not None:
            data["interactions"] = {"intercept": self.interactions.intercept, "weights": self.interactions.weights,
                                    "pairs": [list(pair) for pair in self.interactions.pairs]}
        return data


def load_model(path: Path | None = None) -> DecisionModel:
    """The model in ``path``, or the one shipped with the classifier."""
    text = path.read_text(encoding="utf-8") if path else \
        resources.files(__package__).joinpath("model", MODEL_FILE).read_text(encoding="utf-8")
    return DecisionModel.from_dict(json.loads(text))


@lru_cache(maxsize=1)
def shipped_model() -> DecisionModel:
    return load_model()
