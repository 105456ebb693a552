"""``faststream run services.delivery.app:app`` runs the delivery worker alone, beside notifiers started with
``PLEDGEWATCH_DELIVERY_PROCESS=true``."""

from services.common.standalone import standalone_app
from services.notifier.delivery_service import DeliveryService
from services.notifier.subscriptions import SubscriptionError

app = standalone_app(lambda settings: [DeliveryService(settings)], title="pledgewatch delivery",
                     file_errors={SubscriptionError: "PLEDGEWATCH_SUBSCRIPTIONS"})
