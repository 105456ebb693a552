"""The words of the dashboard's page while Redis cannot take a request's work."""

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from services.common.answer_bound import RedisConnectionsInUse, RedisNotAnswering, RedisNotAsked, RedisNotConnected
from services.dashboard.outage_pages import outage_message


@pytest.mark.parametrize(("exc", "then", "message"), [
    pytest.param(RedisNotAnswering(2), "pausing twice does no harm",
                 "Redis is not answering (no answer within 2 s): it may not have been done. Try again in a moment: "
                 "pausing twice does no harm.", id="sent-not-answered"),
    pytest.param(RedisNotAsked(2, 5), "pausing twice does no harm",
                 "Redis is not answering (none within 2 s lately; asked again every 5 s): nothing was changed. "
                 "Try again in a moment: pausing twice does no harm.", id="not-sent"),
    pytest.param(RedisNotConnected(2), "pausing twice does no harm",
                 "Redis is not answering (no connection made within 2 s): nothing was changed. Try again in a "
                 "moment: pausing twice does no harm.", id="connection-not-made"),
    pytest.param(RedisConnectionsInUse(2), "pausing twice does no harm",
                 "all connections to Redis are in use (none free within 2 s): nothing was changed. Try again in a "
                 "moment: pausing twice does no harm.", id="pool-full"),
    pytest.param(RedisConnectionError("refused"), "resuming twice does no harm",
                 "Redis cannot be reached (ConnectionError): nothing was changed. Try again in a moment: resuming "
                 "twice does no harm.", id="down"),
    pytest.param(RedisTimeoutError("Timeout reading"), "resuming twice does no harm",
                 "Redis cannot be reached (TimeoutError): it may not have been done. Try again in a moment: "
                 "resuming twice does no harm.", id="command-timeout"),
    pytest.param(RedisNotAsked(2, 5), None,
                 "Redis is not answering (none within 2 s lately; asked again every 5 s). Try again in a moment.",
                 id="a-page"),
])
def test_the_page_says_what_is_wrong_whether_it_may_have_been_done_and_if_a_retry_is_safe(exc, then, message):
    assert outage_message(exc, then) == message
