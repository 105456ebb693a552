"""``faststream run services.ingest.app:app`` runs ingest alone."""

from services.common.logs import setup_logging
from services.common.service import build_app
from services.common.settings import get_settings

from .service import IngestService

settings = get_settings()
setup_logging(settings.log_level, settings.log_format)
app = build_app([IngestService(settings)], settings, title="pledgewatch ingest")
