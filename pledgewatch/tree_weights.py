"""Boosted trees of depth two (scikit-learn's, fitted by ``pledgewatch train``) written out exactly as the
weights of single signals and of pairs that :class:`~services.classifier.core.decision.Interactions` scores in
plain Python. Pure."""

from __future__ import annotations

from collections import Counter

from services.classifier.core.decision import Interactions, step_name


def trees_as_interactions(trees, names: list[str]) -> Interactions:
    """The fitted trees as an ``Interactions``: a tree of depth two, root r, children a (r absent) and b (r
    present), leaves v00, v01 (a absent, present), v10, v11, is ``v00 + r(v10 - v00) + a(v01 - v00) - ra(v01 -
    v00) + rb(v11 - v10)``, where a binary signal is "present" above 0.5 and the probability above its
    threshold (``decision.step_name``)."""
    weights: Counter = Counter()
    pairs: Counter = Counter()
    intercept = 0.0
    rate = trees.learning_rate

    def name_of(tree, node: int) -> str:
        feature = names[tree.feature[node]]
        return step_name(float(tree.threshold[node])) if feature == "linear" else feature

    def value(tree, node: int) -> float:
        return rate * float(tree.value[node][0][0])

    for estimator in trees.estimators_[:, 0]:
        tree = estimator.tree_
        terms = _terms(tree, 0, name_of, value)
        for names_present, weight in terms:
            if not names_present:
                intercept += weight
            elif len(names_present) == 1:
                weights[names_present[0]] += weight
            else:
                pairs[tuple(sorted(names_present))] += weight
    return Interactions({name: round(w, 6) for name, w in sorted(weights.items()) if abs(w) >= 1e-9},
                        [(a, b, round(w, 6)) for (a, b), w in sorted(pairs.items()) if abs(w) >= 1e-9],
                        round(intercept, 6))


def _terms(tree, node: int, name_of, value) -> list[tuple[tuple[str, ...], float]]:
    """The tree under ``node`` as a sum of products of indicators: (the names that must all be present, the
    weight). A split sends an example whose signal is absent (below the threshold) left: the right subtree
    weighs with its name present, the left with it absent (the left's terms, less the same with it)."""
    left, right = tree.children_left[node], tree.children_right[node]
    if left == -1:
        return [((), value(tree, node))]
    name = name_of(tree, node)
    terms = []
    for names_present, weight in _terms(tree, left, name_of, value):
        terms.append((names_present, weight))
        terms.append(((name, *names_present), -weight))
    for names_present, weight in _terms(tree, right, name_of, value):
        terms.append(((name, *names_present), weight))
    merged: Counter = Counter()
    for names_present, weight in terms:
        merged[tuple(sorted(set(names_present)))] += weight
    return list(merged.items())
