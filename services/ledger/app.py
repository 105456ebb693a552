"""``faststream run services.ledger.app:app`` runs the ledger alone."""

from services.common.logs import setup_logging
from services.common.service import build_app
from services.common.settings import get_settings

from .service import LedgerService

settings = get_settings()
setup_logging(settings.log_level)
app = build_app([LedgerService(settings)], settings, title="pledgewatch ledger")
