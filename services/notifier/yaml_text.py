"""YAML as the subscriptions file and the CLI read it: safe, and without base-60 numbers.

PyYAML follows YAML 1.1, where an unquoted ``08:30`` is the integer 510; YAML 1.2 dropped
that rule, and so does this loader, so ``digest_at: 08:30`` reads as the text it looks like.
A key given twice in one mapping is refused, as YAML 1.2 requires, not read as its last value.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from services.common.yaml_lines import UniqueKeyLoader

_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


class _Loader(UniqueKeyLoader):
    """Safe, a key given twice refused, and ``hh:mm`` a string (the resolvers below)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_INT, re.compile(
    r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(_FLOAT, re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), list("-+0123456789."))


def load_yaml(text: str) -> Any:
    """Parse ``text`` like ``yaml.safe_load``, except that ``hh:mm`` stays a string."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
