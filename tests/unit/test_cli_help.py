"""Every argument of every ``pledgewatch`` command says in ``--help`` what it takes."""

import argparse
import re

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


def test_every_positional_argument_is_shown_in_capitals():
    """Before: ``pledgewatch train --help`` showed ``[dir]`` where every other command shows ``[DIR]``."""
    lower = [f"{command} {action.metavar or action.dest}"
             for command, action in _arguments(build_parser(), "pledgewatch")
             if not action.option_strings and not str(action.metavar or action.dest).isupper()]
    assert lower == []


def test_no_help_text_names_a_constant_of_the_code():
    """Before: ``train --tune`` spoke of ``C_GRID``; the names of environment variables are the user's own."""
    constants = [f"{command} {action.dest}: {name}"
                 for command, action in _arguments(build_parser(), "pledgewatch")
                 for name in re.findall(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b", action.help or "")
                 if not name.startswith(("PLEDGEWATCH_", "REDIS_"))]
    assert constants == []


def test_the_one_line_help_of_a_command_with_commands_names_each_of_them():
    """Before: ``subscriptions`` named list, add, update, pause and delete, not show, resume, test, backtest or
    validate."""
    top = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    one_lines = {choice.dest: choice.help for choice in top._choices_actions}
    unnamed = [f"{command}: {name}" for command, parser in top.choices.items()
               for action in parser._actions if isinstance(action, argparse._SubParsersAction)
               for name in action.choices if not re.search(rf"\b{name}\b", one_lines[command])]
    assert unnamed == []


def _commands(parser: argparse.ArgumentParser, command: str):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                yield f"{command} {name}", sub, helps.get(name)
                yield from _commands(sub, f"{command} {name}")


def test_every_commands_own_help_says_what_it_does():
    """Before: ``pledgewatch ledger rebuild --help`` (and ``run``, ``status``, ``dlq drop``, …) showed a usage line
    and options only; what the command does ("drop the ledger and read it again …") was in its parent's help."""
    bare = [command for command, parser, one_line in _commands(build_parser(), "pledgewatch")
            if not parser.description
            or (one_line and one_line.lower() not in " ".join(parser.format_help().split()).lower())]
    assert bare == []
