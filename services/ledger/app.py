"""``faststream run services.ledger.app:app`` runs the ledger alone."""

from services.common.standalone import standalone_app

from .service import LedgerService

app = standalone_app(lambda settings: [LedgerService(settings)], title="pledgewatch ledger")
