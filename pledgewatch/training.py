"""``pledgewatch train``: fit the classifier's decision stage on the training split.

Every proposal the rules make in a labelled release (:mod:`services.classifier.core.proposals`) becomes
one example: a commitment when it covers at least half of a labelled quote (the rule ``pledgewatch eval``
matches by), or lies mostly inside one; its kind is that label's kind. Two logistic regressions
(scikit-learn, L2, ``liblinear``: deterministic) learn whether a proposal commits and whether it is a
demand; the two cuts on P(commitment) (to keep a proposal the rules passed over, and to drop one they read)
are the ones that give the best commitment F1 over publisher-grouped cross-validation. The clause's words
and word pairs (``signals.lexical``) are features of the commitment model too, those seen in at least
``LEXICAL_MIN_DF`` of the releases trained on. Boosted trees of depth two (scikit-learn, deterministic) then
correct the commitment model's probability from the general signals and that probability, read out of
publisher-grouped folds within the releases trained on (as it is on a release of an unseen publisher); each
tree is written out as the weights of single signals and of pairs (:mod:`.tree_weights`). Every model,
in cross-validation and shipped, is the mean of ``BAGS`` such fits, each without one publisher-grouped fold of
its releases: one fit moved its cuts and figures with any small change of the training split. The weights
go to ``services/classifier/core/model/decision.json`` as plain JSON, replacing the file only once the fit
succeeded and the whole of it is written.

A set too small to fit is refused before anything is fitted: one with releases of fewer than ``FOLDS``
publishers (a cross-validation fold would hold none out), or with no labelled commitment a proposal covers, or
no proposal that is not one (the commitment model would have one class only).

``--compare`` prints, for the same folds, rules only against rules plus a model trained without the
held-out releases: the honest figure for the training split (and the category and actor models' accuracy, each
fitted without the held-out releases' publishers); ``--tune`` prints the same cross-validation
for each C of ``C_GRID``; ``--stability N`` refits N times, each without one of N fixed releases, and prints
the spread of the cuts and of the cross-validated F1 (:mod:`.stability`); ``--learning-curve`` the
cross-validated F1 with each fold's model fitted on a share of its releases (:mod:`.learning_curve`). The validation split is read only
by ``--stability-validation``, for its aggregate figures.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from schemas import ReleasePublished
from services.classifier.core import classify
from services.classifier.core.classifier import proposals_of
from services.classifier.core.decision import MODEL_FILE, MODEL_VERSION, DecisionModel, Interactions, Linear
from services.classifier.core.publishers import publisher
from services.classifier.core.signals import CONTEXT_PREFIXES, LEXICAL_PREFIXES, YEAR_PREFIX, tied

from .actor_training import cross_validated as actors_cross_validated
from .actor_training import fit_actors
from .category_training import cross_validated as categories_cross_validated
from .category_training import fit_categories
from .evaluation import LabelledSetError, _prf, figure, load_set, locate, overlap, score_release
from .tree_weights import trees_as_interactions

ROOT = Path(__file__).resolve().parents[1]
TRAINING_SET = ROOT / "tests" / "data"
MODEL_PATH = ROOT / "services" / "classifier" / "core" / "model" / MODEL_FILE
FOLDS = 5
# The commitment model's inverse regularisation strength. ``pledgewatch train --tune`` measures C_GRID by
# publisher-grouped cross-validation: on the 247 training releases 0.728, 0.727, 0.729, 0.724, 0.721, all
# within noise, and the best of them (1.0) scored lower on the validation split (0.693 against 0.697), so C
# stays at 0.5.
C_COMMITMENT = 0.5
C_GRID = (0.2, 0.5, 1.0, 2.0, 4.0)
# The kind model's: fitted on the 674 commitments of 333 releases, it weighs about 900 general signals, and a
# stronger pull towards zero carries over to unseen publishers (cross-validated kind 0.944 at 0.05, 0.949 at
# 0.15, 0.946 at 0.3 and 0.5, 0.944 at 2.0).
C_KIND = 0.15
LEXICAL_MIN_DF = 2  # a word or word pair is a feature once this many training releases hold it
# The trees that correct the commitment model (``fit_interactions``). Depth two gave the best grouped
# cross-validation on the proposals (0.784; depth one 0.779, three 0.765, the linear model alone 0.767); a
# larger minimum leaf or fewer trees did worse.
TREES, TREE_DEPTH, TREE_LEARNING_RATE, TREE_MIN_LEAF = 100, 2, 0.1, 5
# Every model, in cross-validation and shipped, is the mean of BAGS models each fitted without one of BAGS
# publisher-grouped folds of its releases (``_averaged``): one fit moved its cuts and validation F1 by ±0.02
# when one release changed; leaving out each of ten releases in turn (``--stability 10``) spread the
# threshold 0.53-0.69 for one fit, 0.55-0.63 for the mean of five (docs/CLASSIFIER.md, "Stability").
BAGS = 5

Row = tuple[list[str], bool, bool, bool]
# The names the kind model leaves out (``_fit_one``); the tied ones begin the same way.
_NOT_KIND = (*LEXICAL_PREFIXES, *CONTEXT_PREFIXES, YEAR_PREFIX)


class TrainingError(Exception):
    """Training cannot run (a missing library, a set too small to fit)."""


class ModelNotWritten(Exception):
    """The fitted model could not be written; the file it was to replace is as it was."""


def examples(release: ReleasePublished, label: dict) -> list[Row]:
    """(features, is a commitment, is a demand, the rules read one) for each proposal in ``release``."""
    spans = [(locate(item["quote"], release.body), item.get("kind") == "demand")
             for item in label.get("commitments", [])]
    rows = []
    for proposal in proposals_of(release):
        start, end = proposal.span
        commits, demand = False, False
        for span, is_demand in spans:
            if span is None:
                continue
            shared = overlap(span, (start, end))
            if shared * 2 >= span[1] - span[0] or shared * 2 >= end - start > 0:
                commits, demand = True, is_demand
                break
        ruled = proposal.found is not None
        rows.append((sorted(tied(proposal.features, ruled)), commits, demand, ruled))
    return rows


def lexicon(rows_by_release: list[list[Row]], min_df: int = LEXICAL_MIN_DF) -> set[str]:
    """The lexical feature names (``signals.lexical``) found in at least ``min_df`` of the releases whose
    examples are ``rows_by_release``: the words the model may learn from."""
    releases: Counter = Counter()
    for rows in rows_by_release:
        releases.update({name for row in rows for name in row[0] if name.startswith(LEXICAL_PREFIXES)})
    return {name for name, count in releases.items() if count >= min_df}


def fit(by_release: list[list[Row]], groups: list[str], threshold: float = 0.5, veto: float = 0.0,
        c_commitment: float = C_COMMITMENT) -> DecisionModel:
    """The two logistic regressions and the trees correcting the first over the examples of each release
    (``by_release``, whose publishers are ``groups``), as plain weights, averaged over ``BAGS`` fits each
    without one publisher-grouped fold; ``c_commitment``: the commitment model's C."""
    if BAGS > 1:
        bags = []
        for held_out in publisher_folds(dict(enumerate(groups)), BAGS):
            kept = [index for index in range(len(by_release)) if index not in held_out]
            bags.append(_fit_one([by_release[i] for i in kept], [groups[i] for i in kept], c_commitment))
        return _averaged(bags, threshold, veto)
    return replace(_fit_one(by_release, groups, c_commitment), threshold=threshold, veto=veto)


def _averaged(models: list[DecisionModel], threshold: float, veto: float) -> DecisionModel:
    """The models' log-odds averaged: each weight and intercept is the mean of the models' (a name a model
    lacks weighs nothing in it)."""
    def mean_linear(parts: list[Linear]) -> Linear:
        total: Counter = Counter()
        for part in parts:
            total.update(part.weights)
        n = len(parts)
        return Linear({name: round(w / n, 6) for name, w in sorted(total.items()) if abs(w) >= 1e-6 * n},
                      round(sum(part.intercept for part in parts) / n, 6))

    trees = [model.interactions for model in models if model.interactions is not None]
    interactions = None
    if trees:
        weights: Counter = Counter()
        pairs: Counter = Counter()
        for part in trees:
            weights.update(part.weights)
            pairs.update({(a, b): w for a, b, w in part.pairs})
        n = len(models)
        interactions = Interactions({name: round(w / n, 6) for name, w in sorted(weights.items())},
                                    [(a, b, round(w / n, 6)) for (a, b), w in sorted(pairs.items())],
                                    round(sum(part.intercept for part in trees) / n, 6))
    return DecisionModel(MODEL_VERSION, mean_linear([model.commitment for model in models]),
                         mean_linear([model.kind for model in models]), threshold, veto, interactions)


def _fit_one(by_release: list[list[Row]], groups: list[str], c_commitment: float) -> DecisionModel:
    """One fit of ``fit``'s models, the cuts left to the caller; the lexical names kept are those of
    ``lexicon(by_release)``."""
    rows = [row for rows in by_release for row in rows]
    commitment = _commitment_model(by_release, c_commitment)
    positives = [r for r in rows if r[1]]
    # Pledge or demand from the general signals only: the words lifted the kind accuracy in cross-validation
    # but lowered it on the validation split (0.924 -> 0.904), so they stay out of this model, as do where
    # the clause stands (``signals.CONTEXT_PREFIXES``) and the years it names (``signals.YEAR_PREFIX``).
    kind = _linear([[name for name in r[0] if not name.startswith(_NOT_KIND)] for r in positives],
                   [r[2] for r in positives], C_KIND)
    interactions = fit_interactions(by_release, groups, c_commitment)
    return DecisionModel(MODEL_VERSION, commitment, kind, 0.5, 0.0, interactions)


def _commitment_model(by_release: list[list[Row]], c: float) -> Linear:
    """The commitment model over the examples of each release, with the words of ``lexicon(by_release)``."""
    words = lexicon(by_release)
    rows = [row for rows in by_release for row in rows]
    return _linear([[name for name in row[0] if name in words or not name.startswith(LEXICAL_PREFIXES)]
                    for row in rows], [row[1] for row in rows], c)


def _sklearn() -> None:
    """Refuse to train without scikit-learn, saying how to install it."""
    try:
        importlib.import_module("sklearn")
    except ImportError:
        raise TrainingError("training needs scikit-learn: pip install -e '.[train]'") from None


def _linear(features: list[list[str]], targets: list[bool], c: float) -> Linear:
    """A logistic regression (L2, balanced classes) over the feature names of each example."""
    _sklearn()
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    if len(set(targets)) < 2:  # one class only: a constant model
        return Linear({}, 35.0 if targets and targets[0] else -35.0)
    vectoriser = DictVectorizer(sparse=False)
    matrix = vectoriser.fit_transform([{name: 1 for name in row} for row in features])
    regression = LogisticRegression(C=c, solver="liblinear", max_iter=1000, class_weight="balanced")
    regression.fit(matrix, targets)
    weights = {name: round(float(w), 6) for name, w in zip(vectoriser.get_feature_names_out(), regression.coef_[0])
               if abs(w) >= 1e-6}
    return Linear(dict(sorted(weights.items())), round(float(regression.intercept_[0]), 6))


def fit_interactions(by_release: list[list[Row]], groups: list[str], c: float = C_COMMITMENT) -> Interactions | None:
    """Boosted trees of depth two that correct the commitment model, fitted on the general signals of each
    example and the commitment model's probability for it, read out of publisher-grouped folds of
    ``by_release`` (the publishers: ``groups``), and written out as weights of single names and of pairs."""
    _sklearn()
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.feature_extraction import DictVectorizer

    linear = [0.0] * len(by_release)  # placeholder per release, replaced by each fold's probabilities
    for held_out in publisher_folds(dict(enumerate(groups)), FOLDS):
        model = _commitment_model([rows for index, rows in enumerate(by_release) if index not in held_out], c)
        for index in held_out:
            linear[index] = [model.probability(set(row[0]), row[3]) for row in by_release[index]]
    features, targets = [], []
    for index, rows in enumerate(by_release):
        for row, probability in zip(rows, linear[index]):
            features.append({**{name: 1 for name in row[0] if "|" not in name and not name.startswith(LEXICAL_PREFIXES)},
                             "linear": probability})
            targets.append(row[1])
    if len(set(targets)) < 2:
        return None
    vectoriser = DictVectorizer(sparse=False)
    matrix = vectoriser.fit_transform(features)
    positive = sum(targets)
    balanced = [len(targets) / (2 * (positive if target else len(targets) - positive)) for target in targets]
    trees = GradientBoostingClassifier(n_estimators=TREES, max_depth=TREE_DEPTH, learning_rate=TREE_LEARNING_RATE,
                                       min_samples_leaf=TREE_MIN_LEAF, init="zero", random_state=0)
    trees.fit(matrix, targets, sample_weight=balanced)
    return trees_as_interactions(trees, list(vectoriser.get_feature_names_out()))


def publisher_folds(group_of: dict[str, str], k: int) -> list[set[str]]:
    """Release ids in ``k`` folds, every publisher's releases (``group_of``: id -> publisher) in one fold, so
    that each fold is scored by a model that never saw its publishers: the largest publisher first, each into
    the fold holding the fewest releases so far (ties: the first fold; deterministic)."""
    members: dict[str, list[str]] = {}
    for rid in sorted(group_of):
        members.setdefault(group_of[rid], []).append(rid)
    folds: list[set[str]] = [set() for _ in range(k)]
    for group in sorted(members, key=lambda name: (-len(members[name]), name)):
        min(folds, key=len).update(members[group])
    return folds


def cross_validate(pairs: list, k: int = FOLDS, c_commitment: float = C_COMMITMENT,
                   trained_on: Callable[[list[str]], list[str]] | None = None
                   ) -> tuple[tuple[float, float, float | None], dict, dict]:
    """((threshold, veto, terrorism cut), rules-only figures, rules+model figures) over publisher-grouped
    folds, the commitment model fitted with ``c_commitment``; ``trained_on``: which of a fold's training
    release ids its model is fitted on (all by default; ``pledgewatch train --learning-curve``)."""
    rows_of = {release.release_id: examples(release, label) for release, label in pairs}
    group_of = {release.release_id: publisher(release) for release, _ in pairs}
    ids = sorted(rows_of)
    scored: list[tuple[float, bool, bool]] = []
    fold_models = []
    for held_out in publisher_folds(group_of, k):
        kept = [rid for rid in ids if rid not in held_out]
        if trained_on is not None:
            kept = trained_on(kept)
        model = fit([rows_of[rid] for rid in kept], [group_of[rid] for rid in kept], c_commitment=c_commitment)
        fold_models.append((held_out, model))
        scored += [(model.commitment_probability(set(row[0]), row[3]), row[1], row[3]) for rid in held_out
                   for row in rows_of[rid]]
    threshold, veto = _best_thresholds(scored)
    fold_models = [(held_out, DecisionModel(model.version, model.commitment, model.kind, threshold, veto,
                                            model.interactions)) for held_out, model in fold_models]
    cut = _best_terrorism_cut(pairs, fold_models)
    rules, learned = Counter(), Counter()
    for held_out, model in fold_models:
        model = replace(model, terrorism_cut=cut)
        for release, label in pairs:
            if release.release_id in held_out:
                score_release(classify(release, rules_only=True), label, release.body, rules, [])
                score_release(classify(release, model=model), label, release.body, learned, [])
    return (threshold, veto, cut), _summary(rules), _summary(learned)


TERRORISM_CUTS = (None, *(step / 100 for step in range(60, 0, -5)))  # None first, then the higher cuts


def _best_terrorism_cut(pairs: list, fold_models: list[tuple[set[str], DecisionModel]]) -> float | None:
    """The ``DecisionModel.terrorism_cut`` of ``TERRORISM_CUTS`` with the most releases whose
    counter-terrorism flag is right over the folds (ties: None first, then the middle of the run of tied
    cuts around the highest, ``_middle_of_ties``)."""
    right: Counter = Counter()
    for held_out, model in fold_models:
        for release, label in pairs:
            if release.release_id in held_out:
                for cut in TERRORISM_CUTS:
                    result = classify(release, model=replace(model, terrorism_cut=cut))
                    right[cut] += result.is_counter_terrorism == bool(label.get("is_counter_terrorism"))
    best = max(TERRORISM_CUTS, key=lambda cut: (right[cut], -TERRORISM_CUTS.index(cut)))
    if best is None:
        return None
    cuts = list(TERRORISM_CUTS[1:])
    return _middle_of_ties(cuts, [right[cut] for cut in cuts], cuts.index(best))


def _best_thresholds(scored: list[tuple[float, bool, bool]]) -> tuple[float, float]:
    """(threshold, veto) with the best F1 over ``scored`` (probability, truth, the rules read it): the cut
    for proposals the rules passed over (0.30 to 0.95), and the one below which a rules' reading is dropped
    (0.00 to 0.60). Of pairs tied at the best, the first (the highest threshold, the lowest veto), each then
    moved to the middle of its run of tied values (``_middle_of_ties``)."""
    labelled = sum(1 for _, truth, _ in scored if truth)
    vetoes = [step / 100 for step in range(0, 61, 2)]
    cuts = [step / 100 for step in range(95, 29, -1)]
    f1 = {}
    best, best_f1 = (0.5, 0.0), -1.0
    for veto in vetoes:
        for cut in cuts:
            kept = [truth for p, truth, ruled in scored if p >= (veto if ruled else cut)]
            f1[cut, veto] = 2 * sum(kept) / (len(kept) + labelled) if kept or labelled else 0.0
            if f1[cut, veto] > best_f1 + 1e-9:
                best, best_f1 = (cut, veto), f1[cut, veto]
    cut, veto = best
    return (_middle_of_ties(cuts, [f1[c, veto] for c in cuts], cuts.index(cut)),
            _middle_of_ties(vetoes, [f1[cut, v] for v in vetoes], vetoes.index(veto)))


def _middle_of_ties(values: list, scores: list[float], best: int):
    """The middle of the run of ``values`` around ``values[best]`` scoring as it does (of an even run, the
    one nearer the start): a cut at the edge of a flat stretch moves with one example more or less."""
    low = high = best
    while low > 0 and scores[low - 1] >= scores[best] - 1e-9:
        low -= 1
    while high < len(values) - 1 and scores[high + 1] >= scores[best] - 1e-9:
        high += 1
    return values[(low + high) // 2]


def _summary(tally: Counter) -> dict:
    return {"commitments": _prf(tally["c_tp"], tally["c_found"], tally["c_labelled"]),
            "deadlines": _prf(tally["d_tp"], tally["d_found"], tally["d_labelled"]),
            "kind": round(tally["ok_kind"] / tally["n_kind"], 3) if tally["n_kind"] else None,
            "release_counter_terrorism": round(tally["release_ct_ok"] / tally["releases"], 3)
            if tally["releases"] else None}


def proposal_recall(pairs: list) -> tuple[int, int]:
    """(labelled commitments some proposal covers, labelled commitments): the ceiling the rules set."""
    covered = total = 0
    for release, label in pairs:
        proposals = proposals_of(release)
        for item in label.get("commitments", []):
            span = locate(item["quote"], release.body)
            total += 1
            covered += span is not None and any(overlap(span, p.span) * 2 >= span[1] - span[0] for p in proposals)
    return covered, total


def tuned(pairs: list) -> tuple[float, tuple[tuple[float, float], dict, dict]]:
    """(C, its ``cross_validate`` result) for the C of ``C_GRID`` with the best cross-validated commitment F1
    (ties: the smaller C), printing each."""
    print(f"commitment model's C, {FOLDS}-fold publisher-grouped cross-validation: commitments F1, deadlines F1")
    best = None
    for c in C_GRID:
        result = cross_validate(pairs, c_commitment=c)
        learned = result[2]
        print(f"  C {c:<6g}{figure(learned['commitments']['f1'])}  {figure(learned['deadlines']['f1'])}")
        if best is None or (learned["commitments"]["f1"] or 0.0) > (best[1][2]["commitments"]["f1"] or 0.0):
            best = c, result
    return best


def trained(pairs: list) -> tuple[DecisionModel, dict, dict]:
    """(the model fitted on all of ``pairs`` with the cuts cross-validation chose, the cross-validated figures
    of the rules alone, those of rules plus model)."""
    (threshold, veto, cut), rules, learned = cross_validate(pairs)
    by_release = [examples(release, label) for release, label in pairs]
    model = replace(fit(by_release, [publisher(release) for release, _ in pairs], threshold, veto), terrorism_cut=cut)
    model = replace(model, category=fit_categories(pairs, model))
    return replace(model, actor=fit_actors(pairs, model)), rules, learned


def check_trainable(directory: Path, pairs: list) -> list[Row]:
    """The examples of ``pairs`` (the set read from ``directory``), or a ``TrainingError`` when the set is too
    small to fit (the module docstring)."""
    publishers = Counter(publisher(release) for release, _ in pairs)
    if len(publishers) < FOLDS:
        most_first = sorted(publishers.items(), key=lambda item: (-item[1], item[0]))
        counts = ", ".join(f"{name}: {n}" for name, n in most_first)
        raise TrainingError(
            f"{directory}: {len(pairs)} labelled release{'s' if len(pairs) != 1 else ''} from {len(publishers)} "
            f"publisher{'s' if len(publishers) != 1 else ''} ({counts}); training needs releases of at least {FOLDS} "
            f"publishers (its cross-validation holds each publisher out in one of {FOLDS} folds). A release's "
            "publisher is the one the classifier reads from its source, url and text, not its publisher field: a "
            "site it does not know counts as UK government")
    rows = [row for release, label in pairs for row in examples(release, label)]
    if not any(row[1] for row in rows):
        raise TrainingError(f"{directory}: no labelled commitment that a proposal of the rules covers: nothing "
                            "to learn a commitment from (labels.json lists each release's commitments)")
    if all(row[1] for row in rows):
        raise TrainingError(f"{directory}: every proposal of the rules is a labelled commitment: nothing to learn "
                            "what is not one from")
    return rows


def write_model(model: DecisionModel, output: Path) -> None:
    """Write ``model`` to ``output`` whole or not at all: to a file beside it, then renamed over it."""
    text = json.dumps(model.to_dict(), indent=1, sort_keys=True) + "\n"
    temporary = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, output)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ModelNotWritten(f"{output}: the model could not be written ({exc.strerror or exc}); "
                              "the file is as it was") from None


def model_output(directory: Path, output: Path | None, *, writes: bool) -> Path:
    """Where the model fitted on ``directory`` goes: ``output``, else the shipped model's file, which only a fit on
    the training split may replace (a set of one's own would change what ``classify`` says under the same
    classifier version); a ``TrainingError`` otherwise."""
    if output is not None:
        return output
    if writes and Path(directory).resolve() != TRAINING_SET.resolve():
        from services.classifier.core import CLASSIFIER_VERSION

        raise TrainingError(f"{directory}: a set of your own: give --output FILE for its model (without it, the model "
                            "the classifier ships would be replaced, and `pledgewatch classify` would report "
                            f"{CLASSIFIER_VERSION} for other outputs)")
    return MODEL_PATH


SECONDS_PER_RELEASE = 0.2  # a fit with its cross-validation: the training split's 333 in 40 s to 90 s of one core


def fitting_time(releases: int) -> str:
    """About how long a fit of ``releases`` takes, to the half minute."""
    minutes = round(releases * SECONDS_PER_RELEASE / 30) / 2
    if minutes < 1:
        return "under a minute"
    if minutes == 1:
        return "about a minute"
    return "about a minute and a half" if minutes == 1.5 else f"about {minutes:g} minutes"


def train(directory: Path = TRAINING_SET, *, output: Path | None = None, compare: bool = False,
          tune: bool = False, stability: int = 0, stability_validation: bool = False,
          learning_curve: bool = False) -> int:
    """Fit the model on the set in ``directory`` and write it to ``output`` (:func:`model_output`; or only measure:
    ``stability``, ``learning_curve``); 0 on success, 2 when the set does not read or cannot be fitted, 1 when the model
    could not be written."""
    try:
        pairs = load_set(directory)
        rows = check_trainable(directory, pairs)
        output = model_output(directory, output, writes=not (stability or learning_curve))
        if not (stability or learning_curve) and output.is_dir():
            raise TrainingError(f"--output {output}: a folder; give the model's file, "
                                f"--output {output / MODEL_PATH.name}")
        if not (stability or learning_curve) and not output.parent.is_dir():
            raise TrainingError(f"{output}: no folder {output.parent} to write the model in")
        if not (stability or learning_curve):
            print(f"fitting the decision model on {directory} ({len(pairs)} releases; {fitting_time(len(pairs))})…",
                  flush=True)
        if tune:  # measured only: C_COMMITMENT changes by hand, once the validation split confirms the choice
            print(f"  best C {tuned(pairs)[0]:g}; fitted with C_COMMITMENT {C_COMMITMENT:g}")
        if stability:
            from .stability import report_stability

            return report_stability(pairs, stability, validation=stability_validation)
        if learning_curve:
            from .learning_curve import report_learning_curve

            return report_learning_curve(pairs)
        c = C_COMMITMENT
        model, rules, learned = trained(pairs)
        threshold, veto, cut = model.threshold, model.veto, model.terrorism_cut
    except (TrainingError, LabelledSetError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        write_model(model, output)
    except ModelNotWritten as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    covered, total = proposal_recall(pairs)
    fitted_on = "training split" if Path(directory).resolve() == TRAINING_SET.resolve() else directory
    cut_words = "none (the rules' flag alone; " if cut is None else f"{cut} ("
    print(f"{fitted_on}: {len(pairs)} releases, {len(rows)} proposals, {sum(r[1] for r in rows)} commitments; "
          f"proposals cover {covered}/{total} labelled commitments")
    print(f"C {c:g}, threshold {threshold:.2f}, veto {veto:.2f} (best commitment F1 over {FOLDS}-fold "
          f"publisher-grouped cross-validation), terrorism cut {cut_words}best release counter-terrorism flag)")
    interactions = model.interactions
    print(f"wrote {output} ({len(model.commitment.weights)} + {len(model.kind.weights)} weights, "
          f"{len(interactions.weights) + len(interactions.pairs) if interactions else 0} interactions)")
    if compare:
        print(f"\n{FOLDS}-fold cross-validation on the training split      "
              "commitments P / R / F1   deadlines F1   kind  release CT")
        for name, row in (("rules only", rules), ("rules + model", learned)):
            c = row["commitments"]
            print(f"  {name:50}{figure(c['precision'])} / {figure(c['recall'])} / {figure(c['f1'])}"
                  f"{figure(row['deadlines']['f1'], 14)}{figure(row['kind'], 8)}"
                  f"{figure(row['release_counter_terrorism'], 12)}")
        group_of = {release.release_id: publisher(release) for release, _ in pairs}
        rules_category, learned_category, scored = categories_cross_validated(pairs, model,
                                                                               publisher_folds(group_of, FOLDS))
        print(f"  category on the {scored} labelled commitments found: rules {figure(rules_category)}, "
              f"rules + model {figure(learned_category)}")
        rules_actor, learned_actor, scored = actors_cross_validated(pairs, model, publisher_folds(group_of, FOLDS))
        print(f"  actor on the {scored} labelled commitments found: rules {figure(rules_actor)}, "
              f"rules + model {figure(learned_actor)}")
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, nargs="?", default=TRAINING_SET, metavar="DIR",
                        help="the training split, or a labelled set of your own: a folder with releases/ and "
                             "labels.json (default: tests/data)")
    parser.add_argument("--output", type=Path, default=None, metavar="FILE",
                        help="where the model's JSON goes (default: the model the classifier ships; needed with a "
                             "DIR of your own)")
    parser.add_argument("--compare", action="store_true", help="cross-validated rules only vs rules + model")
    parser.add_argument("--tune", action="store_true",
                        help="also print the cross-validated F1 of the commitment model with each regularisation "
                             f"strength C of {', '.join(f'{c:g}' for c in C_GRID)} (six times slower)")
    parser.add_argument("--stability", type=int, default=0, metavar="N",
                        help="write no model: refit N times, each without one of N fixed training releases, and "
                             "print the spread of the cuts and of the cross-validated F1 (N times slower)")
    parser.add_argument("--stability-validation", action="store_true",
                        help="with --stability: also the spread of the blind validation split's aggregate F1, the "
                             "noise band of a comparison between versions (not a way to choose between them)")
    parser.add_argument("--learning-curve", action="store_true",
                        help="write no model: the cross-validated F1 with each fold's model fitted on 50%%, 75%% "
                             "and all of its training releases (seven trainings): is labelling more worth it?")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pledgewatch train", description=__doc__.split("\n", 1)[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    return train(args.dir, output=args.output, compare=args.compare, tune=args.tune,
                 stability=args.stability, stability_validation=args.stability_validation,
                 learning_curve=args.learning_curve)


if __name__ == "__main__":
    sys.exit(main())
