"""``pledgewatch eval [DIR]``: measure the classifier against a labelled set.

With no DIR, both splits of the project's corpus side by side: the training split (``tests/data``) and
the blind validation split (``tests/data/validation``), each with the rules alone and with rules plus the
model. A set holding a ``BLIND`` file is measured in aggregate only: its per-item mistakes are never
printed, so that whoever tunes the classifier cannot tune on it.

DIR holds ``releases/*.json`` (release files) and ``labels.json`` (labels keyed by
release id, following the labelling rules of tests/data/README.md). A label whose release file is missing (a set with
holes cannot be measured honestly), or a set with no labelled release, is an error; a
release file with no label, and a file in ``releases/`` that is not ``.json``, are left
out and named in a warning (``tests/data/check_labels.py`` calls each a problem).

A labelled commitment is matched by a found one whose span covers at least half of
the labelled quote (the quote is located in the body to get its span); each is
matched at most once, largest overlap first.

Actor comparison is lenient: both names are lower-cased, stripped of "the",
possessives and punctuation, plural words singularised, common aliases mapped
("we", "UK", "HM Government", "the government" -> "uk government"; "DfE" ->
"department for education", ...; "EU" inside a name -> "european union"). A label may list several names ("Department
for Transport / UK government", "Home Office (FRANK)"): it is split on / ( ) ,
"and", "with", and the actor counts as right when, for the label or any of its
parts, one name equals the other or contains it as whole words.

Deadlines are compared by type and normalised values (date: due; period: start,
end, vague; response time: min and max as durations, the anchor ignored). The
headline deadline figures are end to end: a deadline found on a commitment that
matches no label is a false positive, and the deadlines of a missed commitment
are false negatives. The same figures on matched commitments only are given too.

A ratio with nothing to count is no figure: precision with nothing found, recall with nothing labelled, F1
with neither, print as "n/a" (``null`` in ``--json``, whose keys stay the same). F1 is 2·tp / (found +
labelled), the harmonic mean of precision and recall wherever both are figures, and 0 when only one is.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from schemas import Commitment, ReleaseClassified, ReleasePublished
from services.classifier.core import classify
from services.classifier.core.decision import DecisionModel
from services.classifier.model_choice import ChosenModel
from services.common.json_keys import DuplicateKey, each_key_once
from services.ingest.files import ReleaseFileError, load_release

from .label_problems import label_problem, locate

_ALIASES = {
    "uk": "uk government", "united kingdom": "uk government", "britain": "uk government",
    "government": "uk government", "british government": "uk government", "hm government": "uk government",
    "we": "uk government", "prime minister": "uk government", "uk government": "uk government",
    "dfe": "department for education", "dft": "department for transport", "dh": "department of health",
    "doh": "department of health", "dhsc": "department of health and social care",
    "defra": "department for environment food and rural affairs", "ho": "home office",
    "fco": "foreign and commonwealth office", "fcdo": "foreign commonwealth and development office",
    "mod": "ministry of defence", "moj": "ministry of justice", "dcms": "department for culture media and sport",
}
# Abbreviations inside a name: "Council of the EU" is the Council of the European Union.
_WORD_ALIASES = {"eu": "european union"}
_SPLIT = re.compile(r"\s*(?:/|\(|\)|,|;|\band\b|\bwith\b|\bvia\b)\s*")


def normalise_actor(name: str) -> str:
    text = name.lower().replace("’", "'")
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[^\w\s]", " ", text)
    words = [w for w in text.split() if w not in ("the", "a", "an", "all", "its", "our", "their", "these", "those", "this")]
    words = [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words]
    words = [_WORD_ALIASES.get(w, w) for w in words]
    joined = " ".join(words)
    return _ALIASES.get(joined, joined)


def actor_matches(found: str, label: str) -> bool:
    """The lenient actor rule in this module's docstring."""
    mine = normalise_actor(found)
    if not mine:
        return False
    for part in [label, *_SPLIT.split(label)]:
        theirs = normalise_actor(part)
        if theirs and (mine == theirs or _contains(theirs, mine) or _contains(mine, theirs)):
            return True
    return False


def _contains(outer: str, inner: str) -> bool:
    return re.search(rf"(?:^| ){re.escape(inner)}(?: |$)", outer) is not None


_NUMBER = r"(\d+(?:[.,]\d+)?)"
_DURATION = re.compile(rf"P(?:{_NUMBER}W)?(?:{_NUMBER}D)?(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?")


def _duration(iso: str) -> float | str:
    """Seconds in an ISO 8601 duration of weeks to seconds ("PT1.5H" is "PT90M"); text that is none (or
    counts months or years, which have no fixed length) is kept as written, equal only to itself."""
    match = _DURATION.fullmatch(iso)
    if not match or iso in ("P", "PT"):
        return iso
    weeks, days, hours, minutes, seconds = (float((g or "0").replace(",", ".")) for g in match.groups())
    return (((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds


def deadline_key(deadline: dict) -> tuple:
    kind = deadline.get("type")
    if kind == "date":
        return ("date", str(deadline.get("due")))
    if kind == "period":
        end = deadline.get("end")
        vague = bool(deadline.get("vague", end is None))
        return ("period", str(deadline.get("start")), str(end) if end else None, vague)
    if kind == "response_time":
        return ("response_time", _duration(deadline.get("min", "")), _duration(deadline.get("max", "")))
    return (str(kind),)


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """How many characters the spans ``a`` and ``b`` share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_commitments(found: list[Commitment], spans: list[tuple[int, int] | None]) -> dict[int, int]:
    """label index -> found index, each used once, largest overlap first (at least half the quote)."""
    pairs = []
    for li, span in enumerate(spans):
        if span is None:
            continue
        for fi, commitment in enumerate(found):
            shared = overlap(span, tuple(commitment.span))
            if shared * 2 >= span[1] - span[0]:
                pairs.append((shared / max(1, span[1] - span[0]), li, fi))
    used_labels, used_found, matched = set(), set(), {}
    for _, li, fi in sorted(pairs, reverse=True):
        if li not in used_labels and fi not in used_found:
            matched[li] = fi
            used_labels.add(li)
            used_found.add(fi)
    return matched


def _money_equal(found, label) -> bool:
    if label is None or found is None:
        return label is None and found is None
    return found.currency == label.get("currency") and abs(found.amount - float(label["amount"])) <= 0.005 * max(
        1.0, abs(float(label["amount"])))


class LabelledSetError(ValueError):
    """A labelled set's file that cannot be read; the message names it and says why."""


def is_labelled_set(directory: Path) -> bool:
    return (directory / "labels.json").is_file() and (directory / "releases").is_dir()


def inside_a_set(path: Path) -> str | None:
    """The end of an error line for ``path``, a file or folder inside a labelled set (its ``labels.json``,
    ``releases/`` or a release file), naming the set's folder to give instead; None when it is in none."""
    around = next((folder for folder in list(path.parents)[:2] if is_labelled_set(folder)), None)
    if around is None:
        return None
    return f": not a labelled set; give the folder holding releases/ and labels.json: {around}"


def check_folder(directory: Path) -> None:
    """A ``LabelledSetError`` unless ``directory`` holds ``releases/`` and ``labels.json``."""
    if not directory.exists():
        raise LabelledSetError(f"{directory}: no such folder")
    if not is_labelled_set(directory):
        instead = inside_a_set(directory) or ": needs releases/ and labels.json (a labelled set)"
        raise LabelledSetError(f"{directory}{instead}")


def _names(names: list[str], most: int = 5) -> str:
    """``names`` joined, the first ``most`` of them and how many more."""
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def load_set(directory: Path, warn: Callable[[str], None] = _warn) -> list[tuple[ReleasePublished, dict]]:
    """Each labelled release of the set in ``directory`` with its label, in file name order. A
    ``LabelledSetError`` when it is no labelled set, a file of it does not read, a label has no release file,
    or no release is labelled; ``warn`` (a line on stderr) names the release files with no label and the files
    in ``releases/`` that are not read, all left out."""
    directory = Path(directory)
    check_folder(directory)
    labels_path = directory / "labels.json"
    try:
        text = labels_path.read_text(encoding="utf-8")
        labels = json.loads(text)
        each_key_once(text)  # json keeps a key's last value: a release labelled twice would lose its first label
    except json.JSONDecodeError as exc:
        raise LabelledSetError(f"{labels_path}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except DuplicateKey as exc:
        raise LabelledSetError(f"{labels_path}: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelledSetError(f"{labels_path}: {exc}") from None
    if not isinstance(labels, dict):
        raise LabelledSetError(f"{labels_path}: not an object of labels keyed by release id")
    releases_dir = directory / "releases"
    pairs, unlabelled, names = [], [], set()
    for path in sorted(releases_dir.glob("*.json")):
        try:
            release = load_release(path)
        except ReleaseFileError as exc:
            raise LabelledSetError(str(exc)) from None
        names.update((release.release_id, path.stem))
        key = release.release_id if release.release_id in labels else path.stem
        if key not in labels:
            unlabelled.append(path.name)
            continue
        label = labels[key]
        if not isinstance(label, dict):  # null and [] too: a label given empty is no missing one
            raise LabelledSetError(f"{labels_path}: the label of {release.release_id} is not an object")
        problem = label_problem(label, release.body)
        if problem:
            raise LabelledSetError(f"{labels_path}: {key}{problem} (`{_check_labels_command(directory)}` lists every "
                                   "problem of a set)")
        pairs.append((release, label))
    holes = sorted(set(labels) - names)
    if holes:
        raise LabelledSetError(f"{labels_path}: {len(holes)} label{'s' if len(holes) > 1 else ''} with no release "
                               f"file in {releases_dir}: {_names(holes)} (a set with holes cannot be measured)")
    if not pairs:
        files = len(unlabelled)
        raise LabelledSetError(f"{directory}: no labelled release (labels.json labels none of the {files} release "
                               f"file{'' if files == 1 else 's'} in releases/)" if files else
                               f"{directory}: no labelled release (releases/ holds no .json release file)")
    if unlabelled:
        warn(f"{releases_dir}: {len(unlabelled)} release file{'s' if len(unlabelled) > 1 else ''} with no label "
             f"in labels.json, left out: {_names(unlabelled)}")
    not_read = sorted(path.name + ("/" if path.is_dir() else "") for path in releases_dir.iterdir()
                      if path.suffix != ".json" and not path.name.startswith("."))
    if not_read:
        warn(f"{releases_dir}: {len(not_read)} file{'s' if len(not_read) > 1 else ''} not read (a release file "
             f"is a .json file): {_names(not_read)}")
    return pairs


def _prf(tp: int, n_found: int, n_label: int) -> dict:
    """Precision, recall and F1 (None where there is nothing to count: the module docstring) and the counts."""
    def ratio(part: int, whole: int) -> float | None:
        return round(part / whole, 3) if whole else None

    return {"precision": ratio(tp, n_found), "recall": ratio(tp, n_label), "f1": ratio(2 * tp, n_found + n_label),
            "tp": tp, "found": n_found, "labelled": n_label}


def figure(value: float | None, width: int = 0) -> str:
    """A figure of ``_prf`` or an accuracy as printed: three decimals, or "n/a" where there is none."""
    return f"{'n/a' if value is None else f'{value:.3f}':>{width}}"


def score_release(result: ReleaseClassified, label: dict, body: str, tally: Counter, errors: list) -> None:
    """Add one release's counts to ``tally`` and its mistakes to ``errors``."""
    rid = result.release_id
    labelled = label.get("commitments", [])
    spans = [locate(item["quote"], body) for item in labelled]
    found = result.commitments
    matched = match_commitments(found, spans)
    tally["releases"] += 1
    tally["release_ct_ok"] += result.is_counter_terrorism == bool(label.get("is_counter_terrorism"))
    if result.is_counter_terrorism != bool(label.get("is_counter_terrorism")):
        errors.append({"release": rid, "error": "release counter-terrorism",
                       "found": result.is_counter_terrorism, "score": result.counter_terrorism_score})
    tally["c_found"] += len(found)
    tally["c_labelled"] += len(labelled)
    tally["c_tp"] += len(matched)
    for li, item in enumerate(labelled):
        keys = Counter(deadline_key(d) for d in item.get("deadlines", []))
        tally["d_labelled"] += sum(keys.values())
        if spans[li] is None:
            errors.append({"release": rid, "error": "quote not found in body", "quote": item["quote"]})
            continue
        if li not in matched:
            errors.append({"release": rid, "error": "missed", "quote": item["quote"]})
            continue
        got = found[matched[li]]
        tally["d_labelled_matched"] += sum(keys.values())
        _compare(got, item, keys, tally, errors, rid)
    for fi, got in enumerate(found):
        tally["d_found"] += len(got.deadlines)
        if fi not in matched.values():
            errors.append({"release": rid, "error": "not a labelled commitment", "text": got.text[:200]})


def _compare(got: Commitment, item: dict, keys: Counter, tally: Counter, errors: list, rid: str) -> None:
    checks = {
        "kind": got.kind.value == item.get("kind"),
        "counter_terrorism": got.counter_terrorism == bool(item.get("counter_terrorism")),
        "money": _money_equal(got.money, item.get("money")),
    }
    # An actor or category not labelled is left out of its accuracy, not counted as the classifier's mistake.
    if item.get("actor"):
        checks["actor"] = actor_matches(got.actor, item["actor"])
    if item.get("category"):
        checks["category"] = got.category.value == item["category"]
    for name, ok in checks.items():
        tally[f"n_{name}"] += 1
        tally[f"ok_{name}"] += ok
        if not ok:
            errors.append({"release": rid, "error": f"wrong {name}", "quote": item["quote"][:120],
                           "found": _field(got, name), "label": item.get(name)})
    mine = Counter(deadline_key(d.model_dump(mode="json")) for d in got.deadlines)
    hits = sum((mine & keys).values())
    tally["d_tp"] += hits
    tally["d_found_matched"] += sum(mine.values())
    if mine != keys:
        errors.append({"release": rid, "error": "deadlines differ", "quote": item["quote"][:120],
                       "found": [d.model_dump(mode="json", exclude={"span"}) for d in got.deadlines],
                       "label": item.get("deadlines", [])})


def _field(got: Commitment, name: str):
    value = getattr(got, name)
    if name == "money" and value is not None:
        return {"amount": value.amount, "currency": value.currency}
    return getattr(value, "value", value)


ROOT = Path(__file__).resolve().parents[1]
SPLITS = {"training": ROOT / "tests" / "data", "validation": ROOT / "tests" / "data" / "validation"}
BLIND_MARKER = "BLIND"


def _check_labels_command(directory: Path) -> str:
    """The command that lists every problem of the labelled set at ``directory``, from any folder: this Python and
    the checkout's checker, by their paths (``python tests/data/check_labels.py`` ran only in the checkout)."""
    checker = ROOT / "tests" / "data" / "check_labels.py"
    return shlex.join([sys.executable, str(checker) if checker.is_file() else "tests/data/check_labels.py",
                       str(directory)])


class BlindSetError(Exception):
    """Per-item mistakes were asked for on a blind set."""


def is_blind(directory: Path) -> bool:
    return (Path(directory) / BLIND_MARKER).exists()


def evaluate(directory: Path, *, rules_only: bool = False, model: DecisionModel | None = None,
             pairs: list[tuple[ReleasePublished, dict]] | None = None) -> dict:
    """All the figures for the labelled set in ``directory``, with the mistakes behind them (none for a
    blind set); ``rules_only``: without the decision model; ``model``: another than the shipped one;
    ``pairs``: the set as ``load_set`` read it already."""
    tally: Counter = Counter()
    errors: list = []
    for release, label in load_set(Path(directory)) if pairs is None else pairs:
        score_release(classify(release, model=model, rules_only=rules_only), label, release.body, tally, errors)
    if is_blind(directory):
        errors = []

    def accuracy(name: str) -> float | None:
        return round(tally[f"ok_{name}"] / tally[f"n_{name}"], 3) if tally[f"n_{name}"] else None

    return {
        "releases": tally["releases"],
        "commitments": _prf(tally["c_tp"], tally["c_found"], tally["c_labelled"]),
        "on_matched": {name: accuracy(name) for name in ("kind", "actor", "category", "counter_terrorism", "money")},
        "deadlines": _prf(tally["d_tp"], tally["d_found"], tally["d_labelled"]),
        "deadlines_on_matched": _prf(tally["d_tp"], tally["d_found_matched"], tally["d_labelled_matched"]),
        "release_counter_terrorism_accuracy": round(tally["release_ct_ok"] / tally["releases"], 3)
        if tally["releases"] else None,
        "errors": errors,
    }


def format_report(figures: dict, *, show_errors: bool = False) -> str:
    lines = [f"releases: {figures['releases']}", "", f"{'':32}{'precision':>10}{'recall':>8}{'F1':>7}  (tp/found/labelled)"]
    for name in ("commitments", "deadlines", "deadlines_on_matched"):
        row = figures[name]
        lines.append(f"{name.replace('_', ' '):32}{figure(row['precision'], 10)}{figure(row['recall'], 8)}"
                     f"{figure(row['f1'], 7)}  ({row['tp']}/{row['found']}/{row['labelled']})")
    lines += ["", "accuracy on matched commitments:"]
    matched = figures["commitments"]
    none = "n/a (none matched)" if matched["labelled"] and not matched["tp"] else "n/a (not labelled)"
    for name, value in figures["on_matched"].items():
        lines.append(f"  {name:30}{none if value is None else f'{value:.3f}':>10}")
    ct = figures["release_counter_terrorism_accuracy"]
    lines += ["", f"release-level counter-terrorism accuracy: {'n/a' if ct is None else f'{ct:.3f}'}"]
    if show_errors:
        lines += ["", "mistakes:", *_mistake_lines(figures["errors"])]
    return "\n".join(lines)


def _mistake_lines(errors: list[dict]) -> list[str]:
    return [f"  {json.dumps(e, ensure_ascii=False, default=str)}" for e in errors]


def format_splits(rows: dict[str, dict]) -> str:
    """One line per (split, classifier): the headline figures side by side."""
    lines = [f"{'':26}{'commitments P / R / F1':>25}{'deadlines P / R / F1':>25}{'kind':>7}{'CT':>7}{'releases':>10}"]
    for name, figures in rows.items():
        c, d = figures["commitments"], figures["deadlines"]
        kind = figures["on_matched"]["kind"]
        lines.append(f"{name:26}{figure(c['precision'], 8)} / {figure(c['recall'])} / {figure(c['f1'])}"
                     f"{figure(d['precision'], 8)} / {figure(d['recall'])} / {figure(d['f1'])}"
                     f"{figure(kind, 7)}{figure(figures['release_counter_terrorism_accuracy'], 7)}"
                     f"{figures['releases']:>10}")
    return "\n".join(lines)


def evaluate_splits(splits: dict[str, Path] = SPLITS, *, model: DecisionModel | None = None) -> dict[str, dict]:
    """Each split that exists, with the rules alone and with the model (``model``, else the shipped one):
    ``{"training, rules + model": …}``."""
    rows = {}
    for split, directory in splits.items():
        if not (directory / "labels.json").is_file():
            continue
        pairs = load_set(directory)
        for name, rules_only in (("rules only", True), ("rules + model", False)):
            figures = evaluate(directory, rules_only=rules_only, model=model, pairs=pairs)
            figures.pop("errors")
            rows[f"{split}, {name}"] = figures
    return rows


def main(dir_path: Path | str | None = None, *, as_json: bool = False, show_errors: bool = False,
         rules_only: bool = False, model: ChosenModel | None = None) -> int:
    """Print the figures for ``dir_path`` (both splits when None), with ``model`` (named first) rather than the
    shipped one; 0 on success, 2 when it is not a labelled set (or labels no release, or labels one it lacks), one
    of its files does not read, or mistakes are asked of a blind one."""
    try:
        return _report(dir_path, as_json=as_json, show_errors=show_errors, rules_only=rules_only, chosen=model)
    except LabelledSetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _report(dir_path: Path | str | None, *, as_json: bool, show_errors: bool, rules_only: bool,
            chosen: ChosenModel | None) -> int:
    model = None if chosen is None else chosen.model
    named = {} if chosen is None else {"model": chosen.record()}  # which model the figures are of
    if chosen is not None and not as_json:
        print(f"{chosen.described()}: classifier version {chosen.version}")
    if dir_path is None:
        rows = evaluate_splits(model=model)
        # Mistakes only of the split that is not blind.
        mistakes = evaluate(SPLITS["training"], rules_only=rules_only, model=model)["errors"] if show_errors else None
        if as_json:
            extra = {"training mistakes": mistakes} if mistakes is not None else {}
            print(json.dumps(named | rows | extra, indent=2, ensure_ascii=False, default=str))
            return 0
        print(format_splits(rows))
        if mistakes is not None:
            print("", f"mistakes on the training split ({'rules only' if rules_only else 'rules + model'}; "
                  "the validation split is blind):", *_mistake_lines(mistakes), sep="\n")
        return 0
    directory = Path(dir_path)
    check_folder(directory)
    if show_errors and is_blind(directory):
        print(f"error: {directory} is a blind set: only its aggregate figures are shown (leave out --errors)",
              file=sys.stderr)
        return 2
    figures = evaluate(directory, rules_only=rules_only, model=model)
    if as_json:
        print(json.dumps(named | figures, indent=2, ensure_ascii=False, default=str))
    else:
        print(format_report(figures, show_errors=show_errors))
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, nargs="?", metavar="DIR",
                        help="folder with releases/ and labels.json (default: both splits of tests/data)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--errors", action="store_true", help="list every mistake (not on a blind set)")
    parser.add_argument("--rules-only", action="store_true", help="without the decision model")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add_arguments(parser)
    args = parser.parse_args()
    sys.exit(main(args.dir, as_json=args.json, show_errors=args.errors, rules_only=args.rules_only))
