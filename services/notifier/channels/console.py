"""Console channel: the readable alert on stdout (the embedded default)."""

from __future__ import annotations

import sys

from ..messages import Message, message_text
from .base import DeliveryResult


class ConsoleSender:
    name = "console"
    destination = "stdout"

    async def send(self, message: Message) -> DeliveryResult:
        _, text = message_text(message)
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
        return DeliveryResult.delivered("written to the notifier's standard output")
