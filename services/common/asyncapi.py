"""Write the AsyncAPI 3.0 document of the three services to ``docs/``, with no Redis.

``python -m services.common.asyncapi`` (``make asyncapi``) writes ``docs/asyncapi.json``,
``docs/asyncapi.yaml`` and ``docs/asyncapi.html`` for the services as ``pledgewatch run`` runs them
(the broker is built, never connected); a test fails when the committed files drift.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pledgewatch import __version__

from .asyncapi_html import render_html
from .service import Service, attach_all, make_broker
from .settings import Settings
from .specification import CompletedSpecification, ContractAsyncAPI

DOCS_DIR = Path(__file__).resolve().parents[2] / "docs"
# What the document shows for values that differ per deployment.
DOCUMENTED_REDIS_URL = "redis://localhost:6379"
DOCUMENTED_CONSUMER = "<hostname>-<pid>"


def documented_services(settings: Settings) -> list[Service]:
    """The three services as ``pledgewatch run`` runs them, built from defaults (no environment read)."""
    from services.classifier.service import ClassifierService
    from services.ingest.config import IngestSettings
    from services.ingest.service import IngestService
    from services.ledger.service import LedgerService
    from services.notifier.config import NotifierConfig
    from services.notifier.service import NotifierService

    return [IngestService(settings, ingest=IngestSettings.model_construct(), sources=[]),
            ClassifierService(settings), NotifierService(settings, config=NotifierConfig.model_construct()),
            LedgerService(settings)]


def build_document() -> dict[str, Any]:
    """The AsyncAPI 3.0 document, as JSON-ready data."""
    settings = Settings.model_construct(redis_url=DOCUMENTED_REDIS_URL, consumer=DOCUMENTED_CONSUMER)
    broker = make_broker(settings)
    attach_all(broker, documented_services(settings), settings)
    factory = ContractAsyncAPI(broker, title="pledgewatch", version=__version__, prefix=settings.prefix,
                               webhooks=True)
    return factory.to_specification().to_jsonable()


def render_files(doc: dict[str, Any]) -> dict[str, str]:
    """``{file name in docs/: text}``."""
    spec = CompletedSpecification(doc)
    return {"asyncapi.json": spec.to_json(), "asyncapi.yaml": spec.to_yaml(), "asyncapi.html": render_html(doc)}


def main() -> int:
    for name, text in render_files(build_document()).items():
        (DOCS_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote {DOCS_DIR / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
