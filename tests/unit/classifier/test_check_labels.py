"""tests/data/check_labels.py on a newcomer's own labelled set: each problem says what to write."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "data" / "check_labels.py"


def _check_labels():
    spec = importlib.util.spec_from_file_location("check_labels", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BODY = "The department will publish the guidance by March 2019."


def _set(root: Path, *, rid: str = "nc-01-guidance", label: dict | None = None) -> Path:
    (root / "releases").mkdir(parents=True)
    (root / "releases" / f"{rid}.json").write_text(json.dumps({
        "id": rid, "url": "https://example.org/x", "title": "T", "published_at": "2018-01-10T00:00:00+00:00",
        "source": "example.org", "body": BODY}))
    (root / "labels.json").write_text(json.dumps({rid: label if label is not None else {
        "is_counter_terrorism": False, "text_complete": True, "non_commitments": [],
        "commitments": [{"quote": "The department will publish the guidance", "kind": "pledge", "actor": "department",
                         "category": "other", "counter_terrorism": False, "money": None,
                         "deadlines": [{"type": "date", "text": "by March 2019", "due": "2019-03-31"}]}]}}))
    return root


def _problems(capsys, root: Path) -> list[str]:
    assert _check_labels().main(["check_labels.py", str(root)]) == 1
    return [line for line in capsys.readouterr().out.splitlines() if line.startswith("PROBLEM")]


def test_a_consistent_set_is_ok(tmp_path, capsys):
    assert _check_labels().main(["check_labels.py", str(_set(tmp_path / "set"))]) == 0
    assert capsys.readouterr().out.endswith("OK\n")


def test_label_fields_name_the_missing_and_the_unknown_ones(tmp_path, capsys):
    """Before: `PROBLEM nc-01-guidance: label fields ['commitments', 'is_counter_terrorism', 'non_commitments']`
    listed the fields written, leaving the reader to guess which one was missing, and a missing text_complete
    was also said to "differ" from the release's."""
    root = _set(tmp_path / "set", label={"is_counter_terrorism": False, "commitments": [], "non_commitments": [],
                                         "comment": "x"})
    assert _problems(capsys, root) == [
        "PROBLEM nc-01-guidance: label fields: missing ['text_complete'] unknown ['comment'] "
        "(a label has is_counter_terrorism, text_complete, commitments and non_commitments)",
        "PROBLEM nc-01-guidance: no commitments labelled (a ct-, dm- or nc- release has commitments; "
        "one with none is ng-)",
    ]


def test_an_id_out_of_pattern_is_shown_one_that_fits(tmp_path, capsys):
    root = _set(tmp_path / "set", rid="ct-a-port-plan")
    problems = _problems(capsys, root)
    assert problems[0] == ("PROBLEM ct-a-port-plan: id is not <group>-NN-slug or <group>-NNN-slug "
                           "(group ct, dm, nc or ng; 2 to 4 digits; lowercase words joined by -: "
                           "ct-01-port-plan)")


def test_a_commitment_field_left_out_says_how_to_write_none(tmp_path, capsys):
    root = _set(tmp_path / "set")
    labels = json.loads((root / "labels.json").read_text())
    del labels["nc-01-guidance"]["commitments"][0]["money"]
    (root / "labels.json").write_text(json.dumps(labels))
    assert _problems(capsys, root) == [
        "PROBLEM nc-01-guidance commitment 0: missing ['money'] (every field is written: money null and "
        "deadlines [] when it has none)"]


@pytest.mark.parametrize(("make", "problem"), [
    (lambda root: None, "{root}: no such folder"),
    (lambda root: (root / "releases").mkdir(parents=True), "{root}/labels.json: no such file"),
    (lambda root: (_set(root), (root / "labels.json").write_text('{"nc-01-guidance": {')),
     "{root}/labels.json: not JSON (line 1, column 21: Expecting property name enclosed in double quotes)"),
    (lambda root: (_set(root), (root / "labels.json").write_text("[]")),
     "{root}/labels.json: not an object of labels keyed by release id"),
    (lambda root: (_set(root), (root / "releases" / "nc-01-guidance.json").write_text("[1]")),
     "{root}/releases/nc-01-guidance.json: not a JSON object"),
    (lambda root: (_set(root), (root / "labels.json").write_text(
        (root / "labels.json").read_text()[:-1] + ', "nc-01-guidance": {}}')),
     "{root}/labels.json: nc-01-guidance: key 'nc-01-guidance' given twice in one object: give each key once"),
])
def test_a_set_that_does_not_read_is_one_problem_not_a_traceback(tmp_path, capsys, make, problem):
    """Before: a missing folder or labels.json, or a file that is not a JSON object, ended in a traceback."""
    root = tmp_path / "set"
    make(root)
    assert _problems(capsys, root) == [f"PROBLEM {problem.format(root=root)}"]


def _published(root: Path, value: str) -> Path:
    release = root / "releases" / "nc-01-guidance.json"
    release.write_text(json.dumps({**json.loads(release.read_text()), "published_at": value}))
    return root


@pytest.mark.parametrize("value", ["2018-01-10", "2018-01-10T09:30:00+01:00", "2018-01-10T09:30:00Z"])
def test_published_at_is_read_as_the_release_format_reads_it(tmp_path, capsys, value):
    """Before: a date alone, which a release file takes (00:00 UTC), was `published_at has no time zone`."""
    root = _published(_set(tmp_path / "set"), value)
    assert _check_labels().main(["check_labels.py", str(root)]) == 0
    assert capsys.readouterr().out.endswith("OK\n")


def test_a_date_alone_dates_the_deadlines_as_the_classifier_does(tmp_path, capsys):
    root = _published(_set(tmp_path / "set"), "2019-04-01")
    assert _problems(capsys, root) == ["PROBLEM nc-01-guidance commitment 0 deadline 0: due date 2019-03-31 before "
                                       "publication (2019-04-01)"]


def test_a_relative_period_is_told_the_publication_day_in_the_releases_own_zone(tmp_path, capsys):
    """Before: `relative period does not start on the publication date`, naming neither: 23:30 at UTC-5 is the
    10th there, the 11th in UTC, and the classifier resolves against the 10th."""
    root = _published(_set(tmp_path / "set"), "2018-01-10T23:30:00-05:00")
    labels = json.loads((root / "labels.json").read_text())
    labels["nc-01-guidance"]["commitments"][0]["deadlines"] = [
        {"type": "period", "text": "by March 2019", "start": "2018-01-11", "end": "2019-03-31"}]
    (root / "labels.json").write_text(json.dumps(labels).replace("by March 2019", "over the next year"))
    release = root / "releases" / "nc-01-guidance.json"
    release.write_text(release.read_text().replace("by March 2019", "over the next year"))
    assert _problems(capsys, root) == ["PROBLEM nc-01-guidance commitment 0 deadline 0: relative period starts "
                                       "2018-01-11, not on the publication date (2018-01-10)"]


def test_a_time_without_its_zone_is_refused_as_eval_refuses_it_saying_what_to_write(tmp_path, capsys):
    root = _published(_set(tmp_path / "set"), "2018-01-10T09:30:00")
    assert _problems(capsys, root) == [
        f"PROBLEM {root}/releases/nc-01-guidance.json: published_at: '2018-01-10T09:30:00' is a time without its "
        "zone; write it with one (2018-01-10T09:30:00+00:00, or Z for UTC), or the date alone"]


@pytest.mark.parametrize("inside", ["labels.json", "releases", "releases/nc-01-guidance.json"])
def test_a_path_inside_the_set_is_told_the_sets_folder(tmp_path, capsys, inside):
    """Before: `PROBLEM …/set/labels.json: no such folder`, of a file that is there, and `PROBLEM
    …/set/releases/labels.json: no such file`."""
    root = _set(tmp_path / "set")
    assert _problems(capsys, root / inside) == [
        f"PROBLEM {root / inside}: not a labelled set; give the folder holding releases/ and labels.json: {root}"]


def test_a_value_of_the_wrong_form_is_told_how_to_write_it(tmp_path, capsys):
    """Before: `bad category 'security'`, `bad money {'amount': '12m', 'currency': '£'}`, `bad due date
    '31/12/2019'`, `bad duration min='1 hour'`, none saying what to write; and an `is_counter_terrorism` of
    "no" passed, read as true by eval."""
    root = _set(tmp_path / "set")
    labels = json.loads((root / "labels.json").read_text())
    label = labels["nc-01-guidance"]
    label["is_counter_terrorism"] = "no"
    commitment = label["commitments"][0]
    commitment.update(category="security", money={"amount": "12m", "currency": "£"})
    commitment["deadlines"] = [{"type": "date", "text": "by March 2019", "due": "31/03/2019"},
                               {"type": "response_time", "text": "by March 2019", "min": "1 hour", "max": "PT1H"}]
    (root / "labels.json").write_text(json.dumps(labels))
    assert _problems(capsys, root) == [
        "PROBLEM nc-01-guidance: is_counter_terrorism must be true or false",
        "PROBLEM nc-01-guidance commitment 0: bad category 'security' (one of funding, capability_building, "
        "border_security, online_content, training, legislation, sanctions, prevention, international_cooperation, "
        "other)",
        "PROBLEM nc-01-guidance commitment 0: bad money {'amount': '12m', 'currency': '£'} (write null, or "
        '{"amount": 12000000, "currency": "GBP"}: a number and a three-letter ISO 4217 code)',
        "PROBLEM nc-01-guidance commitment 0 deadline 0: bad due date '31/03/2019' (write YYYY-MM-DD)",
        "PROBLEM nc-01-guidance commitment 0 deadline 1: bad duration min='1 hour' (an ISO 8601 duration: PT1H, "
        "P2D, PT90M)",
    ]
