"""Console channel: the readable alert on stdout (the embedded default)."""

from __future__ import annotations

import sys

from services.common.logs import escape_for_terminal

from ..messages import Message, message_text
from .base import DeliveryResult


class ConsoleSender:
    name = "console"
    destination = "stdout"

    async def send(self, message: Message) -> DeliveryResult:
        _, text = message_text(message)
        sys.stdout.write(escape_for_terminal(text) + "\n")  # a release's C1 control (ingest keeps them) is no CSI
        sys.stdout.flush()
        return DeliveryResult.delivered("written to the notifier's standard output")
