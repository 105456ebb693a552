import json

from services.common.version_presence import (Presence, live, mixed_models, mixed_versions, other_models,
                                               other_releases, other_schemas, parse_presences)


def _record(release="0.1.0", schema=1, at=100.0):
    return json.dumps({"release": release, "schema": schema, "pid": 7, "at": at})


def test_an_unreadable_record_is_left_out_not_refused():
    fields = {"a": _record(), "b": "not json", "c": json.dumps({"release": "0.1.0"})}
    assert [p.consumer for p in parse_presences(fields)] == ["a"]


def test_a_record_older_than_the_live_window_is_a_process_gone():
    presences = parse_presences({"old": _record(at=0.0), "new": _record(at=95.0)})
    assert [p.consumer for p in live(presences, now=100.0, live_seconds=60.0)] == ["new"]


def test_another_schema_refuses_and_another_release_of_the_same_schema_is_an_upgrade_never_oneself():
    others = [Presence("me", "0.0.1", 0, 1, 0.0), Presence("a", "0.2.0", 2, 1, 0.0),
              Presence("b", "0.1.1", 1, 1, 0.0), Presence("c", "0.1.0", 1, 1, 0.0)]
    assert [p.consumer for p in other_schemas(others, me="me", schema=1)] == ["a"]
    assert [p.consumer for p in other_releases(others, me="me", release="0.1.0", schema=1)] == ["b"]


def _classifier(sha256: str, model: str | None = "/srv/mine.json") -> dict:
    return {"version": f"rules-0.14.4+model-sha256:{sha256[:12]}", "model": model, "sha256": sha256}


def test_a_record_carries_the_model_its_classifier_runs_and_one_without_reads_as_before():
    mine = Presence("a", "0.1.0", 1, 7, 100.0, _classifier("ab" * 32))
    fields = {"a": mine.text(), "b": _record()}
    assert parse_presences(fields) == [mine, Presence("b", "0.1.0", 1, 7, 100.0)]
    assert "classifier" not in json.loads(Presence("b", "0.1.0", 1, 7, 100.0).text())


def test_classifiers_running_different_models_are_warned_of_the_same_file_anywhere_is_one_model():
    shipped = {"version": "rules+model-0.14.4", "model": None, "sha256": "cd" * 32}
    same = [Presence("a", "0.1.0", 1, 7, 0.0, _classifier("ab" * 32)),
            Presence("b", "0.1.0", 1, 7, 0.0, _classifier("ab" * 32, "/elsewhere/mine.json")),
            Presence("notifier-only", "0.1.0", 1, 7, 0.0)]
    assert mixed_models(same) == []
    assert mixed_models([*same, Presence("c", "0.1.0", 1, 7, 0.0, shipped)]) == [
        "classifiers run different models: rules+model-0.14.4 (the shipped model): c; "
        "rules-0.14.4+model-sha256:abababababab (/srv/mine.json): a, b: give every classifier the same "
        "PLEDGEWATCH_CLASSIFIER_MODEL (the same file)"]
    assert [p.consumer for p in other_models([*same, Presence("c", "0.1.0", 1, 7, 0.0, shipped)], me="a",
                                             classifier=_classifier("ab" * 32))] == ["c"]


def test_two_releases_shipping_different_models_are_told_to_finish_the_upgrade_not_to_set_a_model():
    """A rolling upgrade to a release shipping a model fitted again: neither process is given a model file, and
    setting one on both would not run the shipped one; they were told to set the same PLEDGEWATCH_CLASSIFIER_MODEL."""
    old = Presence("a", "0.1.0", 1, 7, 0.0, {"version": "rules+model-0.14.4", "model": None, "sha256": "cd" * 32})
    new = Presence("b", "0.2.0", 1, 7, 0.0, {"version": "rules+model-0.14.4", "model": None, "sha256": "ef" * 32})
    [warning] = mixed_models([old, new])
    assert "PLEDGEWATCH_CLASSIFIER_MODEL" not in warning
    assert warning.endswith(": each release ships its own: finish the upgrade, stop the old ones")


def test_a_record_carries_its_build_commit_and_one_without_is_of_an_unknown_commit():
    mine = Presence("a", "0.1.0", 1, 7, 100.0, commit="3c4b5078c66b")
    assert json.loads(mine.text())["commit"] == "3c4b5078c66b"
    assert parse_presences({"a": mine.text(), "b": _record()}) == [mine, Presence("b", "0.1.0", 1, 7, 100.0)]
    assert Presence("b", "0.1.0", 1, 7, 100.0).commit == "unknown"
    assert mine.named() == "0.1.0 (commit 3c4b5078c66b) (key schema 1) as consumer a"


def test_replicas_of_one_release_built_from_different_commits_are_warned_of_and_told_apart():
    old, new = "3c4b5078c66b", "5683ee44a1b2"
    same = [Presence("a", "0.1.0", 1, 7, 0.0, commit=old), Presence("b", "0.1.0", 1, 7, 0.0, commit=old)]
    assert mixed_versions(same) == []
    assert mixed_versions([*same, Presence("c", "0.1.0", 1, 7, 0.0, commit=new)]) == [
        "several builds run (key schema 1): 0.1.0 (commit 3c4b5078c66b) (a, b), 0.1.0 (commit 5683ee44a1b2) (c): "
        "finish the upgrade, stop the old ones"]
    assert [p.consumer for p in other_releases([*same, Presence("c", "0.1.0", 1, 7, 0.0, commit=new)], me="a",
                                               release="0.1.0", schema=1, commit=old)] == ["c"]
