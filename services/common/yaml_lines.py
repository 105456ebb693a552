"""Which line of a YAML text an error is about, for the ``file:line`` of its one-line message; and a loader
that refuses a key given twice in one mapping, naming both its lines."""

from __future__ import annotations

from typing import Any

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


class UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping, as YAML 1.2 requires, rather than keep its
    last value. ``first_line``: the number, in its file, of the text's first line (2 for a front-matter block
    opened by ``---`` on line 1), so that the error says where the first one is in the file's own numbers."""

    first_line = 1
    timestamp_hint = " or time"  # after "is not a real date"

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # "<<: *defaults": the keys merged in may be given again, to change them
            key = self.construct_object(key_node, deep=True)
            try:
                seen = first.setdefault(key, key_node)
            except TypeError:
                continue  # a list or mapping as a key: SafeLoader refuses it
            if seen is not key_node:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} given twice (first on line {seen.start_mark.line + self.first_line})",
                    key_node.start_mark)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> object:
        """YAML's date or time; an impossible one (``2026-02-30``) an error that knows its line, as every other
        problem of the text is, rather than a bare ValueError out of the parser."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"{exc}: {node.value!r} is not a real date{self.timestamp_hint}", node.start_mark
            ) from None


UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", UniqueKeyLoader.construct_yaml_timestamp)
