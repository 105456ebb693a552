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

import hashlib
import json
import math
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

from schemas import Kind

from .actor_model import ActorModel
from .category_model import CategoryModel

MODEL_FILE: Final = "decision.json"
# The layout of a model file and the signals its weights are named by (its ``version``): what ``pledgewatch train``
# writes, and the one model files are read in; a file of another would weigh names the signals no longer make.
MODEL_VERSION: Final = "decision-5"


@dataclass(frozen=True)
class Linear:
    """``P(yes) = sigmoid(intercept + sum of the weights of the features present)``, where each feature
    weighs its own weight plus its weight tied to the rules' reading (``signals.tied``): the tied weights are
    kept in their own tables, so that scoring builds no new names. The sum is exact (``math.fsum``): a set's
    order follows the string hash seed, and two processes must give the same float to the last bit."""

    weights: dict[str, float]
    intercept: float
    # Built from ``weights`` (``__post_init__``), indexed by the rules' reading (0: none, 1: read). Declared, as
    # the compiled class has no ``__dict__`` to hold them.
    _tables: tuple[dict[str, float], dict[str, float]] = field(init=False, repr=False, compare=False)
    _general: tuple[dict[str, float], dict[str, float]] = field(init=False, repr=False, compare=False)
    _lexical: tuple[frozenset[str], frozenset[str]] = field(init=False, repr=False, compare=False)
    _vocabularies: tuple[_Vocabulary | None, _Vocabulary | None] = field(init=False, repr=False, compare=False)

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
        generals = _general_table(unruled), _general_table(ruled)
        object.__setattr__(self, "_general", generals)
        # The lexical names it weighs: refused among ``features`` when the words come as tokens.
        object.__setattr__(self, "_lexical", (frozenset(unruled.keys() - generals[0].keys()),
                                              frozenset(ruled.keys() - generals[1].keys())))
        vocabularies = _Vocabulary(unruled), _Vocabulary(ruled)
        if vocabularies[0].same_as(vocabularies[1]):  # the lexical names are never tied: one table serves both
            vocabularies = vocabularies[0], vocabularies[0]
        # None for a model that weighs no words (the kind model)
        object.__setattr__(self, "_vocabularies", (vocabularies[0] if vocabularies[0].words or vocabularies[0].pairs
                                                   else None,
                                                   vocabularies[1] if vocabularies[1].words or vocabularies[1].pairs
                                                   else None))

    def probability(self, features: set[str], ruled: bool, tokens: list[str] | None = None) -> float:
        """P(yes) for the feature names ``features``, plus, with ``tokens`` (``signals.Signals.tokens``), the
        lexical names made of them: ``probability(features | lexical names, ruled)``. ``features`` then holds the
        general names only (``signals.Signals.general``): a lexical name the model weighs among them is a
        ``ValueError``, as it would be weighed neither as a name nor as a token."""
        reading = 1 if ruled else 0
        vocabulary = self._vocabularies[reading]
        terms: list[Any] = [self.intercept]  # the weights as the tables hold them: Any keeps each float as its object, where a
        # float-typed value is unboxed and boxed again as a new object for each term
        if tokens and vocabulary is not None:
            _add_general_weights(terms, self._general[reading], features, self._lexical[reading])
            vocabulary.add_weights(terms, tokens)
        else:
            _add_weights(terms, self._tables[reading], features)
        total = _FSUM(terms)
        if total < -35:
            return 0.0
        return 1.0 / (1.0 + math.exp(-total))


def _add_weights(terms: list[Any], table: dict[str, Any], names: set[str]) -> None:
    """Appends to ``terms`` the weight in ``table`` of each of ``names`` it holds (the others weigh nothing)."""
    for name in names:
        weight = table.get(name)
        if weight is not None:
            terms.append(weight)


def _add_general_weights(terms: list[Any], table: dict[str, Any], names: set[str], lexical: frozenset[str]) -> None:
    """``_add_weights(terms, table, names)`` for the general names of a clause whose words come as tokens; a
    lexical name the model weighs among ``names`` is a ``ValueError``, as it would be weighed neither as a name
    nor as a token. Only a name ``table`` does not hold is looked for among the lexical ones (most are in it), where
    a test of every name against them came first."""
    for name in names:
        weight = table.get(name)
        if weight is not None:
            terms.append(weight)
        elif name in lexical:
            given = sorted(names & lexical)
            raise ValueError(f"lexical names {given} given with tokens: pass the words as tokens only")


# Module constants, so that the compiled core calls them without looking each up in a module's namespace
_FSUM: Final = math.fsum
_BISECT_LEFT: Final = bisect_left
_LEXICAL: Final = ("w:", "w2:")  # signals.LEXICAL_PREFIXES (not imported: the model stands apart from the signals)


def _general_table(table: dict[str, float]) -> dict[str, float]:
    return {name: weight for name, weight in table.items() if not name.startswith(_LEXICAL)}


class _Vocabulary:
    """The lexical weights of one table (``signals.lexical``: "w:attend", "w2:will_attend"), by token and by
    pair of tokens. A clause's words weigh by one look-up of each token: no name and no pair is built for any
    of them."""

    def __init__(self, table: dict[str, float]) -> None:
        self.words: dict[str, float] = {name[2:]: weight for name, weight in table.items() if name.startswith("w:")}
        self.pairs: dict[tuple[str, str], float] = {}
        # The words of the pairs are the words' own strings (one object for each word): a pair's look-up then
        # compares memory a word's look-up has just read, not a copy of its own.
        own = {token: token for token in self.words}
        for name, weight in table.items():
            if name.startswith("w2:"):
                first, _, second = name[3:].partition("_")
                self.pairs[(own.setdefault(first, first), own.setdefault(second, second))] = weight
        # Each token the model knows, as a word or as the first of a pair: one look-up a token finds both.
        self.tokens: dict[str, _Token] = {}
        for word, weight in self.words.items():
            self.tokens[word] = _Token(weight)
        for (first, second), weight in self.pairs.items():
            self.tokens.setdefault(first, _Token(None)).pair(second, weight)

    def same_as(self, other: _Vocabulary) -> bool:
        return self.words == other.words and self.pairs == other.pairs

    def add_weights(self, terms: list[Any], tokens: list[str]) -> None:
        """Appends to ``terms`` the weight of each distinct token of ``tokens`` and of each distinct pair of
        tokens next to each other that the vocabulary holds.

        A token's entry and a pair's are one object each in the vocabulary, so the repeats are told apart by
        those objects in one set (pointer hashes, and no tuple built for a pair), each added once: the set's
        size says whether it was new (one operation, not a test and an insertion)."""
        known = self.tokens
        seen: set[object] = set()
        before: _Token | None = None  # the token before, when it begins a pair
        for token in tokens:
            if before is not None:
                pair = before.after.get(token)
                if pair is not None:
                    size = len(seen)
                    seen.add(pair)
                    if len(seen) != size:
                        terms.append(pair.weight)
            entry = known.get(token)
            if entry is None:
                before = None
                continue
            if entry.weighs:
                size = len(seen)
                seen.add(entry)
                if len(seen) != size:
                    terms.append(entry.weight)
            before = entry if entry.begins_pair else None


class _Token:
    """What a token weighs: alone (when ``weighs``), and followed by each of the tokens in ``after``. The flags
    and the weight are plain fields, which the compiled class holds in itself: a token's look-up reads no
    other object unless it weighs with the next one."""

    def __init__(self, weight: float | None) -> None:
        self.weighs = weight is not None
        self.weight: Any = 0.0 if weight is None else weight  # a float, kept as its object (see ``Linear.probability``)
        self.begins_pair = False
        self.after: dict[str, _Pair] = {}

    def pair(self, second: str, weight: float) -> None:
        self.after[second] = _Pair(weight)
        self.begins_pair = True


class _Pair:
    """What a pair of tokens weighs: an object of its own, by which a clause's repeats of it are told apart."""

    def __init__(self, weight: float) -> None:
        self.weight: Any = weight  # a float, kept as its object (see ``Linear.probability``)


LINEAR_STEP: Final = "linear>"  # a step on the linear model's P(commitment): "linear>0.4215" is present above it


@dataclass(frozen=True)
class Interactions:
    """``P(yes) = sigmoid(intercept + the weights of the names present + the weights of the pairs of names
    both present)``, where the names are the general signals (``signals.Signals.general``) and the steps
    ``LINEAR_STEP + threshold`` that the linear model's probability lies above; summed exactly, as in
    ``Linear``."""

    weights: dict[str, float]
    pairs: list[tuple[str, str, float]]
    intercept: float
    # Built from the above (``__post_init__``); declared, as the compiled class has no ``__dict__`` to hold them.
    _steps: list[float] = field(init=False, repr=False, compare=False)
    _step_totals: list[float] = field(init=False, repr=False, compare=False)
    _known: dict[str, _Known] = field(init=False, repr=False, compare=False)

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
                step_named, name = (first, second) if first.startswith(LINEAR_STEP) else (second, first)
                entry(name)[2].append((_threshold(step_named), weight))
            else:
                entry(first)[1].append((second, weight))
        for step, weight in step_pairs:
            step_weights[step] = step_weights.get(step, 0.0) + weight
        thresholds = sorted(step_weights)
        totals, total = [0.0], 0.0
        for step in thresholds:  # totals[k]: the weight of the k lowest steps, all below the probability
            total += step_weights[step]
            totals.append(total)
        object.__setattr__(self, "_steps", thresholds)
        object.__setattr__(self, "_step_totals", totals)
        object.__setattr__(self, "_known", {name: _Known(weight, partners, steps)
                                            for name, (weight, partners, steps) in known.items()})

    def probability(self, features: set[str], linear: float) -> float:
        """P(yes) for the general signals ``features`` and the linear model's probability ``linear``."""
        terms: list[Any] = [self.intercept, self._step_totals[_BISECT_LEFT(self._steps, linear)]]
        known = self._known
        for name in features:
            signal = known.get(name)
            if signal is None:
                continue
            terms.append(signal.weight)
            for other, pair_weight in signal.partners:
                if other in features:
                    terms.append(pair_weight)
            for step, pair_weight in signal.steps:
                if step < linear:
                    terms.append(pair_weight)
        total = _FSUM(terms)
        if total < -35:
            return 0.0
        return 1.0 / (1.0 + math.exp(-total))


class _Known:
    """What a signal the interactions know weighs: alone, with each signal it pairs with, and above each
    step of the linear model's probability it pairs with."""

    def __init__(self, weight: float, partners: list[tuple[str, Any]], steps: list[tuple[float, Any]]) -> None:
        self.weight: Any = weight  # the weights are floats, kept as their objects (see ``Linear.probability``)
        self.partners = partners
        self.steps = steps


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
    # chooses each kept commitment's category over the rules' reading (``category_model``), when present
    category: CategoryModel | None = None
    # chooses each kept commitment's actor among the readings the rules can make (``actor_model``), when present
    actor: ActorModel | None = None
    # The SHA-256 of the file it was read from, in hex (None: a model made in memory); it names the model in the
    # classifier version of what it decides (``classifier.classifier_version``).
    digest: str | None = field(default=None, compare=False)

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
    def from_dict(cls, data: dict, digest: str | None = None) -> "DecisionModel":
        """The model ``data`` (``to_dict``) holds; ``digest``: that of the file it was read from."""
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
                       terrorism_cut=None if data.get("terrorism_cut") is None else float(data["terrorism_cut"]),
                       category=None if data.get("category") is None else CategoryModel.from_dict(data["category"]),
                       actor=None if data.get("actor") is None else ActorModel.from_dict(data["actor"]),
                       digest=digest)
        except KeyError as exc:
            raise ValueError(f"not a decision model: no {exc.args[0]!r} in it") from None
        except (TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"not a decision model: {exc}") from None

    def to_dict(self) -> dict:
        data = {"version": self.version, "threshold": self.threshold, "veto": self.veto,
                "commitment": {"intercept": self.commitment.intercept, "weights": self.commitment.weights},
                "kind": {"intercept": self.kind.intercept, "weights": self.kind.weights}}
        if self.terrorism_cut is not None:
            data["terrorism_cut"] = self.terrorism_cut
        if self.category is not None:
            data["category"] = self.category.to_dict()
        if self.actor is not None:
            data["actor"] = self.actor.to_dict()
        if self.interactions is not None:
            data["interactions"] = {"intercept": self.interactions.intercept, "weights": self.interactions.weights,
                                    "pairs": [list(pair) for pair in self.interactions.pairs]}
        return data


def load_model(path: Path | None = None) -> DecisionModel:
    """The model in ``path``, or the one shipped with the classifier."""
    data = path.read_bytes() if path else _shipped_bytes()
    return DecisionModel.from_dict(json.loads(data.decode("utf-8")), digest=hashlib.sha256(data).hexdigest())


def _shipped_bytes() -> bytes:
    return resources.files(__package__).joinpath("model", MODEL_FILE).read_bytes()


@lru_cache(maxsize=1)
def shipped_model() -> DecisionModel:
    return load_model()


@lru_cache(maxsize=1)
def shipped_digest() -> str:
    """The SHA-256 of the shipped model's file, in hex: known without building the model (a process running
    another model does not hold the shipped one too)."""
    return hashlib.sha256(_shipped_bytes()).hexdigest()
