"""`pledgewatch --version` names the package and the classifier it runs."""

import pytest

from pledgewatch import __version__
from pledgewatch.cli import main
from services.classifier.core import CLASSIFIER_VERSION


def test_version_names_the_package_and_the_classifier(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    out = capsys.readouterr().out.strip()
    assert out == f"pledgewatch {__version__} (classifier {CLASSIFIER_VERSION})"
