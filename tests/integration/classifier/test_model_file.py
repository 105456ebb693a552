"""The classifier service runs the model PLEDGEWATCH_CLASSIFIER_MODEL names: its events say which, its start
is logged naming the file and its SHA-256, and a file it cannot use stops it from starting, naming the setting."""

import hashlib
import json
import logging
from pathlib import Path

import pytest

from schemas import decode_event
from schemas.streams import CLASSIFIED, EVENT_FIELD
from services.classifier.core import CLASSIFIER_VERSION
from services.classifier.service import ClassifierService
from services.common.errors import StartupError

from .test_exactly_once import _delivered

pytestmark = pytest.mark.integration

SHIPPED = Path(__file__).resolve().parents[3] / "services" / "classifier" / "core" / "model" / "decision.json"


@pytest.fixture
def strict(tmp_path) -> Path:
    """The shipped model with its two cuts above any probability: it keeps no proposal at all."""
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    data["threshold"] = data["veto"] = 1.5
    path = tmp_path / "strict.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


async def test_the_service_classifies_with_the_model_of_the_setting_and_says_which(settings, strict, caplog):
    digest = hashlib.sha256(strict.read_bytes()).hexdigest()
    service = ClassifierService(settings.model_copy(update={"classifier_model": strict}))
    with caplog.at_level(logging.INFO, logger="services.classifier.service"):
        await service.start()
    try:
        assert f"classifier rules-{CLASSIFIER_VERSION.rpartition('-')[2]}+model-sha256:{digest[:12]}" in caplog.text
        assert f"model {strict} (sha256:{digest})" in caplog.text
        assert service.model_record == {"version": service.chosen.version, "model": str(strict), "sha256": digest}
        event, entry = await _delivered(service, settings)
        await service.on_release_published(event, entry)
        [(_, fields)] = await service.runtime.streams.client.xrange(settings.key(CLASSIFIED))
        classified = decode_event(fields[EVENT_FIELD.encode()]).data
    finally:
        await service.stop()
    assert classified.classifier_version == f"rules-{CLASSIFIER_VERSION.rpartition('-')[2]}+model-sha256:{digest[:12]}"
    assert classified.commitments == []  # the shipped model keeps "The UK will invest £10m …"


def test_a_model_file_the_service_cannot_use_stops_its_start_naming_the_setting(settings, tmp_path):
    bad = tmp_path / "mine.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(StartupError, match=rf"^PLEDGEWATCH_CLASSIFIER_MODEL: {bad}: not a model file: not JSON"):
        ClassifierService(settings.model_copy(update={"classifier_model": bad}))
