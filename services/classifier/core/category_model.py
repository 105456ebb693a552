"""The category a learned model gives a commitment, over what the rules read of it.

The rules (:mod:`.categories`) choose the first category whose words a clause holds; a multinomial logistic
model fitted on the training split (``pledgewatch train``) weighs instead everything the rules read (the category
they chose, every category whose words match), the clause's own words, the release's title, the commitment's
kind, money and terrorism, and the categories the rules give the release's other commitments ("the mission's
mandate is extended" in a sanctions resolution is about sanctions). The category is the one whose sum of weights
is largest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from schemas import Category, Commitment

TOKEN: Final = re.compile(r"[a-z][a-z'-]+|[£$€]")
_CATEGORIES: Final = frozenset(category.value for category in Category)
# The rules' own reading stands where it is one of these: the taxonomy (docs/CLASSIFIER.md) puts officer training
# under training and border infrastructure under border security, as the seed release's table does, where the
# labelled releases the model learns from never say training and say border security for half of what the rules
# read as it (publisher-grouped cross-validation: 0.675 with the model deciding every category, 0.667 with these
# two standing; the rules alone 0.601).
RULES_STAND: Final = frozenset({Category.TRAINING.value, Category.BORDER_SECURITY.value})

# ``words``: the characters of TOKEN's words kept, every other byte a space (a character beyond ASCII, every
# byte of it, among them), and three control characters standing in for the signs, which are words of their own.
_STAND_INS: Final = {"£": "\x01", "$": "\x02", "€": "\x03"}
_SIGN_OF: Final = {ord(stand_in): sign for sign, stand_in in _STAND_INS.items()}
_KEPT: Final = frozenset("abcdefghijklmnopqrstuvwxyz'-" + "".join(_STAND_INS.values()))
_WORD_BYTES: Final = bytes(byte if chr(byte) in _KEPT else ord(" ") for byte in range(256))


def words(text: str) -> list[str]:
    """``TOKEN.findall(text.lower())``: the lowercase words of ``text`` (a letter, then letters, apostrophes and
    hyphens) and its currency signs, in order. Found by a byte translation and ``str.split``, as a regex search
    tries both of TOKEN's branches at every offset (four times the cost over the training split's commitments)."""
    low = text.lower()
    if "\x01" in low or "\x02" in low or "\x03" in low:  # a stand-in is in the text itself
        return TOKEN.findall(low)
    for sign, stand_in in _STAND_INS.items():
        if sign in low:
            low = low.replace(sign, " " + stand_in + " ")
    found: list[str] = []
    for run in low.encode().translate(_WORD_BYTES).decode().split():
        first = ord(run[0])
        if first >= 97:  # a letter: the run is a word unless it is that letter alone
            if len(run) > 1:
                found.append(run)
        elif first == 39 or first == 45:  # "'" or "-": the word begins at the run's first letter
            run = run.lstrip("'-")
            if len(run) > 1:
                found.append(run)
        else:
            found.append(_SIGN_OF[first])
    return found


def category_features(text: str, *, title: str, release_counter_terrorism: bool,
                      named: dict[str, float]) -> dict[str, float]:
    """The features of one commitment, by name: its ``text``'s words; its release's ``title``'s words; whether
    its release is about terrorism; and ``named``, what the rules read of it (``release_named_features``)."""
    features: dict[str, float] = {"w:" + token: 1.0 for token in words(text)}
    features.update(("t:" + token, 1.0) for token in words(title))
    if release_counter_terrorism:
        features["rct"] = 1.0
    features.update(named)
    return features


def release_named_features(commitments: list[Commitment], i: int, rules: list[str],
                           hits: list[str]) -> dict[str, float]:
    """``named_features`` of ``commitments[i]``, one of a release's commitments, each in the category the rules
    chose for it (``rules``, by position); ``hits``: ``categories.rule_hits`` of its fold."""
    commitment = commitments[i]
    return named_features(rules_category=rules[i], rule_hits=hits, kind=commitment.kind.value,
                          has_money=commitment.money is not None, counter_terrorism=commitment.counter_terrorism,
                          others=rules[:i] + rules[i + 1:])


def named_features(*, rules_category: str, rule_hits: list[str], kind: str, has_money: bool,
                   counter_terrorism: bool, others: list[str]) -> dict[str, float]:
    """The features of ``category_features`` that are neither words nor the release's: the category the rules
    chose for a commitment and every one they read in it (``rule_hits``), its ``kind``, whether it pledges money,
    whether it is about terrorism, and the share of each category the rules chose among the release's ``others``
    commitments."""
    features: dict[str, float] = {"rule=" + rules_category: 1.0, "kind=" + kind: 1.0}
    for hit in rule_hits:
        features["h=" + hit] = 1.0
    if has_money:
        features["money"] = 1.0
    if counter_terrorism:
        features["ct"] = 1.0
    for category in sorted(set(others)):
        features["o=" + category] = others.count(category) / len(others)
    return features


@dataclass(frozen=True)
class CategoryModel:
    """``classes[k]`` scores ``intercepts[k]`` plus, for each feature present, its value times
    ``weights[feature][k]``; a feature the model never saw weighs nothing. Scores are summed in the order the
    features are given, which a release's text fixes, so two processes choose alike."""

    classes: list[str]
    intercepts: list[float]
    weights: dict[str, list[float]]
    # Built from ``weights`` (``__post_init__``): the rows of the words of a clause and of a title by the word
    # itself, so that a commitment's words are looked up with no feature name built for each. Declared, as the
    # compiled class has no ``__dict__`` to hold them.
    _words: dict[str, list[float]] = field(init=False, repr=False, compare=False)
    _titles: dict[str, list[float]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        width = len(self.classes)
        if width < 2 or len(set(self.classes)) != width:
            raise ValueError(f"a category model needs two or more distinct classes, not {self.classes!r}")
        unknown = sorted(set(self.classes) - _CATEGORIES)
        if unknown:
            raise ValueError(f"classes {unknown} are no category (one of {sorted(_CATEGORIES)})")
        if len(self.intercepts) != width:
            raise ValueError(f"{len(self.intercepts)} intercepts for {width} classes")
        for name, row in self.weights.items():
            if len(row) != width:
                raise ValueError(f"feature {name!r} has {len(row)} weights for {width} classes")
        object.__setattr__(self, "_words", {name[2:]: row for name, row in self.weights.items() if name[:2] == "w:"})
        object.__setattr__(self, "_titles", {name[2:]: row for name, row in self.weights.items() if name[:2] == "t:"})

    def choose(self, features: dict[str, float]) -> str:
        """The class of largest score (the first of them on a tie)."""
        rows, values = self._rows(features)
        return self._best(_sums(self.intercepts, [], rows, values))

    def release_scores(self, title: str, release_counter_terrorism: bool) -> list[float]:
        """What every commitment of a release starts from: the intercepts, and what the release's ``title`` and its
        being about terrorism weigh (``category_features``'s ``t:`` and ``rct``)."""
        rows = _rows_of_words(self._titles, title)
        if release_counter_terrorism:
            row = self.weights.get("rct")
            if row is not None:
                rows.append(row)
        return _sums(self.intercepts, rows, [], [])

    def choose_in_release(self, start: list[float], text: str, named: dict[str, float]) -> str:
        """``choose`` of a commitment's features, given ``start`` (``release_scores`` of its release), its ``text``,
        and its other features by name (``named``: what ``category_features`` names but its words and the
        release's)."""
        rows, values = self._rows(named)
        return self._best(_sums(start, _rows_of_words(self._words, text), rows, values))

    def _rows(self, features: dict[str, float]) -> tuple[list[list[float]], list[float]]:
        """The weights of each of ``features`` the model knows, and its value, in order."""
        rows: list[list[float]] = []
        values: list[float] = []
        weights = self.weights
        for name, value in features.items():
            row = weights.get(name)
            if row is not None:
                rows.append(row)
                values.append(value)
        return rows, values

    def _best(self, scores: list[float]) -> str:
        best = 0
        for k in range(1, len(scores)):
            if scores[k] > scores[best]:
                best = k
        return self.classes[best]

    @classmethod
    def from_dict(cls, data: dict) -> "CategoryModel":
        return cls([str(name) for name in data["classes"]], [float(w) for w in data["intercepts"]],
                   {str(name): [float(w) for w in row] for name, row in dict(data["weights"]).items()})

    def to_dict(self) -> dict:
        return {"classes": list(self.classes), "intercepts": list(self.intercepts),
                "weights": {name: list(row) for name, row in self.weights.items()}}


def _rows_of_words(table: dict[str, list[float]], text: str) -> list[list[float]]:
    """The weights in ``table`` of each word of ``text`` it holds, each word once, in order. A word is looked up
    before it is told apart from those before it: only the words the table holds are kept in a set."""
    rows: list[list[float]] = []
    seen: set[str] = set()
    for token in words(text):
        row = table.get(token)
        if row is not None and token not in seen:
            seen.add(token)
            rows.append(row)
    return rows


def _sums(start: list[float], ones: list[list[float]], rows: list[list[float]], values: list[float]) -> list[float]:
    """For each class ``k``: ``start[k]``, plus ``row[k]`` of each of ``ones`` (features of value 1, whose product
    with their value is the weight itself), plus ``rows[j][k] * values[j]`` of each of ``rows``, added in that
    order. One class at a time: its sum stays a float of the loop, stored once."""
    scores = []
    for k in range(len(start)):
        total = start[k]
        for row in ones:
            total += row[k]
        for j in range(len(rows)):
            total += rows[j][k] * values[j]
        scores.append(total)
    return scores


def recategorised(commitments: list[Commitment], hits: list[list[str]], model: CategoryModel, *, title: str,
                  release_counter_terrorism: bool) -> list[Commitment]:
    """``commitments`` (a release's, in the rules' categories) each in the category ``model`` chooses, but where the
    rules read one of ``RULES_STAND``; ``hits``: ``categories.rule_hits`` of each one's fold, by position."""
    rules = [commitment.category.value for commitment in commitments]
    start: list[float] | None = None
    chosen = []
    for i, commitment in enumerate(commitments):
        if rules[i] in RULES_STAND:
            chosen.append(commitment)
            continue
        if start is None:
            start = model.release_scores(title, release_counter_terrorism)
        category = model.choose_in_release(start, commitment.text,
                                           release_named_features(commitments, i, rules, hits[i]))
        chosen.append(commitment if category == rules[i] else
                      commitment.model_copy(update={"category": Category(category)}))
    return chosen
