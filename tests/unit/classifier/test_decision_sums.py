"""The model's look-ups add the same weights as the plain set intersections they replace, summed exactly, so
that every probability is the same float whatever order a set gives its names in (training picks its cuts
among them, and two processes must agree to the last bit)."""

from __future__ import annotations

import math
import random

import pytest

from services.classifier.core.classifier import proposals_of
from services.classifier.core.decision import LINEAR_STEP, Interactions, Linear, shipped_model, step_name
from services.classifier.core.signals import lexical
from services.ingest.files import load_release

from .conftest import ROOT

# Weights of very different sizes: adding them in another order gives another float.
_WEIGHTS = (1e-9, 0.1, 0.7, 3.3, 1e3, -2.9, -1e-4, 0.3)


def _words(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"w{rng.randrange(count)}" for _ in range(count)]


def _sigmoid(total: float) -> float:
    return 0.0 if total < -35 else 1.0 / (1.0 + math.exp(-total))


def _interactions_probability(interactions: Interactions, features: set[str], linear: float) -> float:
    """The exact sum of the weights of each name present, of its pairs' and of the steps below ``linear`` (the
    steps' weights added up as the model adds them when it is loaded, one float for each place among them)."""
    def threshold(name: str) -> float | None:
        return float(name[len(LINEAR_STEP):]) if name.startswith(LINEAR_STEP) else None

    step_weights: dict[float, float] = {}
    for name, weight in interactions.weights.items():
        if threshold(name) is not None:
            step_weights[threshold(name)] = step_weights.get(threshold(name), 0.0) + weight
    for first, second, weight in interactions.pairs:
        if threshold(first) is not None and threshold(second) is not None:
            step = max(threshold(first), threshold(second))
            step_weights[step] = step_weights.get(step, 0.0) + weight
    below = 0.0
    for step in sorted(step_weights):
        if step < linear:
            below += step_weights[step]
    terms = [interactions.intercept, below]
    terms += [weight for name, weight in interactions.weights.items() if threshold(name) is None and name in features]
    for first, second, weight in interactions.pairs:
        steps = [name for name in (first, second) if threshold(name) is not None]
        names = [name for name in (first, second) if threshold(name) is None]
        if len(steps) < 2 and all(name in features for name in names) and all(threshold(s) < linear for s in steps):
            terms.append(weight)
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


def test_the_vocabulary_s_pairs_hold_the_words_own_strings():
    vocabulary = shipped_model().commitment._vocabularies[0]
    words = {word: word for word in vocabulary.words}
    assert vocabulary.pairs
    assert all(words.get(first, first) is first and words.get(second, second) is second
               for first, second in vocabulary.pairs)
    assert sum(first in words and second in words for first, second in vocabulary.pairs) > len(vocabulary.pairs) // 2


def test_the_model_knows_the_lexical_names_by_the_prefixes_the_signals_give_them():
    """The model keeps its own copy of the prefixes (it stands apart from the signals): a prefix added to one and
    not the other would weigh a clause's words twice, or not at all, when they come as tokens."""
    from services.classifier.core import decision, signals

    assert decision._LEXICAL == signals.LEXICAL_PREFIXES


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


def _linear_by_fsum(linear: Linear, names: set[str], ruled: bool) -> float:
    """What the linear model says of the feature names ``names`` (lexical ones among them), by ``math.fsum`` over
    the floats each name weighs: its own weight plus its weight tied to the rules' reading."""
    tag = "|rule" if ruled else "|none"
    terms = [linear.intercept]
    for name in names:
        if name in linear.weights or name + tag in linear.weights:
            terms.append(linear.weights.get(name, 0.0) + linear.weights.get(name + tag, 0.0))
    return _sigmoid(math.fsum(terms))


def test_every_proposal_of_the_training_releases_weighs_the_float_fsum_gives(seed):
    model = shipped_model()
    files = sorted((ROOT / "tests" / "data" / "releases").glob("*.json"))
    count = 0
    for release in [seed, *map(load_release, files)]:
        for proposal in proposals_of(release):
            general, tokens = proposal.signals.general, proposal.signals.tokens
            names = proposal.signals.names
            for ruled in (False, True):
                linear = model.commitment.probability(general, ruled, tokens)
                assert linear == _linear_by_fsum(model.commitment, names, ruled)
                assert model.kind.probability(general, ruled, tokens) == _linear_by_fsum(model.kind, names, ruled)
                assert model.interactions.probability(general, linear) == \
                    _interactions_probability(model.interactions, general, linear)
                count += 1
    assert count > 3000


def test_lexical_names_given_beside_tokens_are_refused_not_dropped():
    """With ``tokens`` the words weigh through the vocabulary, and ``features`` must hold only general names
    (``signals.Signals.general``); a lexical name among them was silently weighed 0. The classifier never passes
    one; a caller that did would get another probability than ``probability(features | lexical names)``."""
    model = Linear({"modal": 0.5, "w:attend": 2.0, "w2:will_attend": 1.0}, intercept=-1.0)
    assert model.probability({"modal"}, False, ["will", "attend"]) == \
        model.probability({"modal"} | lexical(["will", "attend"]), False)
    with pytest.raises(ValueError, match=r"lexical names \['w:attend'\] given with tokens"):
        model.probability({"modal", "w:attend"}, False, ["will", "attend"])
    # a lexical name the model does not weigh changes nothing, tokens or not
    assert model.probability({"modal", "w:other"}, False, ["attend"]) == model.probability({"modal"}, False, ["attend"])
