"""Check the labelled development set: files, fields and labels agree.

Run from anywhere with the Python pledgewatch is installed in: ``.venv/bin/python
tests/data/check_labels.py [DIR]`` (DIR defaults to this folder). Each release file is
read as ``pledgewatch eval`` and ``classify`` read it (a ``published_at`` of a date alone
is 00:00 UTC; a time needs its zone). Exits non-zero and lists every problem if any check
fails; otherwise prints the counts of the set, by group of the mix (the id prefix:
ct- counter-terrorism pledges, dm- demands, nc- other commitments, ng- none).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
try:
    from pledgewatch.evaluation import inside_a_set, is_labelled_set  # noqa: E402
    from services.common.json_keys import DuplicateKey, each_key_once  # noqa: E402
    from services.ingest.files import ReleaseFileError, load_release  # noqa: E402
except ImportError as missing:  # not the Python pledgewatch is installed in
    sys.exit(f"check_labels.py reads release files as pledgewatch does and needs its packages ({missing}): run it "
             f"with the Python pledgewatch is installed in, .venv/bin/python {' '.join(sys.argv)}")

RELEASE_FIELDS = {"id", "url", "title", "published_at", "source", "body"}
OPTIONAL_FIELDS = {"text_complete", "publisher", "retrieved_from", "note"}
LABEL_FIELDS = {"is_counter_terrorism", "text_complete", "commitments", "non_commitments"}
COMMITMENT_FIELDS = {"quote", "kind", "actor", "category", "counter_terrorism", "money", "deadlines"}
KINDS = {"pledge", "demand"}
CATEGORIES = (  # in the order the labelling rules list them
    "funding", "capability_building", "border_security", "online_content", "training",
    "legislation", "sanctions", "prevention", "international_cooperation", "other",
)
GROUPS = {"ct": "counter-terrorism pledges", "dm": "demands", "nc": "other commitments", "ng": "no commitments"}
ID_PATTERN = re.compile(r"^(ct|dm|nc|ng)-\d{2,4}-[a-z0-9]+(-[a-z0-9]+)*$")
DURATION = re.compile(r"^P(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$")


def _iso_date(value: object) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


RELATIVE_FROM_PUBLICATION = ("over the next", "in the coming", "over the coming", "within the next")


def check_deadline(where: str, d: dict, body: str, published: date) -> list[str]:
    """One deadline: its text is in the body and its dates or durations are well formed.

    Relative periods ("over the next three years", "in the coming months") must
    start on the publication date; due dates may not precede it.
    """
    problems = []
    if d.get("text") not in body:
        problems.append(f"{where}: deadline text not in body: {d.get('text')!r}")
    kind = d.get("type")
    if kind == "date":
        if not _iso_date(d.get("due")):
            problems.append(f"{where}: bad due date {d.get('due')!r} (write YYYY-MM-DD)")
        elif date.fromisoformat(d["due"]) < published:
            problems.append(f"{where}: due date {d['due']} before publication ({published})")
    elif kind == "period":
        if not _iso_date(d.get("start")):
            problems.append(f"{where}: bad period start {d.get('start')!r}")
        elif str(d.get("text", "")).lower().startswith(RELATIVE_FROM_PUBLICATION) and d["start"] != published.isoformat():
            problems.append(f"{where}: relative period starts {d['start']}, not on the publication date ({published})")
        if d.get("end") is None:
            if d.get("vague") is not True:
                problems.append(f"{where}: open period must be marked vague")
        elif not _iso_date(d["end"]) or str(d["end"]) < str(d.get("start")):
            problems.append(f"{where}: bad period end {d.get('end')!r}")
    elif kind == "response_time":
        for key in ("min", "max"):
            if not DURATION.match(str(d.get(key))) or d.get(key) in ("P", "PT") or str(d.get(key)).endswith("T"):
                problems.append(f"{where}: bad duration {key}={d.get(key)!r} (an ISO 8601 duration: PT1H, P2D, PT90M)")
    else:
        problems.append(f"{where}: unknown deadline type {kind!r}")
    return problems


def check_commitment(where: str, c: dict, body: str, published: date) -> list[str]:
    """One commitment: required fields, allowed values, quote and deadlines in the body."""
    problems = []
    missing = COMMITMENT_FIELDS - set(c)
    if missing:
        problems.append(f"{where}: missing {sorted(missing)} (every field is written: money null and deadlines [] "
                        "when it has none)")
    if c.get("quote") not in body:
        problems.append(f"{where}: quote not in body: {c.get('quote')!r}")
    if c.get("kind") not in KINDS:
        problems.append(f"{where}: bad kind {c.get('kind')!r}")
    if c.get("category") not in CATEGORIES:
        problems.append(f"{where}: bad category {c.get('category')!r} (one of {', '.join(CATEGORIES)})")
    if not isinstance(c.get("counter_terrorism"), bool):
        problems.append(f"{where}: counter_terrorism must be true or false")
    money = c.get("money")
    if money is not None and (
        set(money) != {"amount", "currency"}
        or not isinstance(money["amount"], (int, float))
        or not re.fullmatch(r"[A-Z]{3}", str(money["currency"]))
    ):
        problems.append(f'{where}: bad money {money!r} (write null, or {{"amount": 12000000, "currency": "GBP"}}: a '
                        'number and a three-letter ISO 4217 code)')
    for n, d in enumerate(c.get("deadlines", [])):
        problems += check_deadline(f"{where} deadline {n}", d, body, published)
    return problems


class Unreadable(Exception):
    """A folder or file of the set that cannot be read at all: the one problem reported."""


def read_object(path: Path, what: str) -> dict:
    """The JSON object in ``path``; :class:`Unreadable` naming the file when there is none."""
    try:
        text = path.read_text(encoding="utf-8")
        value = json.loads(text)
        each_key_once(text)  # json keeps a key's last value and loses the other unsaid
    except FileNotFoundError:
        raise Unreadable(f"{path}: no such file") from None
    except json.JSONDecodeError as exc:
        raise Unreadable(f"{path}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except DuplicateKey as exc:
        raise Unreadable(f"{path}: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise Unreadable(f"{path}: {exc}") from None
    if not isinstance(value, dict):
        raise Unreadable(f"{path}: {what}")
    return value


def check(root: Path) -> tuple[list[str], dict]:
    """All releases and labels under root; returns the problems found and the counts."""
    instead = None if is_labelled_set(root) else inside_a_set(root)
    if instead:
        raise Unreadable(f"{root}{instead}")
    if not root.is_dir():
        raise Unreadable(f"{root}: no such folder")
    problems: list[str] = []
    labels = read_object(root / "labels.json", "not an object of labels keyed by release id")
    files = sorted((root / "releases").glob("*.json"))
    ids = {f.stem for f in files}
    for extra in sorted(set(labels) - ids):
        problems.append(f"{extra}: labelled but no release file")
    for unlabelled in sorted(ids - set(labels)):
        problems.append(f"{unlabelled}: release file but no labels")
    others = (p.name for p in (root / "releases").iterdir() if (root / "releases").is_dir() and p.suffix != ".json" and not p.name.startswith("."))
    for other in sorted(others):
        problems.append(f"releases/{other}: not a .json release file (pledgewatch eval and train do not read it)")
    if not set(labels) & ids:
        problems.append("no labelled release")
    stats: dict = {"groups": Counter(), "ct_releases": 0, "commitments": Counter(), "deadlines": Counter(),
                   "with_money": 0, "non_commitments": 0, "excerpts": 0}
    for f in files:
        rid = f.stem
        try:
            rel = read_object(f, "not a JSON object")
        except Unreadable as exc:
            problems.append(str(exc))
            continue
        if rel.get("id") != rid:
            problems.append(f"{rid}: id {rel.get('id')!r} does not match the file name")
        if not ID_PATTERN.match(rid):
            slug = "-".join(re.findall(r"[a-z0-9]+", rid.lower())[2:]) or "slug"
            problems.append(f"{rid}: id is not <group>-NN-slug or <group>-NNN-slug (group ct, dm, nc or ng; 2 to 4 "
                            f"digits; lowercase words joined by -: {rid.split('-')[0] if rid[:2] in GROUPS else 'ct'}"
                            f"-01-{slug})")
        missing = RELEASE_FIELDS - set(rel)
        unknown = set(rel) - RELEASE_FIELDS - OPTIONAL_FIELDS
        if missing or unknown:
            problems.append(f"{rid}: missing {sorted(missing)} unknown {sorted(unknown)}")
        try:  # as pledgewatch eval reads it: the day its deadlines resolve against is the classifier's
            published = load_release(f).published_at
        except ReleaseFileError as exc:
            if not missing:  # a field left out is named above
                problems.append(str(exc))
            continue
        body = rel.get("body", "")
        if "\n\n\n" in body or body != body.strip():
            problems.append(f"{rid}: body paragraphs must be separated by exactly one blank line")
        label = labels.get(rid)
        if label is None:
            continue
        if set(label) != LABEL_FIELDS:
            problems.append(f"{rid}: label fields: missing {sorted(LABEL_FIELDS - set(label))} unknown "
                            f"{sorted(set(label) - LABEL_FIELDS)} (a label has is_counter_terrorism, text_complete, "
                            "commitments and non_commitments)")
        if "text_complete" in label and label["text_complete"] != rel.get("text_complete", True):
            problems.append(f"{rid}: text_complete differs between release and labels")
        group = rid.split("-", 1)[0]
        stats["groups"][group] += 1
        stats["ct_releases"] += bool(label.get("is_counter_terrorism"))
        stats["excerpts"] += label.get("text_complete") is False
        commitments = label.get("commitments", [])
        if group == "ng" and commitments:
            problems.append(f"{rid}: a no-commitment release has commitments")
        if group != "ng" and not commitments:
            problems.append(f"{rid}: no commitments labelled (a ct-, dm- or nc- release has commitments; one with "
                            "none is ng-)")
        if not isinstance(label.get("is_counter_terrorism"), bool):
            problems.append(f"{rid}: is_counter_terrorism must be true or false")
        elif group in ("ct", "dm") and not label["is_counter_terrorism"]:
            problems.append(f"{rid}: ct/dm release not marked counter-terrorism")
        elif group == "nc" and label["is_counter_terrorism"]:
            problems.append(f"{rid}: nc release marked counter-terrorism")
        if group == "dm" and not any(c.get("kind") == "demand" for c in commitments) and rid != "dm-06-nz-christchurch-call-adopted-2019":
            problems.append(f"{rid}: demand release without a demand")
        for n, c in enumerate(commitments):
            problems += check_commitment(f"{rid} commitment {n}", c, body, published.date())
            stats["commitments"][c.get("kind")] += 1
            stats["with_money"] += c.get("money") is not None
            for d in c.get("deadlines", []):
                stats["deadlines"][d.get("type")] += 1
        quotes = [c.get("quote") for c in commitments]
        for n, nc in enumerate(label.get("non_commitments", [])):
            if set(nc) != {"quote", "why"}:
                problems.append(f"{rid} non-commitment {n}: fields {sorted(nc)}")
            if nc.get("quote") not in body:
                problems.append(f"{rid} non-commitment {n}: quote not in body: {nc.get('quote')!r}")
            if nc.get("quote") in quotes:
                problems.append(f"{rid} non-commitment {n}: also labelled as a commitment")
            stats["non_commitments"] += 1
    return problems, stats


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    try:
        problems, stats = check(root)
    except Unreadable as exc:
        print("PROBLEM", exc)
        print("1 problem(s)")
        return 1
    for p in problems:
        print("PROBLEM", p)
    total = sum(stats["groups"].values())
    print(f"releases: {total} ({stats['ct_releases']} counter-terrorism, {stats['excerpts']} excerpts)")
    for group, name in GROUPS.items():
        print(f"  {group}  {name}: {stats['groups'][group]}")
    print(f"commitments: {sum(stats['commitments'].values())} "
          f"(pledges {stats['commitments']['pledge']}, demands {stats['commitments']['demand']}, "
          f"with money {stats['with_money']})")
    print(f"deadlines: {sum(stats['deadlines'].values())} "
          + ", ".join(f"{k} {v}" for k, v in sorted(stats["deadlines"].items())))
    print(f"non-commitments: {stats['non_commitments']}")
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
