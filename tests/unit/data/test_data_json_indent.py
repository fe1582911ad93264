"""The fast indented JSON writer is byte-for-byte ``json.dumps(indent=...)``."""

from __future__ import annotations

import enum
import json
from collections import OrderedDict
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from txo.data.codecs.json_codec import JsonSaveOptions, dumps
from txo.data.codecs.json_indent import indented_dumps

_keys = st.text(max_size=6) | st.integers(-5, 5) | st.booleans() | st.none() | st.floats()
_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | st.dates()
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(_keys, inner, max_size=4)
    ),
    max_leaves=20,
)


def _iso(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


@settings(max_examples=400, deadline=None)
@given(
    value=_values,
    indent=st.integers(0, 4),
    sort_keys=st.booleans(),
    ensure_ascii=st.booleans(),
)
def test_same_text_as_the_stdlib(
    value: Any, indent: int, sort_keys: bool, ensure_ascii: bool
) -> None:
    try:
        expected = json.dumps(
            value, indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii, default=_iso
        )
    except TypeError:  # e.g. sort_keys over keys of mixed types: we must raise as well
        with pytest.raises(TypeError):
            indented_dumps(
                value, indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii, default=_iso
            )
        return
    actual = indented_dumps(
        value, indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii, default=_iso
    )
    assert actual == expected


def test_rows_decimals_and_nesting() -> None:
    rows = [
        {"id": i, "amount": Decimal("0.10"), "tags": ["a", {"b": []}], "x": {}} for i in range(3)
    ]
    text = dumps({"rows": rows, "empty": [], "t": (1, 2)})
    assert json.loads(text)["rows"][2]["id"] == 2
    assert '"amount": 0.10' in text
    plain = {"rows": [{**r, "amount": 0.1} for r in rows], "empty": [], "t": [1, 2]}
    assert text.replace("0.10", "0.1") == json.dumps(plain, indent=2, ensure_ascii=False)


def test_cycles_and_bad_keys_fail_like_the_stdlib() -> None:
    loop: list[Any] = [1]
    loop.append([loop])
    with pytest.raises(ValueError, match="Circular reference"):
        dumps(loop)
    with pytest.raises(TypeError, match="keys must be str"):
        dumps({"a": {(1, 2): 1}, "b": [[1]]})
    with pytest.raises(TypeError, match="keys must be str"):
        dumps([{(1, 2): [1]}])
    assert dumps([1], JsonSaveOptions(compact=True)) == "[1]"
    assert dumps([1, [2]], JsonSaveOptions(indent=None)) == "[1, [2]]"


class Colour(enum.IntEnum):
    RED = 1


class Name(enum.StrEnum):
    A = "a\u00e9"


def test_subclasses_and_special_floats_match_the_stdlib() -> None:
    value = {
        "enums": [Colour.RED, Name.A, {"c": Colour.RED, "n": Name.A}],
        "ordered": OrderedDict([("b", [1]), ("a", {"x": float("nan")})]),
        "floats": [float("inf"), -float("inf"), 1e16, -0.0, {"deep": [[]]}],
        Colour.RED: {1.5: [True, None], None: {"z": False}},
    }
    for ensure_ascii in (False, True):
        expected = json.dumps(value, indent=2, ensure_ascii=ensure_ascii)
        actual = indented_dumps(
            value, indent=2, sort_keys=False, ensure_ascii=ensure_ascii, default=_iso
        )
        assert actual == expected
