"""What every codec's options and errors tell the user: exact sentences, fixes and examples.

The shared helpers of ``txo.data.codecs.base`` are also the API for codec authors
(``CodecRegistry.with_codec``), so some tests build their own options dataclass.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from txo.data import DataHandler
from txo.data.codecs.base import (
    NoOptions,
    OptionValueError,
    check_choice,
    check_encoding,
    check_flag,
    check_nrows,
    parse_options,
)
from txo.data.codecs.json_codec import JsonCodec, JsonSaveOptions
from txo.errors import ValidationError
from txo.paths import Dir


@dataclass(frozen=True, slots=True)
class DemoOptions:
    """A codec author's options: a choice, an encoding, a row limit, a flag and a pair rule."""

    mode: str = "fast"
    encoding: str = "utf-8"
    nrows: int | None = None
    strict: bool = False
    quote: str = '"'
    escape: str = "\\"

    def __post_init__(self) -> None:
        check_choice("mode", self.mode, ("fast", "safe", "exact"))
        check_encoding("encoding", self.encoding)
        check_nrows(self.nrows)
        check_flag("strict", self.strict)
        if self.quote == self.escape:
            raise OptionValueError(
                "escape", "must differ from quote.", "Pick another escape.", "escape='\\\\'"
            )


TARGET = Path("out") / "x.demo"


def demo(operation: str = "save", **options: object) -> DemoOptions:
    return parse_options(DemoOptions, options, codec="demo", operation=operation, target=TARGET)


def problem(operation: str = "save", **options: object) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        demo(operation, **options)
    return info.value


# --- unknown options -------------------------------------------------------------


def test_unknown_options_are_listed_sorted_with_the_known_ones(data: DataHandler) -> None:
    target = data.path(Dir.OUTPUT, "x.json")
    with pytest.raises(ValidationError) as info:
        data.save({}, Dir.OUTPUT, "x.json", indnet=4, colour="red")
    error = info.value
    assert error.what_went_wrong == (
        f"Unknown option(s) colour, indnet for save of {target} (json file)."
    )
    assert error.how_to_fix == (
        "Use only the options the json codec knows for save: "
        "indent, compact, sort_keys, ensure_ascii, encoding."
    )
    assert error.example == "data.save(value, Dir.OUTPUT, 'x.json', indent=...)"
    assert error.field == "options"
    assert not data.exists(Dir.OUTPUT, "x.json")


def test_unknown_load_option_example_loads_without_a_value(data: DataHandler) -> None:
    data.save([1], Dir.OUTPUT, "x.json")
    source = data.path(Dir.OUTPUT, "x.json")
    with pytest.raises(ValidationError) as info:
        data.load(Dir.OUTPUT, "x.json", indent=2)
    error = info.value
    assert error.what_went_wrong == (f"Unknown option(s) indent for load of {source} (json file).")
    assert error.how_to_fix == (
        "Use only the options the json codec knows for load: parse_decimal, encoding."
    )
    assert error.example == "data.load(Dir.OUTPUT, 'x.json', parse_decimal=...)"


def test_an_operation_without_options_says_none_and_shows_a_plain_call() -> None:
    with pytest.raises(ValidationError) as info:
        parse_options(
            NoOptions, {"encoding": "utf-8"}, codec="demo", operation="load", target=TARGET
        )
    assert info.value.how_to_fix == "Use only the options the demo codec knows for load: (none)."
    assert info.value.example == "data.load(Dir.OUTPUT, 'x.demo')"
    with pytest.raises(ValidationError) as save:
        parse_options(NoOptions, {"level": 1}, codec="demo", operation="save", target=TARGET)
    assert save.value.example == "data.save(value, Dir.OUTPUT, 'x.demo')"


# --- bad values ------------------------------------------------------------------


def test_a_bad_value_is_shown_with_its_problem_fix_and_a_corrected_call() -> None:
    error = problem(mode="slow")
    assert error.what_went_wrong == (
        f"Option mode='slow' for save of {TARGET}: must be one of 'fast', 'safe', 'exact'."
    )
    assert error.how_to_fix == "Set mode to one of 'fast', 'safe', 'exact'."
    assert error.example == "data.save(value, Dir.OUTPUT, 'x.demo', mode='exact')"
    assert error.field == "mode"
    assert problem("load", mode=None).example == ("data.load(Dir.OUTPUT, 'x.demo', mode='exact')")


def test_an_option_broken_by_another_one_is_shown_as_default() -> None:
    error = problem(quote="\\")
    assert error.what_went_wrong == (
        f"Option escape=(default) for save of {TARGET}: must differ from quote."
    )
    assert error.field == "escape"
    assert error.example == "data.save(value, Dir.OUTPUT, 'x.demo', escape='\\\\')"
    assert problem(quote="'", escape="'").what_went_wrong.startswith('Option escape="\'" for')


def test_good_values_pass_through() -> None:
    options = demo(mode="safe", encoding="cp1252", nrows=0, strict=True)
    assert options == DemoOptions(mode="safe", encoding="cp1252", nrows=0, strict=True)


@pytest.mark.parametrize("value", ["klingon", "base64", "rot13", "hex", "zlib", 8, None, ""])
def test_encoding_must_be_a_text_encoding(value: object) -> None:
    error = problem(encoding=value)
    assert error.what_went_wrong == (
        f"Option encoding={value!r} for save of {TARGET}: is not a known text encoding."
    )
    assert error.how_to_fix == "Use a Python codec name such as 'utf-8', 'utf-16' or 'cp1252'."
    assert error.example == "data.save(value, Dir.OUTPUT, 'x.demo', encoding='utf-8')"
    assert error.field == "encoding"


@pytest.mark.parametrize("value", [-1, True, "3", 1.5])
def test_nrows_must_be_none_or_a_non_negative_int(value: object) -> None:
    error = problem("load", nrows=value)
    assert error.what_went_wrong == (
        f"Option nrows={value!r} for load of {TARGET}: must be None or an int >= 0."
    )
    assert error.how_to_fix == "Pass how many data rows to read."
    assert error.example == "data.load(Dir.OUTPUT, 'x.demo', nrows=100)"
    assert error.field == "nrows"


@pytest.mark.parametrize("value", ["no", "false", 1, 0, None])
def test_flags_must_be_real_booleans(value: object) -> None:
    error = problem(strict=value)
    assert error.what_went_wrong == (
        f"Option strict={value!r} for save of {TARGET}: must be True or False."
    )
    assert error.how_to_fix == "Set strict=True or strict=False (a bool, not a string or number)."
    assert error.example == "data.save(value, Dir.OUTPUT, 'x.demo', strict=True)"


def test_options_built_directly_raise_a_readable_value_error() -> None:
    with pytest.raises(OptionValueError) as info:
        JsonSaveOptions(indent=-1)
    assert str(info.value) == "must be None or an int >= 0."
    assert (info.value.option, info.value.suggestion) == ("indent", "indent=2")
    assert isinstance(info.value, ValueError)


# --- wrong types, encoding and decoding -------------------------------------------


def test_wrong_type_names_the_type_the_extension_and_what_it_accepts(data: DataHandler) -> None:
    target = data.path(Dir.OUTPUT, "x.json")
    with pytest.raises(ValidationError) as info:
        data.save(42, Dir.OUTPUT, "x.json")
    error = info.value
    assert error.what_went_wrong == (
        f"Cannot save a value of type int to {target}: "
        ".json files (json) accept dict, list, tuple, str (JSON text)."
    )
    assert error.how_to_fix == (
        "Pass one of: dict, list, tuple, str (JSON text); "
        "or choose a file name whose extension fits the data."
    )
    assert error.example == "data.save({'id': 1}, Dir.OUTPUT, 'x.json')"
    assert error.field == "data"


def test_wrong_type_for_a_name_without_extension_says_these_files() -> None:
    with pytest.raises(ValidationError) as info:
        JsonCodec().encoder(3.5, Path("out") / "export")
    assert info.value.what_went_wrong == (
        f"Cannot save a value of type float to {Path('out') / 'export'}: "
        "these files (json) accept dict, list, tuple, str (JSON text)."
    )


@pytest.mark.parametrize("value", [{"price": "9.99 €"}, '{"price":"9.99 €"}'])
def test_unencodable_text_names_file_encoding_character_and_fix(
    data: DataHandler, value: object
) -> None:
    target = data.path(Dir.OUTPUT, "x.json")
    with pytest.raises(ValidationError) as info:
        data.save(value, Dir.OUTPUT, "x.json", encoding="latin-1", compact=True)
    error = info.value
    assert error.what_went_wrong == (
        f"Cannot encode the data for {target} as latin-1: "
        "ordinal not in range(256) at character 15."
    )
    assert error.how_to_fix == (
        "Use an encoding that has these characters (utf-8, the default, has all but lone "
        "surrogates), or remove them from the data."
    )
    assert error.example == "data.save(value, Dir.OUTPUT, 'x.json', encoding='utf-8')"
    assert error.field == "data"
    assert not data.exists(Dir.OUTPUT, "x.json")


def test_undecodable_file_names_the_byte_and_suggests_an_encoding(data: DataHandler) -> None:
    data.save('["é"]', Dir.DATA, "latin.json", encoding="latin-1")
    source = data.path(Dir.DATA, "latin.json")
    with pytest.raises(ValidationError) as info:
        data.load(Dir.DATA, "latin.json", encoding="utf-8")
    error = info.value
    assert error.what_went_wrong == (
        f"{source} is not valid utf-8 text: invalid continuation byte at byte 2."
    )
    assert error.how_to_fix == "Pass the encoding the file was written with."
    assert error.example == "data.load(Dir.DATA, 'latin.json', encoding='cp1252')"
    assert error.field == "encoding"
