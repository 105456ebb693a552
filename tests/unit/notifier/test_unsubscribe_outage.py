"""Which page an unsubscribe answers while Redis cannot take it: only a record sent and not answered may be done."""

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from services.common.answer_bound import RedisConnectionsInUse, RedisNotAnswering, RedisNotAsked, RedisNotConnected
from services.notifier.unsubscribe_outage import Outage, unsubscribe_outage


@pytest.mark.parametrize(("exc", "recording", "outage"), [
    pytest.param(RedisNotAnswering(2), True, Outage.MAYBE_DONE, id="record-sent-not-answered"),
    pytest.param(RedisTimeoutError("Timeout reading"), True, Outage.MAYBE_DONE, id="record-past-command-timeout"),
    pytest.param(RedisNotAnswering(2), False, Outage.NOT_DONE, id="subscription-read-not-answered"),
    pytest.param(RedisNotAsked(2, 5), True, Outage.NOT_DONE, id="record-not-sent"),
    pytest.param(RedisNotConnected(2), True, Outage.NOT_DONE, id="record-connection-not-made"),
    pytest.param(RedisConnectionsInUse(2), True, Outage.NOT_DONE, id="record-no-free-connection"),
    pytest.param(RedisConnectionError("refused"), True, Outage.NOT_DONE, id="redis-down"),
])
def test_only_a_record_sent_and_not_answered_may_have_been_done(exc, recording, outage):
    assert unsubscribe_outage(exc, recording=recording) is outage
