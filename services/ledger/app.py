"""``faststream run services.ledger.app:app`` runs the ledger alone, with the dashboard that reads it."""

from services.common.standalone import standalone_app
from services.dashboard.service import LedgerWithDashboard
from services.notifier.subscriptions import SubscriptionError

app = standalone_app(lambda settings: [LedgerWithDashboard(settings)], title="pledgewatch ledger",
                     file_errors={SubscriptionError: "PLEDGEWATCH_SUBSCRIPTIONS"})
