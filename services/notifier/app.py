"""``faststream run services.notifier.app:app`` runs the notifier alone."""

from services.common.logs import setup_logging
from services.common.service import build_app
from services.common.settings import get_settings

from .service import NotifierService

settings = get_settings()
setup_logging(settings.log_level, settings.log_format)
app = build_app([NotifierService(settings)], settings, title="pledgewatch notifier")
