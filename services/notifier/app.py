"""``faststream run services.notifier.app:app`` runs the notifier alone."""

from services.common.standalone import standalone_app

from .service import NotifierService
from .subscriptions import SubscriptionError

app = standalone_app(lambda settings: [NotifierService(settings)], title="pledgewatch notifier",
                     file_errors={SubscriptionError: "PLEDGEWATCH_SUBSCRIPTIONS"})
