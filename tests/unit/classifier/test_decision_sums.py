"""The model's look-ups add the same weights as the plain set intersections they replace, summed exactly, so
that every probability is the same float whatever order a set gives its names in (training picks its cuts
among them, and two processes must agree to the last bit)."""

from __future__ import annotations

import math
import random
from bisect import bisect_left

from services.classifier.core.decision import Interactions, Linear, shipped_model, step_name
from services.classifier.core.signals import lexical

# Weights of very different sizes: adding them in another order gives another float.
_WEIGHTS = (1e-9, 0.1, 0.7, 3.3, 1e3, -2.9, -1e-4, 0.3)


def _words(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"w{rng.randrange(count)}" for _ in range(count)]


def _sigmoid(total: float) -> float:
    return 0.0 if total < -35 else 1.0 / (1.0 + math.exp(-total))


def _interactions_probability(interactions: Interactions, features: set[str], linear: float) -> float:
    """The exact sum of the weights of each name present, of its pairs' and of the steps below ``linear``."""
    known = interactions._known
    terms = [interactions.intercept, interactions._step_totals[bisect_left(interactions._steps, linear)]]
    for name in set(known) & features:
        weight, partners, steps = known[name]
        terms += [weight, *(w for other, w in partners if other in features),
                  *(w for step, w in steps if step < linear)]
    return _sigmoid(math.fsum(terms))


def _shuffled(names: set[str], rng: random.Random) -> set[str]:
    """The same names, in another iteration order (another insertion history)."""
    order = list(names) + [f"gone{i}" for i in range(40)]
    rng.shuffle(order)
    shuffled = set(order)
    shuffled.difference_update(f"gone{i}" for i in range(40))
    return shuffled


def test_a_clause_s_words_weigh_as_the_set_intersections_exactly():
    table = {f"w:w{i}": _WEIGHTS[i % len(_WEIGHTS)] * (i + 1) for i in range(0, 300, 2)}
    table.update({f"w2:w{i}_w{i + 1}": _WEIGHTS[i % 5] for i in range(0, 300, 3)})
    model = Linear(table, -0.5)
    words = {name[2:]: weight for name, weight in table.items() if name.startswith("w:")}
    pairs = {tuple(name[3:].split("_")): weight for name, weight in table.items() if name.startswith("w2:")}
    for seed in range(300):
        tokens = _words(20 + seed % 200, seed)
        tokens += [f"w{i}" for i in range(seed % 40)]  # known pairs, and repeated words
        terms = [-0.5, *(words[token] for token in set(words) & set(tokens)),
                 *(pairs[pair] for pair in set(pairs) & set(zip(tokens, tokens[1:])))]
        assert model.probability(set(), seed % 2 == 0, tokens) == _sigmoid(math.fsum(terms))


def test_a_clause_weighs_the_same_by_its_tokens_as_by_its_lexical_names():
    model = shipped_model().commitment
    words = sorted(model._vocabularies[0].words)
    general = sorted(name for name in model._tables[0] if not name.startswith(("w:", "w2:")))
    rng = random.Random(1)
    for _ in range(300):
        tokens = [rng.choice(words) for _ in range(rng.randrange(1, 80))]
        features = set(rng.sample(general, rng.randrange(1, 40)))
        for ruled in (False, True):
            by_names = model.probability(features | lexical(tokens), ruled)
            assert model.probability(features, ruled, tokens) == by_names
            assert model.probability(_shuffled(features, rng), ruled, tokens) == by_names


def test_a_linear_model_sums_exactly():
    weights = {f"s{i}": _WEIGHTS[i % len(_WEIGHTS)] * (i + 1) for i in range(60)}
    model = Linear(weights, 0.25)
    rng = random.Random(3)
    for _ in range(200):
        features = set(rng.sample(sorted(weights), rng.randrange(1, 61))) | {"unknown"}
        expected = _sigmoid(math.fsum([0.25, *(weights[name] for name in features if name in weights)]))
        assert model.probability(features, False) == expected
        assert model.probability(_shuffled(features, rng), False) == expected


def test_interactions_sum_as_the_set_intersection_exactly():
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
            expected = _interactions_probability(interactions, features, linear)
            assert interactions.probability(features, linear) == expected
            assert interactions.probability(_shuffled(features, rng), linear) == expected
