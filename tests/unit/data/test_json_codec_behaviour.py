"""The JSON codec's settings, exact error sentences and what it writes to disk."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from tests.unit.data.refusals import save_error
from txo.compat.runtime import CompatRuntime
from txo.data import DataHandler
from txo.errors import ValidationError
from txo.paths import Dir

# --- indent and the flags ----------------------------------------------------------


def test_indent_zero_puts_every_member_on_its_own_line(data: DataHandler) -> None:
    value = {"a": [1, {"b": None}], "c": "d"}
    path = data.save(value, Dir.OUTPUT, "x.json", indent=0)
    assert path.read_text() == json.dumps(value, indent=0)
    assert path.read_text().startswith('{\n"a": [\n1,\n{\n"b": null\n}\n],\n"c": "d"\n}')


@pytest.mark.parametrize("indent", [-1, True, False, "2", 2.5])
def test_indent_must_be_none_or_a_non_negative_int(data: DataHandler, indent: object) -> None:
    error = save_error(data, {"a": [1]}, "x.json", indent=indent)
    target = data.path(Dir.OUTPUT, "x.json")
    assert error.what_went_wrong == (
        f"Option indent={indent!r} for save of {target}: must be None or an int >= 0."
    )
    assert error.how_to_fix == "Use indent=2 or compact=True."
    assert error.example == "data.save(value, Dir.OUTPUT, 'x.json', indent=2)"
    assert error.field == "indent"


@pytest.mark.parametrize("option", ["compact", "sort_keys", "ensure_ascii"])
@pytest.mark.parametrize("value", ["no", "false", 0, None])
def test_save_flags_refuse_strings_and_numbers(
    data: DataHandler, option: str, value: object
) -> None:
    error = save_error(data, {"a": 1}, "x.json", **{option: value})
    assert error.what_went_wrong.endswith(
        f"Option {option}={value!r} for save of "
        f"{data.path(Dir.OUTPUT, 'x.json')}: must be True or False."
    )
    assert error.field == option


def test_parse_decimal_refuses_a_string(data: DataHandler) -> None:
    data.save([1.5], Dir.OUTPUT, "x.json")
    with pytest.raises(ValidationError) as info:
        data.load(Dir.OUTPUT, "x.json", parse_decimal="yes")
    assert info.value.field == "parse_decimal"
    assert "must be True or False." in info.value.what_went_wrong


def test_sort_keys_and_ensure_ascii_apply_to_indented_output(data: DataHandler) -> None:
    value = {"b": "é", "a": [1, {"d": 1, "c": "ü"}]}
    path = data.save(value, Dir.OUTPUT, "x.json", sort_keys=True, ensure_ascii=True)
    assert path.read_text() == json.dumps(value, indent=2, sort_keys=True, ensure_ascii=True)
    assert '"a": [' in path.read_text().split("\n")[1]


def test_compact_and_unindented_output_keep_non_ascii_by_default(data: DataHandler) -> None:
    value = {"b": "é", "a": [1]}
    assert (
        data.save(value, Dir.OUTPUT, "x.json", compact=True).read_text(encoding="utf-8")
        == '{"b":"é","a":[1]}'
    )
    assert (
        data.save(value, Dir.OUTPUT, "x.json", indent=None).read_text(encoding="utf-8")
        == '{"b": "é", "a": [1]}'
    )


@pytest.mark.parametrize("options", [{}, {"compact": True}])
def test_text_that_looks_like_a_placeholder_is_written_unchanged(
    data: DataHandler, options: dict[str, bool]
) -> None:
    value = {
        "a": "None0",
        "b": "txo-dec-0",
        "c": "txo-nested-0",
        "d": Decimal("1.50"),
        "e": {"f": "None1", "g": [Decimal("2.0")]},
    }
    path = data.save(value, Dir.OUTPUT, "x.json", **options)
    assert data.load(Dir.OUTPUT, "x.json", parse_decimal=True) == value
    assert "1.50" in path.read_text()


@pytest.mark.parametrize("encoding", ["base64", "klingon"])
def test_load_encoding_is_checked_before_reading(data: DataHandler, encoding: str) -> None:
    data.save([1], Dir.OUTPUT, "x.json")
    with pytest.raises(ValidationError) as info:
        data.load(Dir.OUTPUT, "x.json", encoding=encoding)
    assert info.value.what_went_wrong == (
        f"Option encoding={encoding!r} for load of {data.path(Dir.OUTPUT, 'x.json')}: "
        "is not a known text encoding."
    )
    assert info.value.example == "data.load(Dir.OUTPUT, 'x.json', encoding='utf-8')"
    assert info.value.field == "encoding"


def test_save_encoding_is_checked_before_writing(data: DataHandler) -> None:
    error = save_error(data, {"a": 1}, "x.json", encoding="rot13")
    assert error.field == "encoding"
    assert error.example == "data.save(value, Dir.OUTPUT, 'x.json', encoding='utf-8')"


# --- values JSON cannot hold ---------------------------------------------------------

_FIX = (
    "Convert the value to dict/list/str/int/float/bool/None (Decimal and "
    "datetime/date/time are converted for you); NaN decimals and cycles are not allowed."
)
_EXAMPLE = "data.save({'amount': Decimal('9.99'), 'when': datetime.now()}, Dir.OUTPUT, 'x.json')"


def test_a_cycle_is_explained_with_fix_and_example(data: DataHandler) -> None:
    cycle: dict[str, object] = {"rows": []}
    cycle["rows"] = [cycle]
    error = save_error(data, cycle, "x.json")
    target = data.path(Dir.OUTPUT, "x.json")
    assert error.what_went_wrong == (f"Cannot write {target} as JSON: Circular reference detected.")
    assert error.how_to_fix == _FIX
    assert error.example == _EXAMPLE
    assert error.field == "data"


@pytest.mark.parametrize("options", [{}, {"compact": True}])
def test_an_unknown_type_is_named(data: DataHandler, options: dict[str, bool]) -> None:
    error = save_error(data, {"when": {1, 2}}, "x.json", **options)
    assert error.what_went_wrong == (
        f"Cannot write {data.path(Dir.OUTPUT, 'x.json')} as JSON: "
        "Object of type set is not JSON serializable."
    )


def test_bad_json_text_shows_a_valid_example(data: DataHandler) -> None:
    error = save_error(data, "[1, 2,]", "x.json")
    assert error.example == '{"key": "value", "items": [1, 2, 3]}'
    assert error.how_to_fix.endswith("(`python -m json.tool x.json` shows the spot).")


def test_legacy_save_json_keeps_taking_any_truthy_flag(compat_runtime: CompatRuntime) -> None:
    from txo.compat.v21._impl.load_n_save import TxoDataHandler

    flags: dict[str, Any] = {"compact": 1, "sort_keys": "yes", "ensure_ascii": None}
    path = TxoDataHandler.save_json({"b": 1, "a": "é"}, "output", "x.json", **flags)
    assert path.read_text(encoding="utf-8") == '{"a":"é","b":1}'
