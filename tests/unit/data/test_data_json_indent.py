"""The fast indented JSON writer is byte-for-byte ``json.dumps(indent=...)``."""

from __future__ import annotations

import enum
import json
from collections import OrderedDict
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

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


def test_without_the_c_accelerator_the_stdlib_writes_the_same_text() -> None:
    value = {"b": [date(2024, 2, 29), {"é": [1.5, None]}], "a": (True, "x")}
    for sort_keys in (False, True):
        for ensure_ascii in (False, True):
            expected = json.dumps(
                value, indent=3, sort_keys=sort_keys, ensure_ascii=ensure_ascii, default=_iso
            )
            fallback = indented_dumps(
                value,
                indent=3,
                sort_keys=sort_keys,
                ensure_ascii=ensure_ascii,
                default=_iso,
                make_encoder=None,
            )
            fast = indented_dumps(
                value, indent=3, sort_keys=sort_keys, ensure_ascii=ensure_ascii, default=_iso
            )
            assert fallback == fast == expected


def test_special_floats_beside_containers_and_alone() -> None:
    nan, inf = float("nan"), float("inf")
    for value in ([nan, inf, -inf, 0.0, 1.0, 2.5, [1]], nan, inf, -inf, {"x": [nan, [inf]]}):
        expected = json.dumps(value, indent=2)
        assert (
            indented_dumps(value, indent=2, sort_keys=False, ensure_ascii=False, default=_iso)
            == expected
        )


class Point(NamedTuple):
    x: int
    y: int


def test_members_that_are_only_container_subclasses_are_still_indented() -> None:
    for value in (
        [OrderedDict([("a", [1])])],
        {"p": Point(1, 2)},
        [Point(1, 2), Point(3, 4)],
        {"o": OrderedDict(b=1)},
    ):
        expected = json.dumps(value, indent=2)
        assert (
            indented_dumps(value, indent=2, sort_keys=False, ensure_ascii=False, default=_iso)
            == expected
        )


def test_a_value_shared_by_two_parents_is_not_a_cycle() -> None:
    row: dict[str, Any] = {"tags": ["a"], "n": 1}
    rows: list[Any] = [[1], {"x": 2}]
    value = {"first": row, "second": row, "lists": [rows, rows], "again": [row, row]}
    expected = json.dumps(value, indent=2)
    assert (
        indented_dumps(value, indent=2, sort_keys=False, ensure_ascii=False, default=_iso)
        == expected
    )


def test_a_cycle_through_a_dict_is_refused_with_the_stdlib_sentence() -> None:
    via_list: dict[str, Any] = {"n": 1}
    via_list["self"] = [via_list]
    only_dicts: dict[str, Any] = {"n": 1}
    only_dicts["self"] = {"again": only_dicts}
    for loop in (via_list, only_dicts):
        with pytest.raises(ValueError, match=r"^Circular reference detected$"):
            indented_dumps(loop, indent=2, sort_keys=False, ensure_ascii=False, default=_iso)
