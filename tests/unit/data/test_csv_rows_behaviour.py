"""What a user sees when a CSV file loads, or does not: rows, line numbers, messages and fixes.

Pins the exact sentences of the malformed-CSV errors (what went wrong, the fix, the example)
and the edge cases of the strict reader: long values, very wide files, mixed line endings.
"""

from __future__ import annotations

import cProfile
import pstats
from pathlib import Path

import pytest

from txo.data import DataHandler
from txo.errors import ValidationError
from txo.paths import Dir

PATHS = [pytest.param(False, id="rows"), pytest.param(True, id="dataframe")]
BIG = 200_000  # longer than the csv module's default field limit (131072 characters)


def write(data: DataHandler, name: str, content: str, encoding: str = "utf-8") -> Path:
    path = data.path(Dir.DATA, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode(encoding))
    return path


def load(data: DataHandler, name: str, as_dataframe: bool, **options: object) -> object:
    if as_dataframe:
        pytest.importorskip("pandas")
        frame = data.load(Dir.DATA, name, as_dataframe=True, **options)
        return frame.fillna("").astype(str).to_dict("records")
    return data.load(Dir.DATA, name, **options)


def error_of(
    data: DataHandler, name: str, as_dataframe: bool, **options: object
) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        load(data, name, as_dataframe, **options)
    return info.value


# --- values longer than the csv module's field limit ------------------------------


@pytest.mark.parametrize("as_dataframe", PATHS)
@pytest.mark.parametrize("value", ["x" * BIG, "x" * BIG + ",", 'say "' + "x" * BIG + '"'])
def test_a_value_longer_than_the_csv_field_limit_round_trips(
    data: DataHandler, as_dataframe: bool, value: str
) -> None:
    """What data.save writes, data.load reads back, however long a value (quoted or not)."""
    data.save([{"doc": value, "n": "1"}], Dir.DATA, "big.csv")
    assert load(data, "big.csv", as_dataframe) == [{"doc": value, "n": "1"}]


# --- usecols ---------------------------------------------------------------------


@pytest.mark.parametrize("as_dataframe", PATHS)
@pytest.mark.parametrize("body", ["a,b,c\n1,2,3\n", 'a,b,c\n1,"2",3\n'])
@pytest.mark.parametrize("usecols", [["a", "zzz"], [0, 3]])
def test_usecols_not_in_the_header_is_named_with_the_header(
    data: DataHandler, as_dataframe: bool, body: str, usecols: list[str | int]
) -> None:
    """Both load paths say which usecols are missing and show the header (not a quoting hint)."""
    path = write(data, "cols.csv", body)
    error = error_of(data, "cols.csv", as_dataframe, usecols=usecols)
    missing = usecols[1:]
    assert error.what_went_wrong == (
        f"Column(s) {missing} in usecols are not in {path}; its header is ['a', 'b', 'c']."
    )
    assert error.how_to_fix == "Use names from the header (or 0-based positions)."
    assert error.example == "data.load(Dir.DATA, 'cols.csv', usecols=['a', 'b'])"
    assert error.field == "usecols"


def test_usecols_positions_stop_before_the_header_width(data: DataHandler) -> None:
    """Position 3 of a three-column header is missing, not an IndexError."""
    path = write(data, "cols.csv", "a,b,c\n1,2,3\n")
    assert data.load(Dir.DATA, "cols.csv", usecols=[2]) == [{"c": "3"}]
    with pytest.raises(ValidationError) as info:
        data.load(Dir.DATA, "cols.csv", usecols=[3])
    assert info.value.what_went_wrong == (
        f"Column(s) [3] in usecols are not in {path}; its header is ['a', 'b', 'c']."
    )


# --- rows that do not fit the header ------------------------------------------------

SHORT_FIX = (
    "Add the missing values (an empty value is fine: 1,,3), or pass "
    "allow_ragged=True to pad short rows with ''."
)
LONG_FIX = (
    "Remove the extra values, quote values that contain the delimiter "
    '(1,"2,5",3), or add column names to the header; if the file uses another '
    "delimiter, pass delimiter=."
)


@pytest.mark.parametrize("as_dataframe", PATHS)
@pytest.mark.parametrize("quote", ["", '"'])
def test_short_row_error_in_full(data: DataHandler, as_dataframe: bool, quote: str) -> None:
    path = write(data, "short.csv", f"a,b,c\n1,{quote}2{quote},3\n4,5\n")
    error = error_of(data, "short.csv", as_dataframe)
    assert error.what_went_wrong == (
        f"Cannot read {path} as CSV: line 3 has 2 fields but the header (line 1) has 3."
    )
    assert error.how_to_fix == SHORT_FIX
    assert error.example == "data.load(Dir.DATA, 'short.csv', allow_ragged=True)"
    assert error.field == "csv_content"


@pytest.mark.parametrize("as_dataframe", PATHS)
@pytest.mark.parametrize("allow_ragged", [False, True])
def test_long_row_error_in_full(data: DataHandler, as_dataframe: bool, allow_ragged: bool) -> None:
    path = write(data, "long.csv", "a,b\n1,2\n3,4,5\n")
    error = error_of(data, "long.csv", as_dataframe, allow_ragged=allow_ragged)
    assert error.what_went_wrong == (
        f"Cannot read {path} as CSV: line 3 has 3 fields but the header (line 1) has 2."
    )
    assert error.how_to_fix == LONG_FIX
    assert error.example == "data.load(Dir.DATA, 'long.csv', delimiter=';')"
    assert error.field == "csv_content"


@pytest.mark.parametrize("as_dataframe", PATHS)
def test_header_after_blank_lines_is_named_by_its_line(
    data: DataHandler, as_dataframe: bool
) -> None:
    write(data, "late.csv", "\n\na,b\n1,2\n3\n")
    error = error_of(data, "late.csv", as_dataframe)
    assert "line 5 has 1 fields but the header (line 3) has 2." in error.what_went_wrong


@pytest.mark.parametrize("as_dataframe", PATHS)
def test_blank_lines_are_never_the_problem_named(data: DataHandler, as_dataframe: bool) -> None:
    """The error names the short row, not an earlier blank line (blank lines are skipped)."""
    write(data, "blank.csv", "a,b\n1,2\n\n3\n")
    error = error_of(data, "blank.csv", as_dataframe)
    assert "line 4 has 1 fields but the header (line 1) has 2." in error.what_went_wrong


@pytest.mark.parametrize("as_dataframe", PATHS)
def test_allow_ragged_names_the_long_row_after_a_padded_short_one(
    data: DataHandler, as_dataframe: bool
) -> None:
    write(data, "mixed.csv", "a,b,c\n1,2\n3,4,5,6\n")
    error = error_of(data, "mixed.csv", as_dataframe, allow_ragged=True)
    assert "line 3 has 4 fields but the header (line 1) has 3." in error.what_went_wrong


@pytest.mark.parametrize("as_dataframe", PATHS)
@pytest.mark.parametrize("quote", ["", '"'])
def test_other_delimiter_is_used_to_find_the_bad_line(
    data: DataHandler, as_dataframe: bool, quote: str
) -> None:
    write(data, "semi.csv", f"a;b;c\n1;{quote}2,5{quote};3\n4;5\n")
    error = error_of(data, "semi.csv", as_dataframe, delimiter=";")
    assert "line 3 has 2 fields but the header (line 1) has 3." in error.what_went_wrong
    write(data, "semi.csv", f"a;b;c\n1;{quote}2,5{quote};3\n")
    assert load(data, "semi.csv", as_dataframe, delimiter=";") == [{"a": "1", "b": "2,5", "c": "3"}]


@pytest.mark.parametrize("as_dataframe", PATHS)
def test_the_bad_line_is_found_in_a_file_of_another_encoding(
    data: DataHandler, as_dataframe: bool
) -> None:
    write(data, "latin.csv", "name,city\nJosé,Málaga\nRenée\n", encoding="latin-1")
    error = error_of(data, "latin.csv", as_dataframe, encoding="latin-1")
    assert "line 3 has 1 fields but the header (line 1) has 2." in error.what_went_wrong
    write(data, "latin.csv", "name,city\nJosé,Málaga\n", encoding="latin-1")
    assert load(data, "latin.csv", as_dataframe, encoding="latin-1") == [
        {"name": "José", "city": "Málaga"}
    ]


@pytest.mark.parametrize("quote", ["", '"'])
def test_dataframe_nrows_checks_exactly_the_rows_it_reads(data: DataHandler, quote: str) -> None:
    """nrows=1 checks the first data row (even when it is the bad one) and no row after it."""
    write(data, "first.csv", f"a,b\n{quote}1{quote}\n3,4\n")
    error = error_of(data, "first.csv", True, nrows=1)
    assert "line 2 has 1 fields" in error.what_went_wrong
    write(data, "later.csv", f"a,b\n{quote}1{quote},2\n3\n")
    assert load(data, "later.csv", True, nrows=1) == [{"a": "1", "b": "2"}]
    assert load(data, "later.csv", False, nrows=1) == [{"a": "1", "b": "2"}]


def test_empty_file_as_dataframe_is_an_empty_frame(data: DataHandler) -> None:
    pytest.importorskip("pandas")
    write(data, "empty.csv", "")
    write(data, "blank.csv", "\n\n")
    assert data.load(Dir.DATA, "empty.csv", as_dataframe=True).empty
    assert data.load(Dir.DATA, "blank.csv", as_dataframe=True, usecols=["a"]).empty
    write(data, "cr.csv", "\r\r")  # blank lines with old Mac line endings
    assert data.load(Dir.DATA, "cr.csv") == []
    assert data.load(Dir.DATA, "cr.csv", usecols=["a"]) == []
    assert data.load(Dir.DATA, "cr.csv", as_dataframe=True).empty
    assert data.load(Dir.DATA, "cr.csv", as_dataframe=True, usecols=["a"]).empty


@pytest.mark.parametrize("allow_ragged", [False, True])
def test_one_column_file_with_an_open_quote_fails_on_the_dataframe_path_too(
    data: DataHandler, allow_ragged: bool
) -> None:
    write(data, "one.csv", 'a\n1\n"2\n3\n')
    error = error_of(data, "one.csv", True, allow_ragged=allow_ragged)
    assert "row starting on line 3 is never closed" in error.what_went_wrong


# --- quoting ---------------------------------------------------------------------


@pytest.mark.parametrize("as_dataframe", PATHS)
def test_unterminated_quote_error_in_full(data: DataHandler, as_dataframe: bool) -> None:
    path = write(data, "open.csv", 'a,b\n1,2\n3,"four\n5,6\n')
    error = error_of(data, "open.csv", as_dataframe)
    assert error.what_went_wrong == (
        f"Cannot read {path} as CSV: the quoted field in the row starting on line 3 "
        "is never closed (the file ends inside it)."
    )
    assert error.how_to_fix == (
        'Add the closing double quote (") at the end of that value; a quote inside a '
        'quoted value is written twice ("").'
    )
    assert error.example == '1,"a value, with a comma",2\n3,"she said ""hi""",4'
    assert error.field == "csv_content"


@pytest.mark.parametrize("as_dataframe", PATHS)
def test_text_after_a_closing_quote_error_in_full(data: DataHandler, as_dataframe: bool) -> None:
    path = write(data, "stray.csv", 'a,b\n1,2\n"3"x,4\n')
    error = error_of(data, "stray.csv", as_dataframe)
    assert error.what_went_wrong == (
        f"Cannot read {path} as CSV: in the row starting on line 3, a closing quote "
        "is followed by more text before the delimiter."
    )
    assert error.how_to_fix == (
        "Quote the whole value and write each quote inside it twice, or remove the stray quote."
    )
    assert error.example == '1,"x""y",3'
    assert error.field == "csv_content"


# --- line endings and wide files --------------------------------------------------------


@pytest.mark.parametrize("as_dataframe", PATHS)
def test_mixed_line_endings_load_row_by_row(data: DataHandler, as_dataframe: bool) -> None:
    """A file edited on two systems: \\r\\n and \\n lines in one file are still one row each."""
    write(data, "mixed.csv", "a,b\r\n1,2\n3,4\r\n5,6\n")
    assert load(data, "mixed.csv", as_dataframe) == [
        {"a": "1", "b": "2"},
        {"a": "3", "b": "4"},
        {"a": "5", "b": "6"},
    ]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_values_keep_their_spaces_and_tabs(data: DataHandler, newline: str) -> None:
    write(data, "spaces.csv", f"name,note{newline}Ann Lee, two  words\t{newline}")
    assert data.load(Dir.DATA, "spaces.csv") == [{"name": "Ann Lee", "note": " two  words\t"}]


@pytest.mark.parametrize("width", [512, 513, 600])
def test_very_wide_files_load_like_narrow_ones(data: DataHandler, width: int) -> None:
    header = [f"c{i}" for i in range(width)]
    write(data, "wide.csv", ",".join(header) + "\n" + ",".join(map(str, range(width))) + "\n1\n")
    rows = data.load(Dir.DATA, "wide.csv", allow_ragged=True)
    assert rows[0] == {name: str(i) for i, name in enumerate(header)}
    assert rows[1] == {"c0": "1"} | {name: "" for name in header[1:]}
    assert data.load(Dir.DATA, "wide.csv", usecols=["c511", 0], nrows=1) == [
        {"c511": "511", "c0": "0"}
    ]
    with pytest.raises(ValidationError, match="line 3 has 1 fields"):
        data.load(Dir.DATA, "wide.csv")


def test_profiles_name_the_generated_row_loop(data: DataHandler) -> None:
    """Someone profiling a slow script sees the row loop as '<txo csv rows>', not '<string>'."""
    write(data, "p.csv", "a,b\n1,2\n")
    profile = cProfile.Profile()
    rows = profile.runcall(data.load, Dir.DATA, "p.csv")
    assert rows == [{"a": "1", "b": "2"}]
    files = {filename for filename, _, _ in pstats.Stats(profile).stats}  # type: ignore[attr-defined]
    assert "<txo csv rows>" in files
