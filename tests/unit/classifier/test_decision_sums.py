"""The model's look-ups add the same weights in the same order as the plain set intersections they replace,
so that every probability is the same float (training picks its cuts among them)."""

from __future__ import annotations

import math
import random
from bisect import bisect_left

from services.classifier.core.decision import Interactions, _Vocabulary, shipped_model, step_name

# Weights of very different sizes: adding them in another order gives another float.
_WEIGHTS = (1e-9, 0.1, 0.7, 3.3, 1e3, -2.9, -1e-4, 0.3)


def _words(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"w{rng.randrange(count)}" for _ in range(count)]


def _vocabulary_weight(vocabulary: _Vocabulary, tokens: list[str]) -> float:
    total = 0.0
    for token in frozenset(vocabulary.words).intersection(tokens):
        total += vocabulary.words[token]
    for pair in frozenset(vocabulary.pairs).intersection(zip(tokens, tokens[1:])):
        total += vocabulary.pairs[pair]
    return total


def _interactions_probability(interactions: Interactions, features: set[str], linear: float) -> float:
    """The weights added one by one, each name's before its pairs', in the order of a frozenset intersection."""
    known = interactions._known
    terms = []
    for name in frozenset(known).intersection(features):
        weight, partners, steps = known[name]
        terms += [weight, *(w for other, w in partners if other in features),
                  *(w for step, w in steps if step < linear)]
    total = interactions.intercept + interactions._step_totals[bisect_left(interactions._steps, linear)]
    for term in terms:
        total += term
    return 0.0 if total < -35 else 1.0 / (1.0 + math.exp(-total))


def test_vocabulary_sums_as_the_frozenset_intersection():
    table = {f"w:w{i}": _WEIGHTS[i % len(_WEIGHTS)] * (i + 1) for i in range(0, 300, 2)}
    table.update({f"w2:w{i}_w{i + 1}": _WEIGHTS[i % 5] for i in range(0, 300, 3)})
    vocabulary = _Vocabulary(table)
    for seed in range(300):
        tokens = _words(20 + seed % 200, seed)
        tokens += [f"w{i}" for i in range(seed % 40)]  # known pairs, and repeated words
        assert vocabulary.weight(tokens) == _vocabulary_weight(vocabulary, tokens)


def test_shipped_vocabulary_sums_as_the_frozenset_intersection():
    vocabulary = shipped_model().commitment._vocabularies[0]
    words = sorted(vocabulary.words)
    rng = random.Random(1)
    for _ in range(300):
        tokens = [rng.choice(words) for _ in range(rng.randrange(1, 80))]
        assert vocabulary.weight(tokens) == _vocabulary_weight(vocabulary, tokens)


def test_interactions_sum_as_the_frozenset_intersection():
    names = [f"s{i}" for i in range(60)]
    weights = {name: _WEIGHTS[i % len(_WEIGHTS)] * (i + 1) for i, name in enumerate(names)}
    weights[step_name(0.3)] = 0.25
    pairs = [(names[i], names[(i * 7) % 60], _WEIGHTS[i % 3]) for i in range(0, 60, 2)]
    pairs += [(names[i], step_name(0.5), 1e-3 * i) for i in range(0, 60, 5)]
    interactions = Interactions(weights, pairs, -0.5)
    rng = random.Random(2)
    for others in (0, 20, 59, 60, 61, 100, 400):  # fewer, as many and more names than the model knows
        for _ in range(150):
            features = set(rng.sample(names, rng.randrange(1, 61))) | {f"other{i}" for i in range(others)}
            linear = rng.random()
            assert interactions.probability(features, linear) == _interactions_probability(interactions, features,
                                                                                            linear)
