"""What a user sees from the Excel codec: sheet names, options, and every error's sentence,
fix and example."""

from __future__ import annotations

import importlib
import math
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.unit.data.refusals import load_error, save_error
from txo.data import CodecRegistry, DataHandler
from txo.errors import DependencyMissingError, ValidationError
from txo.paths import Dir, ProjectPaths

pd = pytest.importorskip("pandas")
openpyxl = pytest.importorskip("openpyxl")

SHEET_RULES = (
    "Use 1–31 characters without : \\ / ? * [ ], without a leading or trailing "
    "apostrophe, and not 'History' (Excel's rules for sheet names)."
)


def handler_without(tmp_path: Path, missing: str) -> DataHandler:
    """A handler whose codecs cannot import ``missing`` (nor its submodules)."""

    def import_module(name: str) -> ModuleType:
        if name.split(".")[0] == missing:
            raise ModuleNotFoundError(f"No module named {name!r}")
        return importlib.import_module(name)

    registry = CodecRegistry.default(import_module=import_module)
    return DataHandler(ProjectPaths(tmp_path), codecs=registry)


def workbook(data: DataHandler, name: str, *rows: list[Any]) -> Path:
    """A workbook written by openpyxl itself, so cells are exactly what the test says."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    path = data.path(Dir.DATA, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def not_a_workbook(data: DataHandler, name: str, content: bytes) -> Path:
    path = data.path(Dir.DATA, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


# --- sheet names ------------------------------------------------------------------


def test_a_31_character_sheet_name_is_the_longest_excel_takes(data: DataHandler) -> None:
    longest = "x" * 31
    data.save([{"a": 1}], Dir.OUTPUT, "b.xlsx", sheet_name=longest)
    data.save({longest: [{"a": 1}], "y" * 31: [{"a": 2}]}, Dir.OUTPUT, "c.xlsx")
    assert list(data.load(Dir.OUTPUT, "b.xlsx", sheet_name=None)) == [longest]
    assert list(data.load(Dir.OUTPUT, "c.xlsx", sheet_name=None)) == [longest, "y" * 31]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("x" * 32, "has 32 characters (at most 31)"),
        ("a?b*c", "contains * ?"),
        ("[Q1]", "contains [ ]"),
        ("'History", "starts or ends with an apostrophe"),
        ("History'", "starts or ends with an apostrophe"),
        ("", "is not a non-empty string"),
    ],
)
def test_a_bad_sheet_option_says_which_excel_rule_it_breaks(
    data: DataHandler, name: str, problem: str
) -> None:
    error = save_error(data, [{"a": 1}], "b.xlsx", sheet_name=name)
    target = data.path(Dir.OUTPUT, "b.xlsx")
    assert error.what_went_wrong == (
        f"Option sheet_name={name!r} for save of {target}: the sheet name {problem}."
    )
    assert error.how_to_fix == SHEET_RULES
    assert error.example == "data.save(value, Dir.OUTPUT, 'b.xlsx', sheet_name='Report')"
    assert error.field == "sheet_name"


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("x" * 32, "has 32 characters (at most 31)"),
        ("a/b\\c", "contains / \\"),
        ("'History", "starts or ends with an apostrophe"),
        ("", "is not a non-empty string"),
        (2024, "is not a non-empty string"),
    ],
)
def test_a_bad_sheet_key_names_the_key_and_the_rule(
    data: DataHandler, name: object, problem: str
) -> None:
    error = save_error(data, {"Good": [{"a": 1}], name: [{"a": 2}]}, "b.xlsx")
    target = data.path(Dir.OUTPUT, "b.xlsx")
    assert error.what_went_wrong == (
        f"Cannot save {target} as a workbook: the sheet name {name!r} {problem}."
    )
    assert error.how_to_fix == SHEET_RULES
    assert error.example == ("data.save({'Customers': df1, 'Vendors': df2}, Dir.OUTPUT, 'b.xlsx')")
    assert error.field == "data"


def test_sheet_dict_errors_say_what_is_wrong_and_how_to_fix_it(data: DataHandler) -> None:
    target = data.path(Dir.OUTPUT, "b.xlsx")
    example = "data.save({'Customers': df1, 'Vendors': df2}, Dir.OUTPUT, 'b.xlsx')"
    frame = pd.DataFrame({"a": [1]})
    cases: list[tuple[Any, dict[str, Any], str, str]] = [
        (
            {"A": frame},
            {"sheet_name": "A"},
            "sheet_name= was given with a dict of sheets",
            "Leave sheet_name out: the dict's keys name the sheets.",
        ),
        ({}, {}, "the dict of sheets is empty", "Pass at least one sheet: {name: DataFrame}."),
        (
            {"Data": frame, "DATA": frame},
            {},
            "sheets 'Data' and 'DATA' have the same name to Excel (it ignores case)",
            "Give every sheet a different name.",
        ),
        (
            {"A": frame, "B": [1, 2]},
            {},
            "sheet 'B' holds a list",
            "Give every sheet a pandas DataFrame or a list of dicts.",
        ),
    ]
    for value, options, problem, fix in cases:
        error = save_error(data, value, "b.xlsx", **options)
        assert error.what_went_wrong == f"Cannot save {target} as a workbook: {problem}."
        assert (error.how_to_fix, error.example, error.field) == (fix, example, "data")


def test_the_default_sheet_name_may_be_repeated_with_a_dict(data: DataHandler) -> None:
    data.save({"A": [{"a": 1}]}, Dir.OUTPUT, "b.xlsx", sheet_name="Sheet1")
    assert list(data.load(Dir.OUTPUT, "b.xlsx", sheet_name=None)) == ["A"]


# --- what can be saved ------------------------------------------------------------


def test_rows_are_dicts_and_a_tuple_of_them_is_one_sheet(data: DataHandler) -> None:
    data.save(({"a": 1}, {"a": 2}), Dir.OUTPUT, "t.xlsx")
    loaded = data.load(Dir.OUTPUT, "t.xlsx", sheet_name=None)
    assert list(loaded) == ["Sheet1"] and loaded["Sheet1"]["a"].tolist() == [1, 2]


@pytest.mark.parametrize("value", [[1, 2], ("a", "b"), "", "text", 3.5])
def test_values_that_are_not_rows_are_refused_with_what_excel_accepts(
    data: DataHandler, value: object
) -> None:
    error = save_error(data, value, "w.xlsx")
    target = data.path(Dir.OUTPUT, "w.xlsx")
    assert error.what_went_wrong == (
        f"Cannot save a value of type {type(value).__name__} to {target}: .xlsx files (excel) "
        "accept pandas DataFrame, list of dicts, tuple of dicts, dict of sheet name -> those."
    )
    assert error.example == "data.save(df, Dir.OUTPUT, 'w.xlsx')"


def test_xls_is_refused_with_the_xlsx_name_to_use_instead(data: DataHandler) -> None:
    error = save_error(data, [{"a": 1}], "old.xls")
    target = data.path(Dir.OUTPUT, "old.xls")
    assert error.what_went_wrong == (
        f"Cannot write {target}: the old .xls format is load-only "
        "(no maintained Python library writes it)."
    )
    assert error.how_to_fix == "Save as .xlsx instead; Excel opens it the same way."
    assert error.example == "data.save(df, Dir.OUTPUT, 'old.xlsx')"
    assert error.field == "name"


def test_a_control_character_names_the_cell_text_and_keeps_the_old_file(
    data: DataHandler,
) -> None:
    data.save([{"a": 1}], Dir.OUTPUT, "x.xlsx")
    with pytest.raises(ValidationError) as info:
        data.save([{"a": "bell\x07"}], Dir.OUTPUT, "x.xlsx")
    target = data.path(Dir.OUTPUT, "x.xlsx")
    error = info.value
    assert error.what_went_wrong == (
        f"Cannot write {target} as Excel: bell\x07 cannot be used in worksheets."
    )
    assert error.how_to_fix == (
        "Remove control characters from text cells and use a sheet name without []:*?/\\."
    )
    assert error.example == "data.save(df, Dir.OUTPUT, 'x.xlsx', sheet_name='Report')"
    assert error.field == "data"
    assert data.load(Dir.OUTPUT, "x.xlsx")["a"].tolist() == [1]


def test_unknown_save_option_lists_the_excel_save_options(data: DataHandler) -> None:
    error = save_error(data, [{"a": 1}], "x.xlsx", sheet="Data")
    target = data.path(Dir.OUTPUT, "x.xlsx")
    assert error.what_went_wrong == f"Unknown option(s) sheet for save of {target} (excel file)."
    assert error.how_to_fix == (
        "Use only the options the excel codec knows for save: sheet_name, index."
    )
    assert error.example == "data.save(value, Dir.OUTPUT, 'x.xlsx', sheet_name=...)"


# --- loading ----------------------------------------------------------------------


def test_only_empty_cells_become_missing_values(data: DataHandler) -> None:
    workbook(data, "na.xlsx", ["t"], [""], ["NA"], ["NaN"], [None], ["null"], ["XXXX"])
    cells = data.load(Dir.DATA, "na.xlsx")["t"].tolist()
    assert math.isnan(cells[0]) and math.isnan(cells[3])
    assert cells[1:3] + cells[4:] == ["NA", "NaN", "null", "XXXX"]


def test_usecols_header_and_nrows_shape_the_frame(data: DataHandler) -> None:
    workbook(data, "u.xlsx", ["a", "b", "c"], [1, 2, 3], [4, 5, 6])
    picked = data.load(Dir.DATA, "u.xlsx", usecols=["c", "a"])
    assert picked.columns.tolist() == ["a", "c"] and picked["c"].tolist() == [3, 6]
    assert data.load(Dir.DATA, "u.xlsx", usecols="B").columns.tolist() == ["b"]
    raw = data.load(Dir.DATA, "u.xlsx", header=None, nrows=2)
    assert raw.columns.tolist() == [0, 1, 2]
    assert raw.values.tolist() == [["a", "b", "c"], [1, 2, 3]]


def test_a_negative_nrows_is_refused_before_reading(data: DataHandler) -> None:
    workbook(data, "u.xlsx", ["a"], [1])
    error = load_error(data, "u.xlsx", nrows=-1)
    target = data.path(Dir.DATA, "u.xlsx")
    assert error.what_went_wrong == (
        f"Option nrows=-1 for load of {target}: must be None or an int >= 0."
    )
    assert error.field == "nrows"


def test_unknown_load_option_lists_the_excel_load_options(data: DataHandler) -> None:
    workbook(data, "u.xlsx", ["a"], [1])
    error = load_error(data, "u.xlsx", sheet="Data")
    target = data.path(Dir.DATA, "u.xlsx")
    assert error.what_went_wrong == f"Unknown option(s) sheet for load of {target} (excel file)."
    assert error.how_to_fix == (
        "Use only the options the excel codec knows for load: "
        "sheet_name, skiprows, usecols, nrows, header, dtype."
    )


def test_a_missing_sheet_points_at_sheet_name(data: DataHandler) -> None:
    workbook(data, "u.xlsx", ["a"], [1])
    error = load_error(data, "u.xlsx", sheet_name=3)
    target = data.path(Dir.DATA, "u.xlsx")
    assert error.what_went_wrong == (
        f"Cannot read {target} (sheet_name=3): Worksheet index 3 is invalid, 1 worksheets found."
    )
    assert error.field == "sheet_name"


def test_columns_that_are_not_there_point_at_the_options(data: DataHandler) -> None:
    workbook(data, "u.xlsx", ["a"], [1])
    error = load_error(data, "u.xlsx", usecols=["zzz"])
    target = data.path(Dir.DATA, "u.xlsx")
    assert error.what_went_wrong.startswith(f"Cannot read {target} (sheet_name=0): Usecols ")
    assert "['zzz']" in error.what_went_wrong
    assert error.how_to_fix == (
        "Check sheet_name (a sheet name or 0-based index), skiprows, usecols, nrows, header "
        "and dtype."
    )
    assert error.example == "data.load(Dir.DATA, 'u.xlsx', sheet_name='Sheet1', skiprows=1)"
    assert error.field == "options"


@pytest.mark.parametrize("content", [b"a,b\n1,2\n", b"PK\x03\x04truncated"])
def test_a_file_that_is_not_a_workbook_says_so(data: DataHandler, content: bytes) -> None:
    path = not_a_workbook(data, "report.xlsx", content)
    error = load_error(data, "report.xlsx")
    assert (
        error.what_went_wrong == f"{path} is not a readable Excel workbook: File is not a zip file."
    )
    assert error.how_to_fix == (
        "Check that the file really is .xlsx/.xlsm (not CSV or HTML renamed) and is complete."
    )
    assert error.example == "data.load(Dir.DATA, 'report.csv')   # if it is really CSV"
    assert error.field == "excel_content"


# --- missing dependencies ---------------------------------------------------------


@pytest.mark.parametrize("missing", ["pandas", "openpyxl"])
def test_a_missing_package_names_the_feature_and_the_extra(tmp_path: Path, missing: str) -> None:
    data = handler_without(tmp_path, missing)
    with pytest.raises(DependencyMissingError) as info:
        data.save([{"a": 1}], Dir.OUTPUT, "x.xlsx")
    assert info.value.what_went_wrong == (
        f"Reading and writing Excel files needs the optional package '{missing}', "
        "which is not installed."
    )
    assert info.value.how_to_fix == "Install it: pip install 'txo[excel]'"


def test_old_xls_needs_xlrd_and_says_how_to_install_it(tmp_path: Path) -> None:
    data = handler_without(tmp_path, "xlrd")
    not_a_workbook(data, "old.xls", b"\xd0\xcf\x11\xe0")
    with pytest.raises(DependencyMissingError) as info:
        data.load(Dir.DATA, "old.xls")
    assert info.value.module == "xlrd"
    assert info.value.what_went_wrong == (
        "Reading old .xls workbooks needs the optional package 'xlrd', which is not installed."
    )
    assert info.value.how_to_fix == "Install it: pip install xlrd"


# --- errors whose fix must fit their cause ----------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        [{"when": datetime(2024, 5, 1, 8, 9, tzinfo=UTC)}],
        pd.DataFrame({"when": [pd.Timestamp("2024-05-01 08:09", tz="UTC")]}),
    ],
)
def test_timezone_aware_datetimes_get_a_timezone_fix(data: DataHandler, value: Any) -> None:
    error = save_error(data, value, "tz.xlsx")
    target = data.path(Dir.OUTPUT, "tz.xlsx")
    assert error.what_went_wrong == (
        f"Cannot write {target} as Excel: Excel does not support datetimes with timezones. "
        "Please ensure that datetimes are timezone unaware before writing to Excel."
    )
    assert error.how_to_fix == (
        "Excel cells have no time zone: make the datetimes naive first (their UTC clock "
        "time: value.replace(tzinfo=None), or df[column].dt.tz_localize(None) for a "
        "DataFrame column), or save them as ISO text."
    )
    assert error.example == (
        "df['when'] = df['when'].dt.tz_localize(None)\ndata.save(df, Dir.OUTPUT, 'tz.xlsx')"
    )
    assert error.field == "data"


def test_multiindex_columns_without_the_index_are_a_helpful_error(data: DataHandler) -> None:
    columns = pd.MultiIndex.from_tuples([("amount", "net"), ("amount", "tax")])
    frame = pd.DataFrame([[1, 2]], columns=columns)
    error = save_error(data, frame, "m.xlsx")
    target = data.path(Dir.OUTPUT, "m.xlsx")
    assert error.what_went_wrong == (
        f"Cannot write {target} as Excel: Writing to Excel with MultiIndex columns and no "
        "index ('index'=False) is not yet implemented."
    )
    assert error.how_to_fix == (
        "Pass index=True (the column levels become header rows), or flatten the columns "
        "to one level first."
    )
    assert error.example == "data.save(df, Dir.OUTPUT, 'm.xlsx', index=True)"
    data.save(frame, Dir.OUTPUT, "m.xlsx", index=True)
    assert data.exists(Dir.OUTPUT, "m.xlsx")


def test_a_dtype_pandas_does_not_know_points_at_the_options(data: DataHandler) -> None:
    workbook(data, "u.xlsx", ["a"], [1])
    error = load_error(data, "u.xlsx", dtype={"a": "decimal"})
    target = data.path(Dir.DATA, "u.xlsx")
    assert error.what_went_wrong == (
        f"Cannot read {target} (sheet_name=0): data type 'decimal' not understood (sheet: 0)."
    )
    assert error.how_to_fix == (
        "Check sheet_name (a sheet name or 0-based index), skiprows, usecols, nrows, header "
        "and dtype."
    )
    assert error.field == "options"
    assert data.load(Dir.DATA, "u.xlsx", dtype={"a": str})["a"].tolist() == ["1"]


@pytest.mark.parametrize("name", ["History", "HISTORY", "history"])
def test_history_is_reserved_by_excel(data: DataHandler, name: str) -> None:
    target = data.path(Dir.OUTPUT, "h.xlsx")
    problem = "is reserved by Excel (its change-tracking sheet)"
    error = save_error(data, [{"a": 1}], "h.xlsx", sheet_name=name)
    assert error.what_went_wrong == (
        f"Option sheet_name={name!r} for save of {target}: the sheet name {problem}."
    )
    error = save_error(data, {name: [{"a": 1}]}, "h.xlsx")
    assert error.what_went_wrong == (
        f"Cannot save {target} as a workbook: the sheet name {name!r} {problem}."
    )
    assert error.how_to_fix == SHEET_RULES
    data.save({"History 2024": [{"a": 1}]}, Dir.OUTPUT, "h.xlsx")
    assert list(data.load(Dir.OUTPUT, "h.xlsx", sheet_name=None)) == ["History 2024"]
