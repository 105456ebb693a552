"""The delivery worker as a service of its own (see :mod:`services.notifier.delivery_service`)."""
