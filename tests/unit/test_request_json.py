"""A request body's JSON: a key given twice in one object is refused, naming the key and its place; anything
else reads as ``loads_bounded`` reads it."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas.json_bounds import JSONBoundsError, loads_bounded
from services.common.json_keys import DuplicateKey, loads_request


@pytest.mark.parametrize(("raw", "where", "key"), [
    pytest.param('{"id": "a", "id": "b"}', "id", "id", id="top"),
    pytest.param('{"id": "a", "\\u0069d": "b"}', "id", "id", id="escaped"),
    pytest.param('{"a": {"x": 1}, "b": [{"k": 1}, {"k": 2, "u": "http://x", "k": 3}]}', "b.1.k", "k", id="in-a-list"),
    pytest.param('{"s": "a:b,{c}[d]\\"e:", "t": {"s": 1, "s": 2}}', "t.s", "s", id="punctuation-in-strings"),
    pytest.param('[1, {"a.b": 1, "a.b": 2}]', "1.a.b", "a.b", id="dotted-key"),
    pytest.param('{"": 1, "": 2}', "", "", id="empty-key"),
])
def test_a_key_given_twice_is_named_with_its_place(raw, where, key):
    for sent in (raw, raw.encode()):
        with pytest.raises(DuplicateKey) as caught:
            loads_request(sent)
        assert caught.value.error == {"field": where,
                                      "message": f"key {key!r} given twice in one object: give each key once"}


@pytest.mark.parametrize("raw", [
    '{"a": {"id": 1}, "b": {"id": 1}, "id": {"id": {"id": []}}}',  # the same key in different objects
    '{"keywords": ["id: a", "id: a"], "url": "https://x/y?a=1:2", "t": "2026-01-01T09:30:00Z"}',  # values twice
    '["x", {}, [], {"k": {}}]',
    '"a:b"',
])
def test_a_document_giving_each_key_once_reads_as_loads_bounded_reads_it(raw):
    assert loads_request(raw) == loads_bounded(raw)


def test_what_loads_bounded_refuses_is_refused_alike():
    with pytest.raises(JSONBoundsError, match="nested deeper"):
        loads_request("[" * 40 + "]" * 40)


def _reference(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise DuplicateKey("?", "?")
    return dict(pairs)


_KEYS = st.text(alphabet='ab:",{}[]\\\u00e9', max_size=3)
_JSON = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(alphabet='a:,"{}[]\\', max_size=5),
                     lambda inner: st.lists(inner, max_size=4) | st.lists(st.tuples(_KEYS, inner), max_size=4),
                     max_leaves=20)


def _dumps(value):
    """JSON of ``value``, a list of pairs written as an object with its keys as given (twice, perhaps)."""
    if isinstance(value, list) and value and all(isinstance(v, tuple) for v in value):
        return "{" + ", ".join(f"{json.dumps(k)}: {_dumps(v)}" for k, v in value) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_dumps(v) for v in value) + "]"
    return json.dumps(value)


@given(value=_JSON)
def test_a_key_is_refused_exactly_when_an_object_gives_it_twice(value):
    text = _dumps(value)
    try:
        expected = json.loads(text, object_pairs_hook=_reference)
    except DuplicateKey:
        with pytest.raises(DuplicateKey):
            loads_request(text)
    else:
        assert loads_request(text) == expected


@given(text=st.text(alphabet='[]{}":,0123456789.eE+-\\/ntrufalsu \t\r\n\x0b\x0c\xa0\ufeff', max_size=200))
def test_whatever_loads_bounded_takes_is_taken_or_refused_for_a_key_twice_and_nothing_else(text):
    try:
        expected = loads_bounded(text)
    except JSONBoundsError:
        with pytest.raises(JSONBoundsError):
            loads_request(text)
        return
    try:
        assert loads_request(text) == expected
    except DuplicateKey:
        with pytest.raises(DuplicateKey):  # an object gives a key twice
            json.loads(text, object_pairs_hook=_reference)
