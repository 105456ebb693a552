"""Bad input never escapes the decoder: deep nesting, huge numbers, a bool for an int, broken text.

``decode_event`` raises :class:`EventError` with a one-line reason for each, before any model sees it,
so the consumer dead-letters the entry at once instead of retrying a traceback.
"""

import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from schemas import EventError, decode_event, event_types
from schemas.json_bounds import MAX_DEPTH, JSONBoundsError, loads_bounded

from test_schemas import _release_event


def _nested(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "nested deeper than", id="deep-array"),
        pytest.param(_nested(5_000), "nested deeper than", id="deep-object"),
        pytest.param(b'{"type": "pledgewatch.release.published", "schemaversion": ' + b"9" * 5_000 + b"}",
                     "integer too large", id="huge-int"),
        pytest.param(b'{"n": -' + b"1" * 40 + b"}", "integer too large", id="huge-negative-int"),
        pytest.param(b'{"n": 1e999}', "number out of range", id="float-overflow"),
        pytest.param(b'{"n": NaN}', "not JSON", id="nan"),
        pytest.param(b'{"s": "\\ud800"}', "s: \\ud800 is a lone surrogate, not a character", id="lone-surrogate"),
        pytest.param(_release_event(schemaversion=True), "unknown schema version true for", id="schemaversion-true"),
        pytest.param(_release_event(schemaversion=1.0), "unknown schema version 1.0 for", id="schemaversion-float"),
        pytest.param(_release_event(schemaversion="1"), 'unknown schema version "1" for', id="schemaversion-string"),
    ],
)
def test_bad_input_is_an_event_error_with_a_one_line_reason(raw, reason):
    with pytest.raises(EventError) as caught:
        decode_event(raw)
    assert reason in str(caught.value) and "\n" not in str(caught.value)


def test_a_number_inside_a_string_or_a_bracket_in_a_key_is_not_counted():
    text = json.dumps({"[" * 200: "9" * 500, "x": ["{" * 100]})
    assert loads_bounded(text)["x"] == ["{" * 100]


def test_nesting_up_to_the_bound_is_fine_and_one_more_is_refused():
    assert loads_bounded(_nested(MAX_DEPTH))
    with pytest.raises(JSONBoundsError, match=f"nested deeper than {MAX_DEPTH}"):
        loads_bounded(_nested(MAX_DEPTH + 1))


def test_integers_up_to_nineteen_digits_and_ordinary_floats_pass():
    assert loads_bounded(b'[-999999999999999999, 1234567890123456789, 1.5e10, 0.000001, -2E-5]') == [
        -999999999999999999, 1234567890123456789, 1.5e10, 0.000001, -2e-5]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
_FIELDS = ("specversion", "id", "source", "type", "dataschema", "schemaversion", "time", "subject", "datacontenttype", "data")


def _assert_event_error_only(raw):
    try:
        decode_event(raw)
    except EventError as exc:
        assert str(exc) and "\n" not in str(exc)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.binary(max_size=300))
def test_arbitrary_bytes_raise_nothing_but_event_error(raw):
    _assert_event_error_only(raw)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(alphabet='[]{}":,0123456789.eE+-\\ntrufalsu ', max_size=400))
def test_json_like_text_raises_nothing_but_event_error(text):
    _assert_event_error_only(text)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(event_type=st.sampled_from(sorted(event_types())), field=st.sampled_from(_FIELDS), value=_JSON,
       depth=st.integers(0, 3000), digits=st.integers(1, 6000))
def test_any_event_with_one_field_made_arbitrary_raises_nothing_but_event_error(event_type, field, value,
                                                                                 depth, digits):
    event = json.loads(_release_event())
    event["type"] = event_type
    event[field] = value
    _assert_event_error_only(json.dumps(event, allow_nan=True))
    event[field] = "__HOLE__"
    text = json.dumps(event)
    _assert_event_error_only(text.replace('"__HOLE__"', "[" * depth + "]" * depth))
    _assert_event_error_only(text.replace('"__HOLE__"', "7" * digits))


def _bounds_checked_at_every_position(text: str) -> None:
    """check_bounds as it was before its byte-table shortcuts: each regular expression over the whole text."""
    from schemas.json_bounds import _BIG_FLOAT, _BIG_INTEGER, _STRINGS, MAX_INTEGER_DIGITS
    import math
    import re

    bare = _STRINGS.sub('""', text)
    depth = 0
    for match in re.finditer(r"[\[\]{}]", bare):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_DEPTH:
            raise JSONBoundsError(f"nested deeper than {MAX_DEPTH} levels")
    big = _BIG_INTEGER.search(bare)
    if big:
        raise JSONBoundsError(f"integer too large: {len(big.group().lstrip('-'))} digits "
                              f"(at most {MAX_INTEGER_DIGITS})")
    for match in _BIG_FLOAT.finditer(bare):
        if math.isinf(float(match.group())):
            raise JSONBoundsError("number out of range")


def _outcome(check, text):
    try:
        check(text)
    except JSONBoundsError as exc:
        return str(exc)
    return None


_NUMBER_LIKE = st.builds("".join, st.tuples(
    st.sampled_from(["", "-", "+", "a", "."]), st.text("0123456789\u0663", max_size=30), st.sampled_from(["", "."]),
    st.text("0123456789", max_size=3), st.sampled_from(["", "e", "E"]), st.sampled_from(["", "+", "-"]),
    st.text("0123456789\u0663", max_size=5), st.sampled_from(["", "]", ",", "a", "."])))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(alphabet='[]{}":,0123456789.eE+-\\ ntrufals\u0663\u00e9\ud800', max_size=600)
       | st.builds(lambda depth, numbers: "[" * depth + ",".join(numbers) + "]" * depth,
                   st.integers(0, 40), st.lists(_NUMBER_LIKE, max_size=5)))
@example("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
@example("[" + "1" * 20 + "]")
@example("[-" + "1" * 20 + ", " + "1" * 19 + "]")
@example("[1.e999]")
@example("[1E+999, 1e99]")
@example("[" + "\u0663" * 20 + "]")
@example("[" + "7" * 300 + ".5]")
def test_the_bounds_are_checked_as_they_were_before_their_shortcuts(text):
    from schemas.json_bounds import check_bounds

    assert _outcome(check_bounds, text) == _outcome(_bounds_checked_at_every_position, text)


@settings(deadline=None)
@given(text=st.text(alphabet='"\\\x00ab[]{}1 \u00e9\ud800', max_size=40)
       | st.builds(json.dumps, st.recursive(st.text(alphabet='"\\\x00a1\n\u2019', max_size=8),
                                           lambda inner: st.lists(inner, max_size=3)
                                           | st.dictionaries(st.text('"\\a', max_size=3), inner, max_size=3))))
@example('"a\\"b" 1 "c\\\\" [2]')
@example('x\\"1" "')  # a backslash before the first quote: the quote still opens a string
@example('"a\\\\\\"b" "\\')  # three backslashes escape the quote; a last string that never ends
@example('"\x00" \x00 "b"')
def test_strings_are_emptied_as_the_regular_expression_empties_them(text):
    from schemas.json_bounds import _STRINGS, strings_emptied

    assert strings_emptied(text) == _STRINGS.sub('""', text)


_HEX_AND_NUMBERS = st.lists(st.one_of(
    st.builds(lambda prefix, digits: f'"{prefix}{digits}"', st.sampled_from(["", "c-", "sha256:", "x", "£", "é"]),
              st.text("0123456789abcdefE\u0663", min_size=1, max_size=40)),
    _NUMBER_LIKE, st.sampled_from(["[", "]", "{", "}", ",", ":", " ", "£", "\u0663", "x", "_", "-", "+", "."])),
    max_size=40).map("".join)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_HEX_AND_NUMBERS)
@example('["c-904e524399beecc4", 7]')  # an id's 4e524: a letter and a hyphen before its digits
@example('["c-904e524399beecc4", 1e999]')
@example('["904e524"]')
@example('[904e524]')
@example("[-1.e+999]")
@example("[£1e999]")  # a character neither a digit nor a letter: the number starts after it
@example("[x1e999, _1e999, .1e999, +1e999, -1e999]")
@example("[\u06631e999]")
@example("[" + "7" * 19 + ".5e999]")
def test_json_within_the_bounds_by_its_bytes_alone_is_within_them_with_its_strings_emptied(text):
    """The shortcut that skips emptying the strings skips only JSON the whole check finds within the bounds."""
    from schemas.json_bounds import _plainly_within, check_bounds

    if _plainly_within(text.encode("utf-8", "surrogatepass")):
        assert _outcome(_bounds_checked_at_every_position, text) is None
    assert _outcome(check_bounds, text) == _outcome(_bounds_checked_at_every_position, text)


def test_ids_with_digits_after_an_e_are_within_the_bounds_by_their_bytes_alone():
    """Most events: their ids' hexadecimal digits (``904e524``) are no exponent of a number."""
    from schemas.json_bounds import _plainly_within

    assert _plainly_within(b'{"id": "c-904e524399beecc4", "hash": "sha256:a93e1234", "n": [1, 2.5, 1e10]}')
    assert not _plainly_within(b'{"id": "c-904e524399beecc4", "n": 1e999}')
