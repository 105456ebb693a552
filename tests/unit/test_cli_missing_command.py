"""A command of commands given none names the commands it takes, not a variable of the code."""

import pytest

from pledgewatch.cli import main

CASES = {
    "pledgewatch": ([], "run, classify, ingest, eval, train, status, subscriptions, dlq or ledger"),
    "subscriptions": (["subscriptions"], "list, show, add, update, pause, resume, resubscribe, delete, test, "
                                         "reminders, backtest or validate"),
    "dlq": (["dlq"], "list, show, replay, drop or recount"),
    "ledger": (["ledger"], "rebuild"),
}


@pytest.mark.parametrize("argv, commands", CASES.values(), ids=CASES.keys())
def test_a_missing_command_is_told_with_the_commands_to_choose_from(argv, commands, capsys):
    """Before: ``pledgewatch dlq`` said ``the following arguments are required: dlq_command``."""
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    prog = " ".join(["pledgewatch", *argv])
    assert err == f"error: {prog}: give a command: {commands} (see `{prog} --help`)"
    assert "_command" not in err
