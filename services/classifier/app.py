"""``faststream run services.classifier.app:app`` runs the classifier alone."""

from services.common.logs import setup_logging
from services.common.service import build_app
from services.common.settings import get_settings

from .service import ClassifierService

settings = get_settings()
setup_logging(settings.log_level, settings.log_format)
app = build_app([ClassifierService(settings)], settings, title="pledgewatch classifier")
