"""What an unsubscribe link answers while Redis cannot take its work (down, or not answering within
PLEDGEWATCH_HTTP_REDIS_SECONDS) and an unsubscribe cannot be kept in the data folder either
(:mod:`.unsubscribe_spool`): a page for the recipient with 503 and Retry-After, not the API's JSON. Pure.

The page says, in a recipient's words rather than the server's, that the unsubscribe was not done, or may have
been (its record sent and not answered), and that opening the link again later is all it takes. A mail client's
one-click POST (RFC 8058) reads the status alone, and 503 tells it what it should: not a 2xx, so not done; not a
4xx, so the link still works; not a redirect, which RFC 8058 rules out; Retry-After, for a client that asks again.
"""

from __future__ import annotations

from enum import Enum

from redis.exceptions import RedisError

from services.common.answer_bound import may_have_been_done


class Outage(Enum):
    """Which page an unsubscribe link answers while Redis cannot take its work (the template's ``outage``)."""

    NOT_SHOWN = "not-shown"  # the confirmation page (GET): it changes nothing
    NOT_DONE = "not-done"  # the unsubscribe, stopped before its record was sent
    MAYBE_DONE = "maybe-done"  # its record sent and not answered: Redis may have carried it out, or may yet


def unsubscribe_outage(exc: RedisError, *, recording: bool) -> Outage:
    """The page of an unsubscribe (POST) that ``exc`` stopped; ``recording``: its record had been sent."""
    return Outage.MAYBE_DONE if recording and may_have_been_done(exc) else Outage.NOT_DONE
