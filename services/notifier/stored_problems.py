"""What is wrong with a subscription as it is kept (pure): what the API would refuse of it, given anew now.

A subscription stored by an earlier version, before a check the API now makes of what is given (a keyword of
only dashes or accents, a webhook URL no request can go to, an address whose display name holds a bidi
control), is read back as it was stored and works as it did: nothing of it is lost. The API shows it so, naming
each such value in its ``problems``, so that a client reading it knows what to change.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from .subscriptions import Subscription, SubscriptionError, parse_subscription, refused_targets


def stored_problems(sub: Subscription, url_refusal: Callable[[str], str | None]) -> list[dict[str, str]]:
    """``{"field", "message"}`` for each value of ``sub`` the API would refuse were it given now (``url_refusal``:
    the outbound policy's judgement of a URL's address, as the API makes it); empty when there is none. A
    pause already over is no problem: only a pause given is judged against now."""
    try:
        given = parse_subscription(json.loads(sub.stored()))
    except SubscriptionError as exc:
        return exc.errors
    return refused_targets(given, url_refusal)
