"""Hypothesis strategies that build any event model from its pydantic fields.

Covers the field types the contracts use: nested models, Literal, Enum, unions (discriminated or
optional), lists, tuples, dicts of strings, dates, aware datetimes, patterned strings and bounded
numbers. A field type it does not know fails loudly, so a new contract type cannot slip past.
"""

from __future__ import annotations

import types
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from hypothesis import strategies as st
from pydantic import AwareDatetime, BaseModel

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)
_OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
_AWARE = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=_OFFSETS)


def _bounded_number(base: st.SearchStrategy, metadata: list[Any], kind: type) -> st.SearchStrategy:
    low = high = None
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            low = item.ge
        elif isinstance(item, annotated_types.Le):
            high = item.le
    if kind is int:
        return st.integers(min_value=low, max_value=high)
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)


def _pattern(metadata: list[Any]) -> str | None:
    for item in metadata:
        pattern = getattr(item, "pattern", None)
        if pattern:
            return pattern
    return None


def for_type(annotation: Any, metadata: list[Any] | None = None) -> st.SearchStrategy:
    """A strategy for values valid under ``annotation`` with pydantic ``metadata`` constraints."""
    metadata = list(metadata or [])
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *extra = get_args(annotation)
        flat = []
        for item in extra:
            flat.extend(getattr(item, "metadata", [item]))
        return for_type(inner, metadata + flat)
    if origin in (Union, types.UnionType):
        return st.one_of([for_type(arm, metadata) for arm in get_args(annotation)])
    if origin is Literal:
        return st.sampled_from(get_args(annotation))
    if origin is list:
        shortest = max((item.min_length for item in metadata if isinstance(item, annotated_types.MinLen)), default=0)
        return st.lists(for_type(get_args(annotation)[0]), min_size=shortest, max_size=max(3, shortest))
    if origin is tuple:
        return st.tuples(*(for_type(arm) for arm in get_args(annotation)))
    if origin is dict:
        key, value = get_args(annotation)
        return st.dictionaries(for_type(key), for_type(value), max_size=3)
    if annotation is type(None):
        return st.none()
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return for_model(annotation)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return st.sampled_from(list(annotation))
    if annotation is AwareDatetime or annotation is datetime:
        return _AWARE
    if annotation is date:
        return st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1))
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        return _bounded_number(st.integers(), metadata, int)
    if annotation is float:
        return _bounded_number(st.floats(), metadata, float)
    if annotation is str:
        pattern = _pattern(metadata)
        if pattern:
            return st.from_regex(pattern, fullmatch=True)
        shortest = max((item.min_length for item in metadata if isinstance(item, annotated_types.MinLen)),
                       default=0)
        return _TEXT.filter(lambda text: len(text) >= shortest) if shortest else _TEXT
    raise TypeError(f"no strategy for field type {annotation!r}: teach tests/unit/model_strategies.py")


def for_model(model: type[BaseModel]) -> st.SearchStrategy:
    """Instances of ``model`` with every field drawn, optional ones included or left to their default."""
    required: dict[str, st.SearchStrategy] = {}
    optional: dict[str, st.SearchStrategy] = {}
    for name, field in model.model_fields.items():
        strategy = for_type(field.annotation, field.metadata)
        (required if field.is_required() else optional)[name] = strategy
    return st.fixed_dictionaries(required, optional=optional).map(lambda values: model(**values))
