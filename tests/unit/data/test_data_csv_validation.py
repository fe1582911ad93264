"""Malformed CSV never loads silently: both load paths name the file, the line and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from txo.data import DataHandler
from txo.errors import HelpfulError, ValidationError
from txo.paths import Dir

UNTERMINATED = 'a,b,c\n1,"unterminated,2\n3,4\n5,6,7\n'


def write(data: DataHandler, name: str, content: str) -> Path:
    path = data.path(Dir.DATA, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8"))
    return path


PATHS = [pytest.param(False, id="rows"), pytest.param(True, id="dataframe")]


def load(data: DataHandler, name: str, as_dataframe: bool, **options: object) -> object:
    if as_dataframe:
        pytest.importorskip("pandas")
        return data.load(Dir.DATA, name, as_dataframe=True, **options)
    return data.load(Dir.DATA, name, **options)


@pytest.mark.parametrize("as_dataframe", PATHS)
def test_unterminated_quote_names_file_opening_line_and_fix(
    data: DataHandler, as_dataframe: bool
) -> None:
    path = write(data, "bad.csv", UNTERMINATED)
    with pytest.raises(ValidationError) as info:
        load(data, "bad.csv", as_dataframe)
    error = info.value
    assert isinstance(error, HelpfulError)
    assert str(path) in error.what_went_wrong
    assert "line 2" in error.what_went_wrong
    assert "never closed" in error.what_went_wrong
    assert "closing double quote" in error.how_to_fix


@pytest.mark.parametrize("as_dataframe", PATHS)
def test_short_row_is_rejected_with_counts_and_allow_ragged_hint(
    data: DataHandler, as_dataframe: bool
) -> None:
    path = write(data, "short.csv", "a,b,c\n1,2,3\n4,5\n")
    with pytest.raises(ValidationError) as info:
        load(data, "short.csv", as_dataframe)
    error = info.value
    assert str(path) in error.what_went_wrong
    assert "line 3 has 2 fields but the header (line 1) has 3" in error.what_went_wrong
    assert "allow_ragged=True" in error.how_to_fix


@pytest.mark.parametrize("as_dataframe", PATHS)
@pytest.mark.parametrize("content", ["a,b,c\n1,2,3,4\n", "a,b,c\n1,2,3\n4,5,6,7\n"])
def test_long_row_is_rejected_even_when_it_is_the_first(
    data: DataHandler, as_dataframe: bool, content: str
) -> None:
    write(data, "long.csv", content)
    with pytest.raises(ValidationError) as info:
        load(data, "long.csv", as_dataframe)
    error = info.value
    line = content.count("\n")
    assert f"line {line} has 4 fields but the header (line 1) has 3" in error.what_went_wrong
    assert "quote values that contain the delimiter" in error.how_to_fix


@pytest.mark.parametrize("as_dataframe", PATHS)
def test_quoted_newlines_count_physical_lines(data: DataHandler, as_dataframe: bool) -> None:
    write(data, "multi.csv", 'a,b\n1,"two\nlines"\n3\n')
    with pytest.raises(ValidationError, match="line 4 has 1 fields"):
        load(data, "multi.csv", as_dataframe)


def test_allow_ragged_pads_short_rows_but_never_drops_extra_values(data: DataHandler) -> None:
    write(data, "short.csv", "a,b,c\n1,2,3\n4,5\n")
    assert data.load(Dir.DATA, "short.csv", allow_ragged=True) == [
        {"a": "1", "b": "2", "c": "3"},
        {"a": "4", "b": "5", "c": ""},
    ]
    write(data, "long.csv", "a,b\n1,2,3\n")
    with pytest.raises(ValidationError, match="line 2 has 3 fields") as info:
        data.load(Dir.DATA, "long.csv", allow_ragged=True)
    assert "add column names to the header" in info.value.how_to_fix


def test_allow_ragged_dataframe_pads_with_missing_values(data: DataHandler) -> None:
    pd = pytest.importorskip("pandas")
    write(data, "short.csv", "a,b,c\n1,2,3\n4,5\n")
    frame = data.load(Dir.DATA, "short.csv", as_dataframe=True, allow_ragged=True)
    assert frame.shape == (2, 3) and pd.isna(frame["c"][1])


@pytest.mark.parametrize("as_dataframe", PATHS)
def test_blank_lines_and_nrows_are_still_fine(data: DataHandler, as_dataframe: bool) -> None:
    write(data, "ok.csv", "a,b\n1,2\n\n3,4\n5\n")
    loaded = load(data, "ok.csv", as_dataframe, nrows=2)
    rows = loaded if isinstance(loaded, list) else loaded.astype(str).to_dict("records")  # type: ignore[attr-defined]
    assert rows == [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]


def test_quote_followed_by_text_names_the_line(data: DataHandler) -> None:
    write(data, "stray.csv", 'a,b\n1,2\n"x"y,3\n')
    with pytest.raises(ValidationError) as info:
        data.load(Dir.DATA, "stray.csv")
    assert "line 3" in info.value.what_went_wrong
    assert "quote" in info.value.how_to_fix


def test_usecols_rows_are_checked_too(data: DataHandler) -> None:
    write(data, "short.csv", "a,b,c\n1,2,3\n4,5\n")
    with pytest.raises(ValidationError, match="line 3 has 2 fields"):
        data.load(Dir.DATA, "short.csv", usecols=["a"])
    assert data.load(Dir.DATA, "short.csv", usecols=["a", 2], allow_ragged=True) == [
        {"a": "1", "c": "3"},
        {"a": "4", "c": ""},
    ]


def test_header_only_and_empty_files_load_as_no_rows(data: DataHandler) -> None:
    write(data, "header.csv", "a,b\n")
    write(data, "empty.csv", "")
    assert data.load(Dir.DATA, "header.csv") == []
    assert data.load(Dir.DATA, "empty.csv") == []


@pytest.mark.parametrize("as_dataframe", PATHS)
def test_unterminated_quote_in_the_header(data: DataHandler, as_dataframe: bool) -> None:
    write(data, "head.csv", '"a,b\n1,2\n')
    with pytest.raises(ValidationError, match="row starting on line 1 is never closed"):
        load(data, "head.csv", as_dataframe)


@pytest.mark.parametrize("as_dataframe", PATHS)
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_line_ending_with_and_without_quotes(
    data: DataHandler, as_dataframe: bool, newline: str
) -> None:
    for name, body in (("plain.csv", "a,b|1,2|3,4|"), ("quoted.csv", 'a,b|"1",2|3,"4"|')):
        write(data, name, body.replace("|", newline))
        loaded = load(data, name, as_dataframe)
        rows = loaded if isinstance(loaded, list) else loaded.astype(str).to_dict("records")  # type: ignore[attr-defined]
        assert rows == [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]
        write(data, name, body.replace("|", newline) + "5" + newline)
        with pytest.raises(ValidationError, match="line 4 has 1 fields"):
            load(data, name, as_dataframe)
