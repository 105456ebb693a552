"""Which line of a YAML text an error is about, for the ``file:line`` of its one-line message."""

from __future__ import annotations

import yaml

# Errors in these are found where the construct should have ended (the next key, the next line, the end of the
# text), often a line or more after the bad value; the construct's start is where that value is.
_UNFINISHED = ("while scanning", "while parsing a flow")


def yaml_error_line(exc: yaml.YAMLError) -> int | None:
    """The 0-based line of the text that holds what ``exc`` is about, or None when the parser did not say: where
    an unclosed quote, bracket or brace (or a key without its ':') began, else where the problem was found (a
    key indented wrongly, a value where none may be)."""
    problem = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context_mark", None)
    unfinished = str(getattr(exc, "context", None) or "").startswith(_UNFINISHED)
    mark = context if context is not None and (unfinished or problem is None) else problem
    return None if mark is None else mark.line
