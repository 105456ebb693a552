"""A model file of one's own (`pledgewatch train DIR --output FILE`) chosen for `classify` and `eval` by `--model`
or PLEDGEWATCH_CLASSIFIER_MODEL: it decides, the events name it, and a file that cannot be used is refused
naming it and what to do."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pledgewatch.cli import main
from services.classifier.core import CLASSIFIER_VERSION
from services.classifier.core.decision import MODEL_FILE

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = ROOT / "services" / "classifier" / "core" / "model" / MODEL_FILE
SEED = ROOT / "seeds" / "2017-11-29-uk-counterterror-iraq.txt"
RULES = CLASSIFIER_VERSION.rpartition("-")[2]


@pytest.fixture(autouse=True)
def _no_model_setting(monkeypatch):
    monkeypatch.delenv("PLEDGEWATCH_CLASSIFIER_MODEL", raising=False)


@pytest.fixture(scope="module")
def strict(tmp_path_factory) -> Path:
    """The shipped model with its two cuts above any probability: it keeps no proposal at all."""
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    data["threshold"] = data["veto"] = 1.5
    path = tmp_path_factory.mktemp("models") / "strict.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _version_of(path: Path) -> str:
    return f"rules-{RULES}+model-sha256:{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"


def _run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return code, out, err


def _classified(capsys, *args) -> dict:
    code, out, err = _run(capsys, "classify", SEED, *args)
    assert code == 0, err
    (line,) = out.splitlines()
    return json.loads(line)["data"]


def test_classify_with_a_model_file_decides_by_it_and_names_it_in_the_version(capsys, strict):
    """Before: `classify` had no --model: every event was the shipped model's, as `rules+model-X`."""
    shipped = _classified(capsys)
    assert shipped["classifier_version"] == CLASSIFIER_VERSION and shipped["commitments"]
    mine = _classified(capsys, "--model", strict)
    assert mine["classifier_version"] == _version_of(strict) != CLASSIFIER_VERSION
    assert mine["commitments"] == []


def test_a_copy_of_the_shipped_model_is_the_shipped_model(capsys, tmp_path):
    copy = tmp_path / "copy.json"
    copy.write_bytes(SHIPPED.read_bytes())
    assert _classified(capsys, "--model", copy) == _classified(capsys)


def test_the_setting_chooses_the_model_and_the_option_wins_over_it(capsys, monkeypatch, strict, tmp_path):
    monkeypatch.setenv("PLEDGEWATCH_CLASSIFIER_MODEL", str(strict))
    assert _classified(capsys)["classifier_version"] == _version_of(strict)
    copy = tmp_path / "copy.json"
    copy.write_bytes(SHIPPED.read_bytes())
    assert _classified(capsys, "--model", copy)["classifier_version"] == CLASSIFIER_VERSION


def _shipped_with(**changes) -> str:
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    data.update(changes)
    return json.dumps({k: v for k, v in data.items() if v is not None})


BAD_FILES = [
    pytest.param(None, "no such file (give the model file; `pledgewatch train DIR --output FILE` writes one)",
                 id="missing"),
    pytest.param("{", "not a model file: not JSON (line 1, column 2: Expecting property name enclosed in double "
                      "quotes); `pledgewatch train DIR --output FILE` writes one", id="not-json"),
    pytest.param("[1, 2]", "not a model file: JSON list, not an object", id="not-an-object"),
    pytest.param(b"\xff\xfe{}", "not a model file: not UTF-8 text", id="not-utf8"),
    pytest.param(_shipped_with(commitment=None), "not a decision model: no 'commitment' in it", id="no-commitment"),
    pytest.param(_shipped_with(threshold="high"), "not a decision model: could not convert string to float",
                 id="bad-cut"),
    pytest.param(_shipped_with(version="decision-4"),
                 "a model of version 'decision-4', where this classifier reads 'decision-5' (its weights name other "
                 "signals): fit it again with `pledgewatch train DIR --output ", id="other-version"),
    pytest.param(_shipped_with(version=None), "a model of no version", id="no-version"),
    pytest.param(_shipped_with(veto=float("nan")), "not a model file: NaN is no weight", id="nan"),
]


def _bad_file(tmp_path: Path, content: str | bytes | None) -> Path:
    path = tmp_path / "mine.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(("content", "reason"), BAD_FILES)
def test_a_model_file_that_cannot_be_used_is_refused_naming_it_and_what_to_do(capsys, tmp_path, content, reason):
    path = _bad_file(tmp_path, content)
    code, out, err = _run(capsys, "classify", SEED, "--model", path)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: --model {path}: ") and reason in err and err.count("\n") == 1, err


def test_a_folder_given_as_the_model_is_refused(capsys, tmp_path):
    code, _, err = _run(capsys, "classify", SEED, "--model", tmp_path)
    assert code == 2 and err == (f"error: --model {tmp_path}: a folder, not a model file (`pledgewatch train DIR "
                                 "--output FILE` writes one)\n")


def test_a_bad_model_setting_is_refused_naming_the_setting(capsys, monkeypatch, tmp_path):
    missing = tmp_path / "gone.json"
    monkeypatch.setenv("PLEDGEWATCH_CLASSIFIER_MODEL", str(missing))
    code, out, err = _run(capsys, "classify", SEED)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: PLEDGEWATCH_CLASSIFIER_MODEL: {missing}: no such file"), err


def _labelled_set(root: Path) -> Path:
    """One release, the seed, labelling one of the commitments the shipped model finds in it."""
    from services.classifier.core import classify
    from services.ingest.files import load_release

    release = load_release(SEED)
    found = classify(release).commitments[0]
    (root / "releases").mkdir(parents=True)
    (root / "releases" / f"{release.release_id}.json").write_text(json.dumps({
        "id": release.release_id, "url": "https://www.gov.uk/government/news/seed", "title": release.title,
        "source": release.source,
        "body": release.body, "published_at": release.published_at.isoformat()}))
    (root / "labels.json").write_text(json.dumps({release.release_id: {
        "is_counter_terrorism": True, "text_complete": True, "non_commitments": [], "commitments": [
            {"quote": found.text, "kind": found.kind.value, "actor": found.actor, "category": found.category.value,
             "counter_terrorism": found.counter_terrorism, "money": None, "deadlines": []}]}}))
    return root


def test_eval_with_a_model_file_measures_that_model_and_says_which(capsys, tmp_path, strict):
    labelled = _labelled_set(tmp_path / "set")
    code, out, _ = _run(capsys, "eval", labelled, "--json")
    assert code == 0 and json.loads(out)["commitments"]["tp"] == 1
    code, out, _ = _run(capsys, "eval", labelled, "--json", "--model", strict)
    figures = json.loads(out)
    assert code == 0 and (figures["commitments"]["tp"], figures["commitments"]["found"]) == (0, 0)
    assert figures["model"] == {"version": _version_of(strict), "model": str(strict),
                                "sha256": hashlib.sha256(strict.read_bytes()).hexdigest()}
    code, out, _ = _run(capsys, "eval", labelled, "--model", strict)
    assert code == 0 and out.splitlines()[0] == (
        f"model {strict} (sha256:{hashlib.sha256(strict.read_bytes()).hexdigest()}): classifier version "
        f"{_version_of(strict)}")


def test_eval_refuses_a_model_with_the_rules_alone_and_a_bad_model_file(capsys, tmp_path, strict):
    labelled = _labelled_set(tmp_path / "set")
    code, out, err = _run(capsys, "eval", labelled, "--rules-only", "--model", strict)
    assert (code, out) == (2, "") and err == (
        "error: give --model or --rules-only, not both (the rules alone weigh no model)\n")
    code, out, err = _run(capsys, "eval", labelled, "--model", tmp_path / "gone.json")
    assert (code, out) == (2, "") and err.startswith(f"error: --model {tmp_path / 'gone.json'}: no such file")


def test_run_refuses_a_model_setting_it_cannot_use_before_anything_starts(tmp_path, monkeypatch):
    """Checked with the other files a run reads: no Redis, no lock, no service started for it."""
    from pledgewatch.errors import CommandError
    from pledgewatch.runner import run
    from services.common.settings import Settings

    monkeypatch.setenv("PLEDGEWATCH_HOME", str(tmp_path / "home"))
    (tmp_path / "seeds").mkdir()
    monkeypatch.chdir(tmp_path)
    path = _bad_file(tmp_path, _shipped_with(version="decision-4"))
    monkeypatch.setenv("PLEDGEWATCH_CLASSIFIER_MODEL", str(path))
    with pytest.raises(CommandError) as caught:
        run(Settings())
    assert caught.value.exit_code == 2
    assert str(caught.value).startswith(f"PLEDGEWATCH_CLASSIFIER_MODEL: {path}: a model of version 'decision-4'")
    assert not (tmp_path / "home").exists()
