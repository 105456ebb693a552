"""Which decision model the classifier runs: the one it ships, or a file of one's own (``pledgewatch train DIR
--output FILE``) named by ``PLEDGEWATCH_CLASSIFIER_MODEL`` or ``--model``. A file is read whole and checked before
anything is classified with it, and is named by its SHA-256: in the classifier version of what it decides
(``classifier.classifier_version``), in the log line each process writes at its start, and in ``pledgewatch
status``, so that replicas reading one stream with different models show it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .core.classifier import classifier_version
from .core.decision import MODEL_VERSION, DecisionModel, shipped_model

MODEL_SETTING = "PLEDGEWATCH_CLASSIFIER_MODEL"
MAKE_ONE = "`pledgewatch train DIR --output FILE` writes one"


class ModelFileError(ValueError):
    """A model file that cannot be used; the message names the file, says why and what to do."""


@dataclass(frozen=True)
class ChosenModel:
    model: DecisionModel
    path: Path | None  # None: the model the classifier ships

    @property
    def digest(self) -> str:
        return self.model.digest or ""

    @property
    def version(self) -> str:
        """The classifier version of the events it decides."""
        return classifier_version(self.model)

    def described(self) -> str:
        """``model /srv/mine.json (sha256:…)``, or ``the shipped model (sha256:…)``."""
        return f"{'the shipped model' if self.path is None else f'model {self.path}'} (sha256:{self.digest})"

    def record(self) -> dict[str, Any]:
        """What ``pledgewatch status`` shows of it: ``{"version", "model", "sha256"}``, ``model`` None when shipped."""
        return {"version": self.version, "model": None if self.path is None else str(self.path),
                "sha256": self.digest}


def choose_model(path: Path | None) -> ChosenModel:
    """The model in the file ``path`` (absolute, as every process then names it alike), else the shipped one;
    a ``ModelFileError`` when the file cannot be used."""
    if path is None:
        return ChosenModel(shipped_model(), None)
    path = path.expanduser().absolute()
    return ChosenModel(read_model(path), path)


def read_model(path: Path) -> DecisionModel:
    """The decision model in ``path``: a ``ModelFileError`` when it is missing, does not read, is not JSON, is not
    a model, or is one of another ``MODEL_VERSION`` (its weights name signals this classifier does not make)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelFileError(f"{path}: no such file (give the model file; {MAKE_ONE})") from None
    except IsADirectoryError:
        raise ModelFileError(f"{path}: a folder, not a model file ({MAKE_ONE})") from None
    except OSError as exc:
        raise ModelFileError(f"{path}: cannot be read ({exc.strerror or exc}); give a model file this user may "
                             "read") from None
    try:
        content = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise ModelFileError(f"{path}: not a model file: not UTF-8 text; {MAKE_ONE}") from None
    except json.JSONDecodeError as exc:
        raise ModelFileError(f"{path}: not a model file: not JSON (line {exc.lineno}, column {exc.colno}: "
                             f"{exc.msg}); {MAKE_ONE}") from None
    except ValueError as exc:  # NaN or Infinity
        raise ModelFileError(f"{path}: not a model file: {exc}; {MAKE_ONE}") from None
    if not isinstance(content, dict):
        raise ModelFileError(f"{path}: not a model file: JSON {type(content).__name__}, not an object; {MAKE_ONE}")
    version = content.get("version")
    if version != MODEL_VERSION:
        shown = f"version {version!r}" if version is not None else "no version"
        raise ModelFileError(f"{path}: a model of {shown}, where this classifier reads {MODEL_VERSION!r} (its "
                             f"weights name other signals): fit it again with `pledgewatch train DIR --output {path}`")
    try:
        return DecisionModel.from_dict(content, digest=hashlib.sha256(data).hexdigest())
    except ValueError as exc:
        raise ModelFileError(f"{path}: {exc}; {MAKE_ONE}") from None


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is no weight")
