"""A learned ranking of a found commitment's competing deadline readings, measured on the training split.

The rules give a found commitment each deadline its sentence writes (``records.build_commitment``), and a deadline
of a neighbouring sentence only where ``context.borrow_deadlines`` lends one. Here every reading a commitment could
take is a candidate: each deadline it holds, and each deadline of the sentence before and after it that it does not
hold. A logistic regression over general signals of the reading (its type, the word it is led by, how far ahead it
falls, where it stands, how many readings compete, the commitment's confidence and kind, for a neighbour's reading
whether it shares the paragraph and content words) weighs whether the reading is one the labels give the commitment,
and a reading is kept at or above a cut (one for the commitment's own readings, one for its neighbours').

Measured only: the candidates come from the out-of-fold classifications of ``benchmarks/deadline_ranking.py``, the
regression of each publisher-grouped fold is fitted on the other folds' candidates, and the figures are end to end,
as ``pledgewatch eval`` counts deadlines (each labelled deadline of a matched commitment found once; every deadline
of a commitment no label matches is a wrong one).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from schemas import Commitment, ReleasePublished
from services.classifier.core.deadlines import find_deadlines
from services.classifier.core.publishers import financial_year_start
from services.classifier.core.sentences import split_sentences

from .evaluation import deadline_key, locate, match_commitments

OWN, BEFORE, AFTER = "own", "before", "after"
# The words a deadline's text may begin with that tell its form ("by March", "over the next three years").
LEADS = frozenset({"by", "until", "in", "over", "within", "before", "this", "next", "for", "from", "during",
                   "through", "on", "later", "soon", "at", "the", "early", "end", "between", "no", "across"})
# A clause about something else before the deadline, inside the commitment ("…, who will …", "…, with a review …").
_SUBORDINATE = re.compile(r"(?:,|\(|–|—)\s*(?:who|which|with|while|after|once|subject\s+to|ahead\s+of|as|including|"
                          r"following)\b[^,;]*$", re.IGNORECASE)
_REFERS_BACK = re.compile(r"(?:this|these|it|they|the\s+funding|the\s+money|the\s+legislation)\b", re.IGNORECASE)
_CONTENT = re.compile(r"[a-z]{4,}")
_FUNCTION = frozenset("that this with will from have which their they been were also into more than".split())


@dataclass(frozen=True)
class Reading:
    """One deadline reading a found commitment could take: its signals, whether the labels give it the
    commitment, and whether the commitment holds it now (``own``) or a neighbouring sentence writes it."""

    fold: int
    names: dict[str, float] = field(hash=False)
    right: bool
    own: bool


def _step(value: float, cuts: tuple[float, ...], names: tuple[str, ...]) -> str:
    """The name of the first of ``cuts`` that ``value`` lies below (the last name past them all)."""
    for cut, name in zip(cuts, names):
        if value < cut:
            return name
    return names[-1]


def _content(text: str) -> set[str]:
    return {word for word in _CONTENT.findall(text.lower()) if word not in _FUNCTION}


def signals(commitment: Commitment, deadline: dict, published: date, *, where: str, order: str, competing: int,
            extra: dict[str, float] | None = None) -> dict[str, float]:
    """The general signals of one reading (``deadline``, as JSON) of ``commitment``: ``where`` it is written (its
    own sentence, the one before or after), its ``order`` among the commitment's own readings, how many of them
    ``competing``; the signals of a neighbour's reading are named apart (``before|type:date``)."""
    kind = deadline["type"]
    if kind == "period" and deadline.get("vague"):
        kind = "vague"
    words = deadline["text"].lower().split()
    lead = words[0] if words and words[0] in LEADS else "other"
    names = {f"type:{kind}": 1.0, f"lead:{lead}": 1.0, f"readings:{min(competing, 2)}": 1.0,
             f"confidence:{_step(commitment.confidence, (0.5, 0.6, 0.7, 0.8, 0.9), ('<.5', '.5', '.6', '.7', '.8', '.9'))}":
                 1.0, f"kind:{commitment.kind.value}": 1.0}
    if where == OWN:
        names[f"order:{order}"] = 1.0
    if commitment.money is not None:
        names["money"] = 1.0
    end = deadline.get("due") or deadline.get("end")
    if end:
        ahead = (date.fromisoformat(end) - published).days
        names[f"ahead:{_step(ahead, (0, 92, 366, 1100), ('past', 'quarter', 'year', 'three years', 'more'))}"] = 1.0
    names.update(extra or {})
    if where == OWN:
        return names
    return {f"{where}|{name}": value for name, value in names.items()} | {f"from:{where}": 1.0}


def readings(release: ReleasePublished, label: dict, found: list[Commitment], fold: int) -> list[Reading]:
    """Every reading each commitment ``found`` in ``release`` could take, each marked right when the labelled
    commitment it matches holds that deadline (each labelled deadline right once)."""
    body, published = release.body, release.published_at.date()
    year_starts = financial_year_start(release)
    items = label.get("commitments", [])
    matched = {fi: li for li, fi in match_commitments(found, [locate(i["quote"], body) for i in items]).items()}
    sentences = split_sentences(body)
    spans = [tuple(commitment.span) for commitment in found]
    out = []
    for index, commitment in enumerate(found):
        labelled = Counter(deadline_key(d) for d in items[matched[index]].get("deadlines", [])) \
            if index in matched else Counter()

        def right(key: tuple) -> bool:
            if labelled[key] > 0:
                labelled[key] -= 1
                return True
            return False

        start, end = commitment.span
        own = [d.model_dump(mode="json") for d in commitment.deadlines]
        held = {deadline_key(d) for d in own}
        for position, deadline in enumerate(own):
            order = "only" if len(own) == 1 else "first" if position == 0 else \
                "last" if position == len(own) - 1 else "middle"
            at, to = deadline["span"]
            extra = {"outside": 1.0} if at < start or to > end else \
                {"subordinate": 1.0} if _SUBORDINATE.search(body, max(start, at - 80), at) else {}
            out.append(Reading(fold, signals(commitment, deadline, published, where=OWN, order=order,
                                             competing=len(own), extra=extra), right(deadline_key(deadline)), True))
        inside = [n for n, sentence in enumerate(sentences) if sentence.start < end and sentence.end > start]
        if not inside:
            continue
        words = _content(body[start:end])
        refers_back = 1.0 if _REFERS_BACK.match(body[start:end].lstrip()) else 0.0
        for n, where in ((inside[0] - 1, BEFORE), (inside[-1] + 1, AFTER)):
            if not 0 <= n < len(sentences):
                continue
            first, last = sentences[n]
            between = body[last:start] if where == BEFORE else body[end:first]
            theirs = [d.model_dump(mode="json") for d in find_deadlines(body[first:last], published, first,
                                                                        year_starts=year_starts)]
            shared = len(words & _content(body[first:last]))
            extra = {"same paragraph": 0.0 if "\n" in between else 1.0, "refers back": refers_back,
                     "neighbour commits": 1.0 if any(a < last and b > first for a, b in spans) else 0.0,
                     f"neighbour readings:{min(len(theirs), 2)}": 1.0,
                     f"shared words:{_step(shared, (1, 3, 6), ('0', '1-2', '3-5', '6+'))}": 1.0}
            for deadline in theirs:
                key = deadline_key(deadline)
                if key not in held:
                    held.add(key)
                    out.append(Reading(fold, signals(commitment, deadline, published, where=where, order="",
                                                     competing=len(own), extra=extra), right(key), False))
    return out


def out_of_fold(candidates: list[Reading], folds: int, c: float) -> list[float]:
    """Each reading's P(right) from a regression (L2, balanced classes, ``liblinear``: deterministic) fitted on
    the readings of the other folds."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    probabilities = [0.0] * len(candidates)
    for fold in range(folds):
        trained = [r for r in candidates if r.fold != fold]
        held = [i for i, r in enumerate(candidates) if r.fold == fold]
        if not held:
            continue
        vectoriser = DictVectorizer(sparse=False)
        matrix = vectoriser.fit_transform([r.names for r in trained])
        regression = LogisticRegression(C=c, solver="liblinear", max_iter=1000, class_weight="balanced")
        regression.fit(matrix, [r.right for r in trained])
        for i, p in zip(held, regression.predict_proba(vectoriser.transform([candidates[i].names for i in held]))[:, 1]):
            probabilities[i] = float(p)
    return probabilities


def kept_f1(candidates: list[Reading], probabilities: list[float], labelled: int, own_cut: float,
            neighbour_cut: float, *, competing_only: bool = False) -> tuple[int, int, float]:
    """(right, found, deadlines F1) keeping each own reading at or above ``own_cut`` (with ``competing_only``, a
    commitment's only reading is always kept) and each neighbour's at or above ``neighbour_cut``."""
    def keeps(reading: Reading, probability: float) -> bool:
        if not reading.own:
            return probability >= neighbour_cut
        return probability >= own_cut or competing_only and "order:only" in reading.names

    kept = [r.right for r, p in zip(candidates, probabilities) if keeps(r, p)]
    right = sum(kept)
    return right, len(kept), 2 * right / (len(kept) + labelled) if kept or labelled else 0.0
