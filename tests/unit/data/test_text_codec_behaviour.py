"""Text files: each mistake with an option or a value is explained with the file's name, the
operation, the options the codec knows and a call that works; line endings are exact."""

from __future__ import annotations

import pytest

from tests.unit.data.refusals import explained
from txo.data import DataHandler
from txo.errors import ValidationError
from txo.paths import Dir


def test_an_unknown_save_option_lists_the_known_ones(data: DataHandler) -> None:
    with pytest.raises(ValidationError) as info:
        data.save("x", Dir.OUTPUT, "notes.txt", newline="\n")
    path = data.path(Dir.OUTPUT, "notes.txt")
    assert explained(info.value) == (
        f"Unknown option(s) newline for save of {path} (text file).",
        "Use only the options the text codec knows for save: "
        "encoding, ensure_newline, line_ending.",
        "data.save(value, Dir.OUTPUT, 'notes.txt', encoding=...)",
        "options",
    )
    assert not path.exists()


def test_an_unknown_load_option_lists_the_known_ones(data: DataHandler) -> None:
    path = data.save("x", Dir.OUTPUT, "notes.txt")
    with pytest.raises(ValidationError) as info:
        data.load(Dir.OUTPUT, "notes.txt", line_ending="unix")
    assert explained(info.value) == (
        f"Unknown option(s) line_ending for load of {path} (text file).",
        "Use only the options the text codec knows for load: encoding.",
        "data.load(Dir.OUTPUT, 'notes.txt', encoding=...)",
        "options",
    )


def test_an_unknown_save_encoding_is_named(data: DataHandler) -> None:
    with pytest.raises(ValidationError) as info:
        data.save("x", Dir.OUTPUT, "notes.txt", encoding="klingon")
    path = data.path(Dir.OUTPUT, "notes.txt")
    assert explained(info.value) == (
        f"Option encoding='klingon' for save of {path}: is not a known text encoding.",
        "Use a Python codec name such as 'utf-8', 'utf-16' or 'cp1252'.",
        "data.save(value, Dir.OUTPUT, 'notes.txt', encoding='utf-8')",
        "encoding",
    )


def test_an_unknown_load_encoding_is_named(data: DataHandler) -> None:
    path = data.save("x", Dir.OUTPUT, "notes.txt")
    with pytest.raises(ValidationError) as info:
        data.load(Dir.OUTPUT, "notes.txt", encoding=8)
    assert explained(info.value) == (
        f"Option encoding=8 for load of {path}: is not a known text encoding.",
        "Use a Python codec name such as 'utf-8', 'utf-16' or 'cp1252'.",
        "data.load(Dir.OUTPUT, 'notes.txt', encoding='utf-8')",
        "encoding",
    )


def test_a_value_that_is_not_text_is_refused_before_the_file_is_touched(
    data: DataHandler,
) -> None:
    path = data.save("old", Dir.OUTPUT, "notes.md")
    with pytest.raises(ValidationError) as info:
        data.save(b"bytes", Dir.OUTPUT, "notes.md")
    assert explained(info.value) == (
        f"Cannot save a value of type bytes to {path}: .md files (text) accept str.",
        "Pass one of: str; or choose a file name whose extension fits the data.",
        "data.save('hello\\n', Dir.OUTPUT, 'notes.md')",
        "data",
    )
    assert path.read_text(encoding="utf-8") == "old"


@pytest.mark.parametrize(
    ("line_ending", "expected"),
    [("unix", b"a\nb\nc\n"), ("windows", b"a\r\nb\r\nc\r\n"), (None, b"a\r\nb\nc\n")],
)
def test_line_endings_are_normalised_only_when_asked(
    data: DataHandler, line_ending: str | None, expected: bytes
) -> None:
    path = data.save("a\r\nb\nc\n", Dir.OUTPUT, "x.txt", line_ending=line_ending)
    assert path.read_bytes() == expected
