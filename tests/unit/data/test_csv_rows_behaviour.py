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
from txo.paths import Dir, ProjectPaths

PATHS = [pytest.param(False, id="rows"), pytest.param(True, id="dataframe")]
BIG = 200_000  # longer than the csv module's default field limit (131072 characters)


@pytest.fixture
def data(tmp_path: Path) -> DataHandler:
    return DataHandler(ProjectPaths(tmp_path))


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
