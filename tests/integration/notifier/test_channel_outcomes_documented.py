"""``POST /subscriptions/{id}/test`` answers as ``/openapi.json`` documents it, every field it always answers with
required: a client generated from the document codes for no absence that never happens."""

import aiohttp
import pytest

from tests.conftest import document_and_answer, documented_answer, unrequired_fields

from notifier_harness import api_call

pytestmark = pytest.mark.integration


async def test_every_field_of_a_test_answered_is_documented_required_but_those_an_outcome_may_leave_out(
        notifier, receiver):
    """A channel's outcome always has its channel, destination and whether it was delivered; ``detail``
    (delivered), ``error`` (failed) and ``unsubscribed`` (an email's) only when there is one."""
    n = await notifier(http=True)
    status, _ = await api_call(n, "POST", "/subscriptions", {
        "id": "desk", "channels": [{"webhook": {"url": receiver.url("hook")}},
                                   {"webhook": {"url": receiver.url("fail")}}]})
    assert status == 201
    async with aiohttp.ClientSession(n.url, headers=n.api_headers) as session:
        document, status, answer = await document_and_answer(session, "POST", "/subscriptions/desk/test")
    assert status == 200 and [c["delivered"] for c in answer["channels"]] == [True, False]
    validator = documented_answer(document, "post", "/subscriptions/{id}/test")
    assert [e.message for e in validator.iter_errors(answer)] == []
    assert unrequired_fields(validator, answer) == ["/channels/0/detail", "/channels/1/error"]
