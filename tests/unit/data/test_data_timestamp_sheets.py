"""Timestamped saves (UTC, injected clock) and multi-sheet Excel workbooks."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from txo.data import DataHandler
from txo.errors import ValidationError
from txo.paths import Dir, ProjectPaths
from txo.testing import FakeClock

WALL = datetime(2024, 5, 1, 8, 9, 7, 654321, tzinfo=UTC).timestamp()


@pytest.fixture
def data(tmp_path: Path) -> DataHandler:
    return DataHandler(ProjectPaths(tmp_path), clock=FakeClock(wall_start=WALL))


def test_utc_timestamp_comes_from_the_injected_clock(data: DataHandler) -> None:
    assert data.utc_timestamp() == "2024-05-01T080907Z"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.json", "report_2024-05-01T080907Z.json"),
        ("archive.tar.gz", "archive.tar_2024-05-01T080907Z.gz"),
        ("README", "README_2024-05-01T080907Z"),
        ("2024.v1/rows.csv", "2024.v1/rows_2024-05-01T080907Z.csv"),
    ],
)
def test_timestamp_goes_before_the_last_dot_of_the_file_name(
    data: DataHandler, name: str, expected: str
) -> None:
    assert data.timestamped_name(name) == expected


def test_save_with_timestamp_saves_like_save(data: DataHandler, tmp_path: Path) -> None:
    path = data.save_with_timestamp({"a": 1}, Dir.OUTPUT, "report.json", indent=None)
    assert path == tmp_path / "output" / "report_2024-05-01T080907Z.json"
    assert path.read_text(encoding="utf-8") == '{"a": 1}'
    plain = data.save_with_timestamp([1], Dir.OUTPUT, "plain.json", add_timestamp=False)
    assert plain.name == "plain.json"


def test_multi_sheet_workbook_round_trips_without_index(data: DataHandler) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("openpyxl")
    sheets = {
        "Customers": pd.DataFrame({"id": [1, 2], "name": ["a", "b"]}),
        "Vendors": pd.DataFrame({"code": ["V1"]}),
        "Rows": [{"x": 1}, {"x": 2}],
    }
    data.save(sheets, Dir.OUTPUT, "book.xlsx")
    loaded: dict[str, Any] = data.load(Dir.OUTPUT, "book.xlsx", sheet_name=None)
    assert list(loaded) == ["Customers", "Vendors", "Rows"]
    assert list(loaded["Customers"].columns) == ["id", "name"]  # no index column
    assert loaded["Vendors"]["code"].tolist() == ["V1"]
    assert loaded["Rows"]["x"].tolist() == [1, 2]


@pytest.mark.parametrize(
    "bad", ["x" * 32, "a/b", "a\\b", "what?", "a*", "[a]", "a]", "a:b", "", "History'"]
)
def test_bad_sheet_names_are_refused_before_writing(data: DataHandler, bad: str) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("openpyxl")
    with pytest.raises(ValidationError) as info:
        data.save({"Good": pd.DataFrame({"a": [1]}), bad: pd.DataFrame()}, Dir.OUTPUT, "b.xlsx")
    assert repr(bad) in info.value.what_went_wrong
    assert "31" in info.value.how_to_fix
    assert not data.exists(Dir.OUTPUT, "b.xlsx")
    with pytest.raises(ValidationError):
        data.save(pd.DataFrame({"a": [1]}), Dir.OUTPUT, "b.xlsx", sheet_name=bad)


def test_sheet_dicts_that_cannot_be_a_workbook(data: DataHandler) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("openpyxl")
    frame = pd.DataFrame({"a": [1]})
    with pytest.raises(ValidationError, match="at least one sheet"):
        data.save({}, Dir.OUTPUT, "b.xlsx")
    with pytest.raises(ValidationError, match="same name"):
        data.save({"Data": frame, "DATA": frame}, Dir.OUTPUT, "b.xlsx")
    with pytest.raises(ValidationError, match="sheet 'B' holds a str"):
        data.save({"A": frame, "B": "text"}, Dir.OUTPUT, "b.xlsx")
    with pytest.raises(ValidationError, match="sheet_name"):
        data.save({"A": frame}, Dir.OUTPUT, "b.xlsx", sheet_name="A")
