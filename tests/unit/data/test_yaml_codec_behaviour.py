"""What a user sees from the YAML codec: the layout options, the encodings a file can be
saved in and read back, and every error's sentence, fix and example."""

from __future__ import annotations

import codecs
import importlib
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.unit.data.refusals import data_file, save_error
from txo.data import CodecRegistry, DataHandler
from txo.errors import DependencyMissingError, ValidationError
from txo.paths import Dir, ProjectPaths

pytest.importorskip("yaml")

FIX_TAIL = "(indentation and ':' after keys are the usual culprits)."
EXAMPLE = "key: value\nitems:\n  - 1\n  - 2"
# --- layout -----------------------------------------------------------------------


def test_indent_sets_the_nesting_width(data: DataHandler) -> None:
    path = data.save({"a": {"b": [1]}}, Dir.OUTPUT, "x.yaml", indent=4)
    assert path.read_text(encoding="utf-8") == "a:\n    b:\n    - 1\n"
    default = data.save({"a": {"b": [1]}}, Dir.OUTPUT, "y.yaml")
    assert default.read_text(encoding="utf-8") == "a:\n  b:\n  - 1\n"


def test_yaml_text_is_written_as_given(data: DataHandler) -> None:
    text = "# kept comment\nb: 1\na:   [2, 3]\n"
    path = data.save(text, Dir.OUTPUT, "x.yaml")
    assert path.read_text(encoding="utf-8") == text
    assert data.load(Dir.OUTPUT, "x.yaml") == {"b": 1, "a": [2, 3]}


# --- encodings --------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "UTF8", "utf-8-sig", "utf-16", "utf-16-le"])
@pytest.mark.parametrize("value", [{"name": "Łódź", "items": ["é", 1]}, "name: Łódź\n"])
def test_every_allowed_encoding_loads_back_unchanged(
    data: DataHandler, encoding: str, value: Any
) -> None:
    data.save(value, Dir.OUTPUT, "x.yaml", encoding=encoding)
    expected = {"name": "Łódź"} if isinstance(value, str) else value
    assert data.load(Dir.OUTPUT, "x.yaml") == expected


@pytest.mark.parametrize(
    ("encoding", "bom", "codec"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8-sig", codecs.BOM_UTF8, "utf-8"),
        ("utf-16", codecs.BOM_UTF16_LE, "utf-16-le"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16-le"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_the_bytes_are_one_byte_order_mark_then_the_text(
    data: DataHandler, encoding: str, bom: bytes, codec: str
) -> None:
    dumped = data.save({"a": "é"}, Dir.OUTPUT, "d.yaml", encoding=encoding)
    assert dumped.read_bytes() == bom + "a: é\n".encode(codec)
    text = data.save("a: é\n", Dir.OUTPUT, "t.yaml", encoding=encoding)
    assert text.read_bytes() == bom + "a: é\n".encode(codec)
    again = data.save("\ufeffa: é\n", Dir.OUTPUT, "b.yaml", encoding=encoding)
    assert again.read_bytes() == (bom or codecs.BOM_UTF8) + "a: é\n".encode(codec)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-32", "ascii"])
def test_an_encoding_yaml_readers_cannot_read_is_refused(data: DataHandler, encoding: str) -> None:
    error = save_error(data, {"a": "é"}, "x.yaml", encoding=encoding)
    target = data.path(Dir.OUTPUT, "x.yaml")
    assert error.what_went_wrong == (
        f"Option encoding={encoding!r} for save of {target}: is not an encoding of YAML files "
        "(UTF-8 or UTF-16)."
    )
    assert error.how_to_fix == (
        "Use 'utf-8' (the default) or 'utf-16': YAML readers, txo's own load too, "
        "read no other encoding."
    )
    assert error.example == "data.save(value, Dir.OUTPUT, 'x.yaml', encoding='utf-8')"
    assert error.field == "encoding"


def test_an_unknown_encoding_is_refused(data: DataHandler) -> None:
    error = save_error(data, {"a": 1}, "x.yaml", encoding="no-such-codec")
    target = data.path(Dir.OUTPUT, "x.yaml")
    assert error.what_went_wrong == (
        f"Option encoding='no-such-codec' for save of {target}: is not a known text encoding."
    )
    assert error.field == "encoding"


# --- errors -----------------------------------------------------------------------


def test_a_value_yaml_cannot_hold_names_the_file_and_the_fix(data: DataHandler) -> None:
    error = save_error(data, {"x": Decimal("1.5")}, "x.yaml")
    target = data.path(Dir.OUTPUT, "x.yaml")
    assert error.what_went_wrong == (
        f"Cannot write {target} as YAML: ('cannot represent an object', Decimal('1.5'))."
    )
    assert error.how_to_fix == (
        "Use only dict/list/str/int/float/bool/None/date/datetime values "
        "(convert Decimal to str or float first)."
    )
    assert error.example == "data.save({'amount': str(Decimal('9.99'))}, Dir.OUTPUT, 'x.yaml')"
    assert error.field == "data"


def test_invalid_yaml_text_is_refused_with_its_line_and_column(data: DataHandler) -> None:
    error = save_error(data, "a: 1\n  b: 2\n", "x.yaml")
    target = data.path(Dir.OUTPUT, "x.yaml")
    assert error.what_went_wrong == (
        f"Invalid YAML in {target} at line 2, column 4: mapping values are not allowed here."
    )
    assert error.how_to_fix == f"Fix the YAML at line 2, column 4 {FIX_TAIL}"
    assert error.example == EXAMPLE
    assert error.field == "yaml_content"


def test_a_file_with_a_character_yaml_forbids_has_no_line_to_name(data: DataHandler) -> None:
    path = data_file(data, "x.yaml", b"a: \x00\n")
    with pytest.raises(ValidationError) as info:
        data.load(Dir.DATA, "x.yaml")
    error = info.value
    assert error.what_went_wrong == (
        f"Invalid YAML in {path}: unacceptable character #x0000: special characters are not "
        'allowed\n  in "<byte string>", position 3.'
    )
    assert error.how_to_fix == f"Fix the YAML {FIX_TAIL}"
    assert error.field == "yaml_content"


def test_an_unsafe_tag_is_refused_at_its_line(data: DataHandler) -> None:
    path = data_file(data, "evil.yaml", b"ok: 1\nkey: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(ValidationError) as info:
        data.load(Dir.DATA, "evil.yaml")
    assert info.value.what_went_wrong.startswith(
        f"Invalid YAML in {path} at line 2, column 6: could not determine a constructor "
    )


def test_wrong_types_and_unknown_options_name_the_yaml_codec(data: DataHandler) -> None:
    target = data.path(Dir.OUTPUT, "x.yaml")
    error = save_error(data, 42, "x.yaml")
    assert error.what_went_wrong == (
        f"Cannot save a value of type int to {target}: .yaml files (yaml) accept "
        "dict, list, tuple, str (YAML text)."
    )
    assert error.example == "data.save({'id': 1}, Dir.OUTPUT, 'x.yaml')"
    error = save_error(data, {"a": 1}, "x.yaml", indentation=2)
    assert error.what_went_wrong == (
        f"Unknown option(s) indentation for save of {target} (yaml file)."
    )
    assert error.how_to_fix == (
        "Use only the options the yaml codec knows for save: "
        "default_flow_style, sort_keys, allow_unicode, indent, encoding."
    )
    data.save({"a": 1}, Dir.OUTPUT, "x.yaml")
    with pytest.raises(ValidationError) as info:
        data.load(Dir.OUTPUT, "x.yaml", encoding="utf-8")
    assert info.value.what_went_wrong == (
        f"Unknown option(s) encoding for load of {target} (yaml file)."
    )
    assert info.value.how_to_fix == "Use only the options the yaml codec knows for load: (none)."


def test_without_pyyaml_the_error_names_the_feature_and_the_extra(tmp_path: Path) -> None:
    def import_module(name: str) -> ModuleType:
        if name.split(".")[0] == "yaml":
            raise ModuleNotFoundError(f"No module named {name!r}")
        return importlib.import_module(name)

    registry = CodecRegistry.default(import_module=import_module)
    data = DataHandler(ProjectPaths(tmp_path), codecs=registry)
    with pytest.raises(DependencyMissingError) as info:
        data.save({"a": 1}, Dir.OUTPUT, "x.yaml")
    assert info.value.what_went_wrong == (
        "Reading and writing YAML needs the optional package 'yaml', which is not installed."
    )
    assert info.value.how_to_fix == "Install it: pip install 'txo[yaml]'"
