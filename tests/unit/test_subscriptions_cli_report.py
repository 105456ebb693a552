"""How `pledgewatch subscriptions` reads the API's error answers: field errors, and the server's own errors."""

import pytest

from pledgewatch.errors import CommandError
from pledgewatch.subscriptions_cli import _report


@pytest.mark.parametrize(("status", "body", "line"), [
    (422, {"errors": [{"field": "id", "message": "already exists"}]}, "id: already exists"),
    (503, {"errors": [{"field": "server", "message": "service unavailable: cannot reach Redis (ConnectionError); "
                                                      "try again later"}]},
     "service unavailable: cannot reach Redis (ConnectionError); try again later"),
    (503, {"errors": ["service unavailable: cannot reach Redis (ConnectionError); try again later"]},
     "service unavailable: cannot reach Redis (ConnectionError); try again later"),  # an earlier server's
    (413, {"errors": [{"field": "body", "message": "over the 4194304-byte limit"}]}, "body: over the 4194304-byte limit"),
    (413, {"errors": ["request body larger than 4194304 bytes"]}, "request body larger than 4194304 bytes"),
    (500, None, "HTTP 500"),
])
def test_an_error_answer_is_one_line_whatever_its_shape(status, body, line):
    with pytest.raises(CommandError) as raised:
        _report(status, body)
    assert str(raised.value) == line
