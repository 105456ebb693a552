"""The subscriptions' store and the delivery worker as the notifier builds them, and a delivery process too
(:mod:`.delivery_service`): both judge a job's subscription the same way, from the same keys and file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from services.common.settings import Settings
from services.common.streams import Streams
from services.ledger.store import calendar_served_key

from .channels.email import EmailSupport
from .config import NotifierConfig
from .delivery import DeliveryWorker
from .feed import feed_key, feed_served_key, feed_since_key
from .mailed import Mailed
from .outbox import Outbox
from .presence import SubscriptionPresence
from .reminder_store import ReminderKeys
from .store import FileSubscriptions, SubscriptionStore
from .unsubscribe import dashboard_base, unsubscribe_links
from .unsubscribe_spool import UnsubscribeSpool
from .unsubscribed import Unsubscribed, unsubscribed_key
from .weekly import week_key


def subscription_records(key: Callable[[str], str], sub_id: str) -> list[str]:
    """The records the notifier keeps under a subscription's id: what it was told (``notifier:sent``, and the
    deadlines already past when told, ``notifier:elapsed``), its digest's buffer and last time, and the release
    versions it was set apart for (``notifier:quarantined``). Deleted with it, and when one of its id is made:
    nothing else reads them."""
    records = ("sent", "elapsed", "digest", "digest-last", "quarantined")
    return [key(f"notifier:{record}:{sub_id}") for record in records]


def subscription_store(streams: Streams, file: FileSubscriptions, clock: Callable[[], datetime]) -> SubscriptionStore:
    return SubscriptionStore(streams.client, key=streams.key("notifier:subscriptions"), file=file,
                             kept_for=lambda sub_id: [feed_key(streams.key, sub_id), feed_since_key(streams.key, sub_id),
                                                      feed_served_key(streams.key, sub_id),
                                                      calendar_served_key(streams.key, sub_id),
                                                      week_key(streams, sub_id), unsubscribed_key(streams.key, sub_id),
                                                      *subscription_records(streams.key, sub_id)],
                             reminders=ReminderKeys.of(streams.key), clock=clock)


def delivery_worker(settings: Settings, config: NotifierConfig, streams: Streams, store: SubscriptionStore,
                    file: FileSubscriptions, spool: UnsubscribeSpool, *, outbox: Outbox | None = None,
                    unsubscribed: Unsubscribed | None = None) -> DeliveryWorker:
    """The delivery worker on ``streams`` (the outbox and the unsubscribed records made on them when not given)."""
    if outbox is None:
        outbox = Outbox(streams.client, streams.key)
    if unsubscribed is None:
        unsubscribed = Unsubscribed(streams.client, streams.key, store.generations)
    mailed = Mailed(streams.client, streams.key)
    return DeliveryWorker(streams, outbox, config, webhook_timeout=settings.webhook_timeout,
                          targets=settings.target_policy,
                          presence=SubscriptionPresence(streams.client, store.key, store.from_file, file.loaded,
                                                        looked_again=file.now, made_again_key=store.made_again,
                                                        generations_key=store.generations),
                          email_support=EmailSupport(unsubscribe_links(config, settings),
                                                     spool.replaying(unsubscribed), mailed.of, mailed.add,
                                                     unsubscribed.generation, dashboard_base(config, settings)))
