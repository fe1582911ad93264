"""CSV save and load options, as a user sees them: the bytes written, the values read back
and the exact sentences of every option and data error (what went wrong, fix, example)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.unit.data.refusals import data_file, load_error, save_error
from txo.data import DataHandler
from txo.data.codecs.csv_codec import CsvCodec
from txo.errors import DependencyMissingError
from txo.paths import Dir

PATHS = [pytest.param(False, id="rows"), pytest.param(True, id="dataframe")]


def frame(rows: list[dict[str, Any]]) -> Any:
    pd = pytest.importorskip("pandas")
    return pd.DataFrame(rows)


# --- option errors ------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";;", "", 5])
def test_delimiter_must_be_one_character_on_save_and_load(
    data: DataHandler, delimiter: object
) -> None:
    target = data.path(Dir.OUTPUT, "x.csv")
    error = save_error(data, [{"a": 1}], "x.csv", delimiter=delimiter)
    assert error.what_went_wrong == (
        f"Option delimiter={delimiter!r} for save of {target}: must be a single character."
    )
    assert error.how_to_fix == "Use one character, e.g. ',' ';' or a tab."
    assert error.example == "data.save(value, Dir.OUTPUT, 'x.csv', delimiter=';')"
    assert error.field == "delimiter"
    source = data_file(data, "in.csv", b"a\n1\n")
    error = load_error(data, "in.csv", delimiter=delimiter)
    assert error.what_went_wrong == (
        f"Option delimiter={delimiter!r} for load of {source}: must be a single character."
    )
    assert error.example == "data.load(Dir.OUTPUT, 'in.csv', delimiter=';')"


def test_unknown_encoding_is_named_on_save_and_load(data: DataHandler) -> None:
    target = data.path(Dir.OUTPUT, "x.csv")
    error = save_error(data, [{"a": 1}], "x.csv", encoding="klingon")
    assert error.what_went_wrong == (
        f"Option encoding='klingon' for save of {target}: is not a known text encoding."
    )
    assert error.field == "encoding"
    assert error.example == "data.save(value, Dir.OUTPUT, 'x.csv', encoding='utf-8')"
    source = data_file(data, "in.csv", b"a\n1\n")
    error = load_error(data, "in.csv", encoding="klingon")
    assert error.what_went_wrong == (
        f"Option encoding='klingon' for load of {source}: is not a known text encoding."
    )
    assert error.field == "encoding"


def test_negative_nrows_is_refused(data: DataHandler) -> None:
    source = data_file(data, "in.csv", b"a\n1\n")
    error = load_error(data, "in.csv", nrows=-1)
    assert error.what_went_wrong == (
        f"Option nrows=-1 for load of {source}: must be None or an int >= 0."
    )
    assert error.field == "nrows"


def test_unknown_options_list_what_csv_knows(data: DataHandler) -> None:
    target = data.path(Dir.OUTPUT, "x.csv")
    error = save_error(data, [{"a": 1}], "x.csv", sheet="x")
    assert error.what_went_wrong == f"Unknown option(s) sheet for save of {target} (csv file)."
    assert error.how_to_fix == (
        "Use only the options the csv codec knows for save: "
        "delimiter, encoding, index, fieldnames, lineterminator."
    )
    source = data_file(data, "in.csv", b"a\n1\n")
    error = load_error(data, "in.csv", sheet="x")
    assert error.what_went_wrong == f"Unknown option(s) sheet for load of {source} (csv file)."
    assert error.how_to_fix == (
        "Use only the options the csv codec knows for load: "
        "delimiter, encoding, usecols, nrows, as_dataframe, dtype, allow_ragged."
    )


# --- data errors on save -------------------------------------------------------------


def test_a_value_that_is_not_rows_is_refused_with_what_csv_accepts(data: DataHandler) -> None:
    target = data.path(Dir.OUTPUT, "x.csv")
    error = save_error(data, {"a": 1}, "x.csv")
    assert error.what_went_wrong == (
        f"Cannot save a value of type dict to {target}: .csv files (csv) accept "
        "list of dicts, tuple of dicts, pandas DataFrame."
    )
    assert error.example == "data.save([{'id': 1}], Dir.OUTPUT, 'x.csv')"


def test_a_row_that_is_not_a_dict_is_named_by_position(data: DataHandler) -> None:
    target = data.path(Dir.OUTPUT, "x.csv")
    error = save_error(data, ({"a": 1}, ("not", "a", "dict")), "x.csv")
    assert error.what_went_wrong == f"Cannot save to {target}: row 1 is a tuple, not a dict."
    assert error.how_to_fix == (
        "Make every row a dict of column -> value "
        "(list of dicts, tuple of dicts, pandas DataFrame are accepted)."
    )
    assert error.example == (
        "data.save([{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'b'}], Dir.OUTPUT, 'x.csv')"
    )
    assert error.field == "data"


def test_a_key_outside_fieldnames_is_explained(data: DataHandler) -> None:
    target = data.path(Dir.OUTPUT, "x.csv")
    error = save_error(data, [{"a": 1, "b": 2}], "x.csv", fieldnames=["a"])
    assert error.what_went_wrong == (
        f"Cannot write the rows to {target}: dict contains fields not in fieldnames: 'b'."
    )
    assert error.how_to_fix == (
        "Give every row only keys that are in fieldnames (or leave fieldnames out)."
    )
    assert error.example == "data.save(rows, Dir.OUTPUT, 'x.csv', fieldnames=['id', 'name'])"
    assert error.field == "data"
    assert not target.exists()


@pytest.mark.parametrize("as_frame", [False, True])
def test_a_character_the_encoding_lacks_is_named_with_the_file(
    data: DataHandler, as_frame: bool
) -> None:
    rows = [{"price": "5 €"}]
    target = data.path(Dir.OUTPUT, "x.csv")
    error = save_error(data, frame(rows) if as_frame else rows, "x.csv", encoding="latin-1")
    assert error.what_went_wrong == (
        f"Cannot encode the data for {target} as latin-1: ordinal not in range(256)."
    )
    assert error.example == "data.save(rows, Dir.OUTPUT, 'x.csv', encoding='utf-8')"
    assert error.field == "data"


# --- what is written ---------------------------------------------------------------


@pytest.mark.parametrize("as_frame", [False, True])
def test_save_writes_the_encoding_delimiter_and_line_ending_asked_for(
    data: DataHandler, as_frame: bool
) -> None:
    rows = [{"name": "José", "n": 1}]
    value = frame(rows) if as_frame else rows
    path = data.save(value, Dir.OUTPUT, "x.csv", encoding="latin-1", lineterminator="\n")
    assert path.read_bytes() == "name,n\nJosé,1\n".encode("latin-1")
    path = data.save(value, Dir.OUTPUT, "x.tsv")
    assert path.read_bytes() == "name\tn\r\nJosé\t1\r\n".encode()


def test_dataframe_index_is_written_only_when_asked(data: DataHandler) -> None:
    value = frame([{"n": 1}, {"n": 2}])
    assert data.save(value, Dir.OUTPUT, "x.csv").read_bytes() == b"n\r\n1\r\n2\r\n"
    written = data.save(value, Dir.OUTPUT, "x.csv", index=True).read_bytes()
    assert written == b",n\r\n0,1\r\n1,2\r\n"


# --- load ------------------------------------------------------------------------------


@pytest.mark.parametrize("as_dataframe", [False, True])
def test_a_file_in_another_encoding_says_which_encoding_to_pass(
    data: DataHandler, as_dataframe: bool
) -> None:
    if as_dataframe:
        pytest.importorskip("pandas")
    source = data_file(data, "latin.csv", "name\nJosé\n".encode("latin-1"))
    error = load_error(data, "latin.csv", as_dataframe=as_dataframe)
    assert error.what_went_wrong == (
        f"{source} is not valid utf-8-sig text: invalid continuation byte at byte 8."
    )
    assert error.how_to_fix == "Pass the encoding the file was written with."
    assert error.example == "data.load(Dir.DATA, 'latin.csv', encoding='cp1252')"
    assert error.field == "encoding"


def test_dataframe_load_uses_the_delimiter_and_dtype_given(data: DataHandler) -> None:
    pytest.importorskip("pandas")
    data_file(data, "semi.csv", b"id;note\n007;a, b\n008;c, d\n")
    loaded = data.load(Dir.DATA, "semi.csv", as_dataframe=True, delimiter=";", dtype=str)
    assert loaded.to_dict("records") == [
        {"id": "007", "note": "a, b"},
        {"id": "008", "note": "c, d"},
    ]
    data_file(data, "tabs.tsv", b"id\tnote\n7\ta, b\n")
    assert data.load(Dir.DATA, "tabs.tsv", as_dataframe=True).to_dict("records") == [
        {"id": 7, "note": "a, b"}
    ]


def test_dataframe_dtype_that_does_not_fit_names_dtype_not_the_quoting(
    data: DataHandler,
) -> None:
    pytest.importorskip("pandas")
    source = data_file(data, "ids.csv", b"id\nx1\n")
    error = load_error(data, "ids.csv", as_dataframe=True, dtype={"id": int})
    assert error.what_went_wrong == (
        f"Cannot read {source} with dtype={{'id': <class 'int'>}}: "
        "invalid literal for int() with base 10: 'x1'."
    )
    assert error.how_to_fix == (
        "Give dtype= types that fit every value of their columns, or leave dtype out "
        "and convert the columns afterwards."
    )
    assert error.example == "data.load(Dir.DATA, 'ids.csv', as_dataframe=True, dtype=str)"
    assert error.field == "dtype"


@pytest.mark.parametrize("dtype", [None, str])
def test_dataframe_nrows_before_a_broken_quote_says_what_pandas_found(
    data: DataHandler, dtype: object
) -> None:
    """pandas skips a line of spaces the checker counts as a row, so with nrows=1 it reads on
    into the open quote: its parser error is reported as a quoting problem, dtype or not."""
    pytest.importorskip("pandas")
    source = data_file(data, "open.csv", b'a\n \n"2\n')
    assert data.load(Dir.DATA, "open.csv", nrows=1) == [{"a": " "}]
    error = load_error(data, "open.csv", as_dataframe=True, nrows=1, dtype=dtype)
    assert error.what_went_wrong.startswith(
        f"Cannot read {source} as CSV: Error tokenizing data. C error: EOF inside string"
    )
    assert not error.what_went_wrong.endswith("..")
    assert error.how_to_fix == (
        "Check the delimiter and quoting (pass delimiter= if it is not the default)."
    )
    assert error.example == "data.load(Dir.DATA, 'open.csv', delimiter=';')"
    assert error.field == "csv_content"


def test_dataframe_usecols_mixes_names_and_positions_like_rows(data: DataHandler) -> None:
    pytest.importorskip("pandas")
    data_file(data, "cols.csv", b"a,b,c\n1,2,3\n")
    rows = data.load(Dir.DATA, "cols.csv", usecols=["c", 0])
    loaded = data.load(Dir.DATA, "cols.csv", as_dataframe=True, usecols=["c", 0], dtype=str)
    assert rows == [{"c": "3", "a": "1"}]
    assert loaded.to_dict("records") == [{"a": "1", "c": "3"}]  # pandas keeps file order


def test_dataframe_without_pandas_names_the_feature_and_pip_line(tmp_path: Path) -> None:
    def no_pandas(name: str) -> ModuleType:
        raise ModuleNotFoundError(f"No module named {name!r}")

    source = tmp_path / "x.csv"
    source.write_bytes(b"a\n1\n")
    with pytest.raises(DependencyMissingError) as info:
        CsvCodec(import_module=no_pandas).load(source, as_dataframe=True)
    assert info.value.what_went_wrong == (
        "Loading CSV as a DataFrame needs the optional package 'pandas', which is not installed."
    )
