"""An id no subscription could have is a usage error before any request, a line break at its end too."""

import pytest

from pledgewatch.errors import USAGE, CommandError
from pledgewatch.subscriptions_cli import _one


@pytest.mark.parametrize("sub_id", ["no/such", "desk\n", "desk?limit=1", ""])
def test_an_id_no_subscription_could_have_is_refused_as_a_usage_error(sub_id):
    with pytest.raises(CommandError) as raised:
        _one(sub_id, "/reminders")
    assert raised.value.exit_code == USAGE


def test_an_id_a_subscription_can_have_names_its_path():
    assert _one("ct-desk.2", "/reminders") == "/subscriptions/ct-desk.2/reminders"
