"""The evaluation's matching rules: lenient actors, quotes located in the body, half-overlap matches."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pledgewatch.evaluation import actor_matches, deadline_key, locate


@pytest.mark.parametrize(("found", "label"), [
    ("UK", "UK government"),
    ("UK government", "Department for Transport / UK government"),
    ("Home Office", "Home Office (FRANK)"),
    ("FRANK", "Home Office (FRANK)"),
    ("departments", "DfE, Defra and Department of Health"),
    ("DfE", "Department for Education"),
    ("major communications companies", "communications companies"),
    ("These providers", "hosting service providers"),
    ("EU", "European Union (European Commission)"),  # the same party, abbreviated as the release writes it
    ("Council of the EU", "Council of the European Union"),
])
def test_actor_names_that_count_as_the_same(found, label):
    assert actor_matches(found, label)


@pytest.mark.parametrize(("found", "label"), [
    ("Iraqi government", "UK government"),
    ("UK government", "Department for Education"),
    ("local authorities", "Department for Education"),
    ("EU", "European Commission"),
])
def test_actor_names_that_differ(found, label):
    assert not actor_matches(found, label)


def test_quotes_are_found_despite_curly_quotes_and_line_breaks():
    body = "Defra’s plan will involve new standards,\n\nincluding for schools."
    assert locate("Defra's plan will involve new standards, including", body) == (0, body.index("including") + 9)
    assert locate("not in the body", body) is None


def test_response_times_in_fractions_are_the_same_duration():
    half_hour = {"type": "response_time", "min": "PT0.5H", "max": "PT1.5H"}
    assert deadline_key(half_hour) == deadline_key({"type": "response_time", "min": "PT30M", "max": "PT90M"})


def test_response_times_that_cannot_be_read_match_only_themselves():
    assert deadline_key({"type": "response_time", "min": "P1Y", "max": "P1Y"}) != \
        deadline_key({"type": "response_time", "min": "soon", "max": "soon"})


def test_deadlines_compare_by_value_not_by_text():
    assert deadline_key({"type": "response_time", "min": "PT24H", "max": "P1D"}) == ("response_time", 86400.0,
                                                                                     86400.0)
    assert deadline_key({"type": "period", "start": "2017-11-29", "end": None}) == ("period", "2017-11-29",
                                                                                    None, True)


def _labelled_set(root, *, blind: bool):
    import json

    (root / "releases").mkdir(parents=True)
    body = "The department will publish the guidance by March 2019."
    (root / "releases" / "nc-01-x.json").write_text(json.dumps({
        "id": "nc-01-x", "url": "https://example.org/x", "title": "T", "published_at": "2018-01-10T00:00:00+00:00",
        "source": "example.org", "body": body}))
    (root / "labels.json").write_text(json.dumps({"nc-01-x": {
        "is_counter_terrorism": False, "text_complete": True, "non_commitments": [],
        "commitments": [{"quote": "The department will publish the guidance", "kind": "pledge", "actor": "department",
                         "category": "other", "counter_terrorism": False, "money": None, "deadlines": []}]}}))
    if blind:
        (root / "BLIND").write_text("aggregate figures only\n")
    return root


def test_a_blind_set_shows_aggregate_figures_but_never_its_mistakes(tmp_path, capsys):
    from pledgewatch.evaluation import evaluate, main

    blind = _labelled_set(tmp_path / "validation", blind=True)
    assert main(blind, show_errors=True) == 2
    assert "blind set" in capsys.readouterr().err
    figures = evaluate(blind)
    assert figures["errors"] == [] and figures["commitments"]["labelled"] == 1
    assert main(blind) == 0
    assert "commitments" in capsys.readouterr().out


def test_an_open_set_lists_its_mistakes(tmp_path, capsys):
    from pledgewatch.evaluation import main

    assert main(_labelled_set(tmp_path / "training", blind=False), show_errors=True) == 0
    assert "deadlines differ" in capsys.readouterr().out


def test_both_splits_are_reported_side_by_side(tmp_path):
    from pledgewatch.evaluation import evaluate_splits, format_splits

    splits = {"training": _labelled_set(tmp_path / "t", blind=False),
              "validation": _labelled_set(tmp_path / "v", blind=True)}
    text = format_splits(evaluate_splits(splits))
    for row in ("training, rules only", "training, rules + model", "validation, rules only",
                "validation, rules + model"):
        assert row in text


def test_a_labelled_set_that_does_not_read_is_one_line_naming_the_file(tmp_path, capsys):
    """Before: a malformed labels.json ended `pledgewatch eval` in an unexpected JSONDecodeError."""
    from pledgewatch.evaluation import main

    root = _labelled_set(tmp_path / "set", blind=False)
    (root / "labels.json").write_text('{"nc-01-x": {"commitments": [}')
    assert main(root) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {root / 'labels.json'}: not JSON (line 1, column 30: Expecting value)") and err.count("\n") == 1

    (root / "labels.json").write_text("[]")
    assert main(root) == 2
    assert "labels.json: not an object of labels keyed by release id" in capsys.readouterr().err

    (root / "labels.json").write_text("{}")
    (root / "releases" / "nc-02-y.json").write_text("{not json")
    assert main(root) == 2
    assert capsys.readouterr().err.startswith(f"error: {root / 'releases' / 'nc-02-y.json'}")


def _release(root, rid: str, body: str = "The department will publish the guidance by March 2019.",
             source: str = "example.org") -> None:
    import json

    (root / "releases").mkdir(parents=True, exist_ok=True)
    (root / "releases" / f"{rid}.json").write_text(json.dumps({
        "id": rid, "url": f"https://{source}/{rid}", "title": "T", "published_at": "2018-01-10T00:00:00+00:00",
        "source": source, "body": body}))


def test_a_set_with_no_labelled_release_is_refused_not_scored_perfect(tmp_path, capsys):
    """Before: releases/good.json with labels.json `{}` printed "releases: 0" and P/R/F1 1.000, exit 0."""
    from pledgewatch.evaluation import main

    _release(tmp_path, "good")
    (tmp_path / "labels.json").write_text("{}")
    assert main(tmp_path) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"error: {tmp_path}: no labelled release") and captured.err.count("\n") == 1

    (tmp_path / "releases" / "good.json").unlink()
    assert main(tmp_path, as_json=True) == 2
    assert "no labelled release" in capsys.readouterr().err


def test_a_label_without_its_release_file_is_an_error_naming_it(tmp_path, capsys):
    """Before: the label was dropped without a word, and the figures left out its commitments."""
    import json

    from pledgewatch.evaluation import main

    root = _labelled_set(tmp_path / "set", blind=False)
    labels = json.loads((root / "labels.json").read_text())
    labels["nc-02-gone"] = labels["nc-01-x"]
    (root / "labels.json").write_text(json.dumps(labels))
    assert main(root) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {root / 'labels.json'}: 1 label with no release file") and "nc-02-gone" in err
    assert err.count("\n") == 1


def test_release_files_left_out_are_named_in_a_warning(tmp_path, capsys):
    """Before: a release file with no label and a file that is not .json were passed over silently."""
    from pledgewatch.evaluation import evaluate, main

    root = _labelled_set(tmp_path / "set", blind=False)
    _release(root, "nc-02-unlabelled")
    (root / "releases" / "nc-03-notes.txt").write_text("The department will publish the guidance.")
    (root / "releases" / ".hidden").write_text("")  # a dot file is no one's release
    assert main(root) == 0
    captured = capsys.readouterr()
    assert "releases: 1" in captured.out
    warnings = captured.err.splitlines()
    assert len(warnings) == 2 and all(line.startswith("warning: ") for line in warnings), warnings
    assert "nc-02-unlabelled.json" in warnings[0] and "no label" in warnings[0]
    assert "nc-03-notes.txt" in warnings[1] and "not read" in warnings[1] and ".hidden" not in captured.err
    assert evaluate(root)["releases"] == 1


def test_nothing_found_and_nothing_labelled_is_not_a_perfect_score(tmp_path, capsys):
    """Before: 0/0 counted as 1.000, so a set with no deadlines labelled or found scored deadlines F1 1.000."""
    import json

    from pledgewatch.evaluation import _prf, main

    assert _prf(0, 0, 0) == {"precision": None, "recall": None, "f1": None, "tp": 0, "found": 0, "labelled": 0}
    assert _prf(0, 0, 3) == {"precision": None, "recall": 0.0, "f1": 0.0, "tp": 0, "found": 0, "labelled": 3}
    assert _prf(0, 2, 0)["f1"] == 0.0 and _prf(0, 2, 0)["recall"] is None
    assert _prf(3, 4, 5) == {"precision": 0.75, "recall": 0.6, "f1": 0.667, "tp": 3, "found": 4, "labelled": 5}

    _release(tmp_path, "ng-01-weather", body="The weather was fine.")
    (tmp_path / "labels.json").write_text(json.dumps({"ng-01-weather": {
        "is_counter_terrorism": False, "text_complete": True, "commitments": [], "non_commitments": []}}))
    assert main(tmp_path) == 0
    lines = capsys.readouterr().out.splitlines()
    commitments = next(line for line in lines if line.startswith("commitments"))
    assert commitments.split()[1:] == ["n/a", "n/a", "n/a", "(0/0/0)"]
    assert main(tmp_path, as_json=True) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["commitments"] == {"precision": None, "recall": None, "f1": None, "tp": 0, "found": 0,
                                      "labelled": 0}


def test_both_shipped_splits_load_whole_with_no_warning():
    from pledgewatch.evaluation import SPLITS, load_set

    for split, directory in SPLITS.items():
        warnings: list[str] = []
        pairs = load_set(directory, warn=warnings.append)
        assert warnings == [] and pairs, split


@pytest.mark.parametrize("label", ["null", "[]", "{}"])
def test_an_empty_label_is_read_as_one_not_left_out_as_missing(tmp_path, capsys, label):
    """Before: a label given but empty (null, [], {}) was taken for no label: its release left out with a warning."""
    from pledgewatch.evaluation import main

    _release(tmp_path, "good")
    (tmp_path / "labels.json").write_text('{"good": %s}' % label)
    code = main(tmp_path)
    err = capsys.readouterr().err
    assert "no label" not in err and "left out" not in err, err
    if label == "{}":
        assert code == 0
    else:
        assert code == 2 and "the label of good is not an object" in err


@pytest.mark.parametrize(("commitment", "problem"), [
    ({"kind": "pledge"}, "commitment 0: no quote (the commitment's words, an exact substring of the body)"),
    ({"quote": "The department will publish the guidance", "kind": "promise"},
     "commitment 0: kind 'promise' is neither pledge nor demand"),
    ({"quote": "The department will publish the guidance", "kind": "pledge",
      "deadlines": [{"type": "soon", "text": "by March 2019"}]},
     "commitment 0 deadline 0: type 'soon' is not date, period or response_time"),
    ({"quote": "The department will publish the guidance", "kind": "pledge", "deadlines": {"type": "date"}},
     "commitment 0: deadlines is not a list"),
    ({"quote": "The department will publish the guidance", "kind": "pledge", "money": 5000000},
     "commitment 0: money 5000000 is not null or {\"amount\": …, \"currency\": \"GBP\"}"),
    ("The department will publish the guidance", "commitment 0: not an object"),
    ({"quote": "The department will publish the rules", "kind": "pledge"},
     "commitment 0: quote not in the release's body (copy the commitment's words from it)"),
    ({"quote": "The department will publish the guidance", "kind": "pledge", "actor": ["department"]},
     "commitment 0: actor ['department'] is not a name (write who acts, as the release names them)"),
    ({"quote": "The department will publish the guidance", "kind": "pledge", "category": "fundng"},
     "commitment 0: category 'fundng' is not one of funding, capability_building, border_security, "
     "online_content, training, legislation, sanctions, prevention, international_cooperation, other"),
    ({"quote": "The department will publish the guidance", "kind": "pledge",
      "deadlines": [{"type": "date", "text": "by March 2019"}]},
     "commitment 0 deadline 0: due None is not a date (write YYYY-MM-DD)"),
    ({"quote": "The department will publish the guidance", "kind": "pledge",
      "deadlines": [{"type": "date", "text": "by March 2019", "due": "31/03/2019"}]},
     "commitment 0 deadline 0: due '31/03/2019' is not a date (write YYYY-MM-DD)"),
    ({"quote": "The department will publish the guidance", "kind": "pledge",
      "deadlines": [{"type": "period", "text": "by March 2019", "end": "2019-03-31"}]},
     "commitment 0 deadline 0: start None is not a date (write YYYY-MM-DD)"),
    ({"quote": "The department will publish the guidance", "kind": "pledge",
      "deadlines": [{"type": "period", "text": "by March 2019", "start": "2018-01-10", "end": "March"}]},
     "commitment 0 deadline 0: end 'March' is not a date (write YYYY-MM-DD, or null with \"vague\": true)"),
    ({"quote": "The department will publish the guidance", "kind": "pledge",
      "deadlines": [{"type": "period", "text": "by March 2019", "start": "2018-01-10", "end": None, "vague": "yes"}]},
     "commitment 0 deadline 0: vague 'yes' is not true or false"),
    ({"quote": "The department will publish the guidance", "kind": "pledge",
      "deadlines": [{"type": "response_time", "text": "by March 2019", "min": "1 hour", "max": "PT1H"}]},
     "commitment 0 deadline 0: min '1 hour' is not an ISO 8601 duration (PT1H, P2D, PT90M)"),
    ({"quote": "The department will publish the guidance", "kind": "pledge",
      "money": {"amount": float("nan"), "currency": "GBP"}},
     "commitment 0: money {'amount': nan, 'currency': 'GBP'} is not null or {\"amount\": …, \"currency\": \"GBP\"}"),
])
def test_a_label_that_cannot_be_scored_is_one_line_naming_it(tmp_path, capsys, commitment, problem):
    """Before: a commitment without its quote ended `pledgewatch eval` in `unexpected KeyError: 'quote'`, and a
    kind or deadline type misspelt was scored as the classifier's mistake; so were, silently, a quote not in the
    body (a miss), a category misspelt and a deadline's date or duration that does not read."""
    import json

    from pledgewatch.evaluation import main

    root = _labelled_set(tmp_path / "set", blind=False)
    (root / "labels.json").write_text(json.dumps({"nc-01-x": {"commitments": [commitment]}}))
    assert main(root) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    checker = Path(__file__).resolve().parents[2] / "data" / "check_labels.py"  # a command that works from any folder:
    assert captured.err == (f"error: {root / 'labels.json'}: nc-01-x {problem} "  # before, `python tests/data/…`
                            f"(`{sys.executable} {checker} {root}` lists every problem of a set)\n")


def test_the_checkers_command_is_quoted_for_a_shell(tmp_path, capsys):
    """Before: a set in a folder with a space was named bare, so the command printed to run split it in two."""
    import json
    import shlex

    from pledgewatch.evaluation import main

    root = _labelled_set(tmp_path / "my labels", blind=False)
    (root / "labels.json").write_text(json.dumps({"nc-01-x": {"commitments": [{"kind": "pledge"}]}}))
    assert main(root) == 2
    checker = Path(__file__).resolve().parents[2] / "data" / "check_labels.py"
    assert f"(`{shlex.join([sys.executable, str(checker), str(root)])}` lists every problem" in capsys.readouterr().err


def test_commitments_that_are_no_list_are_named(tmp_path, capsys):
    import json

    from pledgewatch.evaluation import main

    root = _labelled_set(tmp_path / "set", blind=False)
    (root / "labels.json").write_text(json.dumps({"nc-01-x": {"commitments": "none"}}))
    assert main(root) == 2
    assert "labels.json: nc-01-x: commitments is not a list" in capsys.readouterr().err


@pytest.mark.parametrize("inside", ["labels.json", "releases"])
def test_a_path_inside_a_labelled_set_is_told_the_sets_folder(tmp_path, capsys, inside):
    """Before: `…/set/labels.json: needs releases/ and labels.json (a labelled set)`, which it had."""
    from pledgewatch.evaluation import main

    root = _labelled_set(tmp_path / "set", blind=False)
    assert main(root / inside) == 2
    assert capsys.readouterr().err == (f"error: {root / inside}: not a labelled set; give the folder holding "
                                       f"releases/ and labels.json: {root}\n")


@pytest.mark.parametrize(("label", "problem"), [
    ({"is_counter_terrorism": "no", "commitments": []}, ": is_counter_terrorism 'no' is not true or false"),
    ({"commitments": [{"quote": "The department will publish the guidance", "kind": "pledge",
                       "counter_terrorism": "yes"}]},
     " commitment 0: counter_terrorism 'yes' is not true or false"),
])
def test_a_flag_that_is_not_true_or_false_is_refused_not_read_as_true(tmp_path, capsys, label, problem):
    """Before: "no" was scored as true, the classifier's right answer counted as its mistake."""
    import json

    from pledgewatch.evaluation import main

    root = _labelled_set(tmp_path / "set", blind=False)
    (root / "labels.json").write_text(json.dumps({"nc-01-x": label}))
    assert main(root) == 2
    assert capsys.readouterr().err.startswith(f"error: {root / 'labels.json'}: nc-01-x{problem} (")


def test_a_release_labelled_twice_is_refused_not_read_as_its_last_label(tmp_path, capsys):
    """Before: json kept the last of two labels of one release, and the commitments of the first were dropped
    unsaid."""
    from pledgewatch.evaluation import main

    root = _labelled_set(tmp_path / "set", blind=False)
    label = (root / "labels.json").read_text()[len('{"nc-01-x": '):-1]
    (root / "labels.json").write_text('{"nc-01-x": %s,\n "nc-01-x": {"commitments": []}}' % label)
    assert main(root) == 2
    assert capsys.readouterr().err == (f"error: {root / 'labels.json'}: nc-01-x: key 'nc-01-x' given twice in one "
                                       "object: give each key once\n")


def test_an_accuracy_with_no_commitment_matched_says_so_not_that_none_is_labelled(tmp_path, capsys):
    """Before: `kind  n/a (not labelled)` for a set whose labelled commitment the classifier missed."""
    import json

    from pledgewatch.evaluation import main

    _release(tmp_path, "nc-01-visit", body="Officials visited the site on Monday.")
    (tmp_path / "labels.json").write_text(json.dumps({"nc-01-visit": {"is_counter_terrorism": False, "commitments": [
        {"quote": "Officials visited the site on Monday", "kind": "pledge", "actor": "Officials",
         "counter_terrorism": False, "money": None, "deadlines": []}]}}))
    assert main(tmp_path) == 0
    lines = capsys.readouterr().out.splitlines()
    assert next(line for line in lines if line.startswith("commitments")).split()[-1] == "(0/0/1)"
    accuracies = lines[lines.index("accuracy on matched commitments:") + 1:][:5]
    assert [line.split(None, 1)[1] for line in accuracies] == ["n/a (none matched)"] * 5


@pytest.mark.parametrize("actor", [{}, {"actor": ""}, {"actor": None}])
def test_a_commitment_labelled_without_its_actor_is_not_scored_on_it(tmp_path, actor):
    """Before: a label with no actor counted every actor found as wrong (actor accuracy 0.000), where a label
    with no category is left out of the category's."""
    import json

    from pledgewatch.evaluation import evaluate

    root = _labelled_set(tmp_path / "set", blind=False)
    labels = json.loads((root / "labels.json").read_text())
    commitment = labels["nc-01-x"]["commitments"][0]
    del commitment["actor"]
    commitment.update(actor)
    (root / "labels.json").write_text(json.dumps(labels))
    figures = evaluate(root)
    assert figures["commitments"]["tp"] == 1
    assert figures["on_matched"]["actor"] is None and figures["on_matched"]["kind"] == 1.0
    assert not any(error["error"] == "wrong actor" for error in figures["errors"])
