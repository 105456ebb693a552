"""A separate service with a write API refuses to start without an API token; one without (the classifier)
starts anyway."""

import pytest

from services.classifier.service import ClassifierService
from services.common.service import build_app
from services.ingest.service import IngestService
from services.notifier.service import NotifierService

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("make", [
    pytest.param(lambda s: IngestService(s, watch=[], sources=[]), id="ingest"),
    pytest.param(NotifierService, id="notifier"),
])
def test_a_service_with_a_write_api_refuses_to_start_without_a_token(settings, make):
    settings = settings.model_copy(update={"api_token": None})
    with pytest.raises(SystemExit) as exited:
        build_app([make(settings)], settings, title="pledgewatch x")
    message = str(exited.value.code)
    assert message.startswith("error: pledgewatch x: no API token for its write API: set PLEDGEWATCH_API_TOKEN")
    assert "\n" not in message


def test_the_classifier_has_no_write_api_and_needs_no_token(settings):
    settings = settings.model_copy(update={"api_token": None})
    assert build_app([ClassifierService(settings)], settings, title="pledgewatch classifier") is not None
