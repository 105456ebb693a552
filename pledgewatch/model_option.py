"""``--model FILE`` of ``classify`` and ``eval``: the decision model a command runs, the one the classifier service
runs (``PLEDGEWATCH_CLASSIFIER_MODEL``) unless the option names another file."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from services.common.settings import Settings

from .errors import usage_error

if TYPE_CHECKING:
    from services.classifier.model_choice import ChosenModel

MODEL_HELP = ("the decision model's file, written by `pledgewatch train DIR --output FILE` (default: "
              "PLEDGEWATCH_CLASSIFIER_MODEL, else the model the classifier ships)")


def add_model_argument(parser: argparse.ArgumentParser, path: Callable[[str], Path] = Path) -> None:
    parser.add_argument("--model", type=path, metavar="FILE", help=MODEL_HELP)


def chosen_model(option: Path | None, settings: Settings) -> ChosenModel:
    """The model in the file ``--model`` names, else in ``PLEDGEWATCH_CLASSIFIER_MODEL``'s, else the shipped one;
    a usage error naming the option or the setting when the file cannot be used."""
    from services.classifier.model_choice import MODEL_SETTING, ModelFileError, choose_model

    path, named_by = (option, "--model ") if option is not None else (settings.classifier_model, f"{MODEL_SETTING}: ")
    try:
        return choose_model(path)
    except ModelFileError as exc:
        raise usage_error(f"{named_by}{exc}") from None
