"""Every argument of every ``pledgewatch`` command says in ``--help`` what it takes."""

import argparse

from pledgewatch.cli import build_parser


def _arguments(parser: argparse.ArgumentParser, command: str):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _arguments(sub, f"{command} {name}")
        elif not isinstance(action, argparse._HelpAction):
            yield command, action


def test_every_argument_of_every_command_has_a_help_text():
    """Before: ``pledgewatch classify --help`` listed a bare PATH, ``dlq replay`` a bare ID, ``subscriptions
    show`` a bare id, none saying what to give."""
    silent = [f"{command} {action.metavar or action.dest}"
              for command, action in _arguments(build_parser(), "pledgewatch") if not action.help]
    assert silent == []
