"""``faststream run services.ledger.app:app`` runs the ledger alone, with the dashboard that reads it."""

from services.common.standalone import standalone_app
from services.dashboard.service import with_dashboard

from .service import LedgerService

app = standalone_app(lambda settings: with_dashboard(settings, LedgerService(settings)), title="pledgewatch ledger")
