"""Property tests: every codec gives back what it was given (as documented)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from txo.data import DataHandler
from txo.data.atomic import TEMP_SUFFIX
from txo.paths import Dir, ProjectPaths

# Keys and scalars shared by the JSON-like strategies.
_text = st.text(max_size=20)
_json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _text


def _nested(leaves: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    children = st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
        max_leaves=12,
    )
    return st.lists(children, max_size=4) | st.dictionaries(_text, children, max_size=4)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DataHandler]:
    handler = DataHandler(ProjectPaths(tmp_path_factory.mktemp("roundtrip")))
    yield handler
    folder = handler.path(Dir.OUTPUT, "x").parent
    assert not [p for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX)]


_settings = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_settings
@given(value=_nested(_json_scalars))
def test_json_round_trip(data: DataHandler, value: Any) -> None:
    data.save(value, Dir.OUTPUT, "x.json")
    assert data.load(Dir.OUTPUT, "x.json") == value


def _iso(value: Any) -> Any:
    """What the JSON codec documents for dates: ISO 8601 strings."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_iso(v) for v in value]
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    return value


_exact_leaves = (
    st.decimals(allow_nan=False, allow_infinity=False)
    | st.integers()
    | st.datetimes()
    | st.dates()
    | _text
    | st.none()
)


@_settings
@given(value=_nested(_exact_leaves), compact=st.booleans())
def test_json_decimals_are_exact_and_dates_iso(
    data: DataHandler, value: Any, compact: bool
) -> None:
    data.save(value, Dir.OUTPUT, "d.json", compact=compact)
    assert data.load(Dir.OUTPUT, "d.json", parse_decimal=True) == _iso(value)


@_settings
@given(value=st.text(), name=st.sampled_from(["x.txt", "x.md", "x.py", "x.log"]))
def test_text_round_trip_is_byte_exact(data: DataHandler, value: str, name: str) -> None:
    data.save(value, Dir.OUTPUT, name)
    assert data.load(Dir.OUTPUT, name) == value


# CSV files cannot tell a BOM in the first header from the encoding mark, so
# keys never start with one; every value is a string, as load returns them.
_csv_text = st.text(st.characters(codec="utf-8", exclude_characters="\ufeff"), max_size=12)


@st.composite
def _csv_rows(draw: st.DrawFn) -> list[dict[str, str]]:
    keys = draw(st.lists(_csv_text, min_size=1, max_size=4, unique=True))
    row = st.fixed_dictionaries({k: _csv_text for k in keys})
    return draw(st.lists(row, min_size=1, max_size=6))


@_settings
@given(rows=_csv_rows(), name=st.sampled_from(["x.csv", "x.tsv"]))
def test_csv_round_trip(data: DataHandler, rows: list[dict[str, str]], name: str) -> None:
    data.save(rows, Dir.OUTPUT, name)
    assert data.load(Dir.OUTPUT, name) == rows


_yaml_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _text


@_settings
@given(value=_nested(_yaml_scalars | st.dates()))
def test_yaml_round_trip(data: DataHandler, value: Any) -> None:
    data.save(value, Dir.OUTPUT, "x.yaml")
    assert data.load(Dir.OUTPUT, "x.yaml") == value


@_settings
@given(
    value=st.binary(max_size=2000),
    level=st.none() | st.integers(0, 9),
    name=st.sampled_from(["x.gz", "x.rapidstart"]),
)
def test_gzip_round_trip(data: DataHandler, value: bytes, level: int | None, name: str) -> None:
    data.save(value, Dir.OUTPUT, name, compression_level=level)
    assert data.load(Dir.OUTPUT, name) == value


@_settings
@given(value=st.text(max_size=200))
def test_gzip_text_round_trip(data: DataHandler, value: str) -> None:
    data.save(value, Dir.OUTPUT, "t.gz")
    assert data.load(Dir.OUTPUT, "t.gz", encoding="utf-8") == value


@_settings
@given(value=st.binary(max_size=2000), name=st.sampled_from(["x.bin", "x.dat", "x.pkl"]))
def test_binary_round_trip(data: DataHandler, value: bytes, name: str) -> None:
    data.save(value, Dir.OUTPUT, name)
    assert data.load(Dir.OUTPUT, name) == value


# Excel cells: plain words (no control characters, no leading '=' formulas,
# never empty - an empty cell reads back as NaN) and integers.
_cell_text = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=10)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    numbers=st.lists(st.integers(-(2**40), 2**40), min_size=1, max_size=3),
    words=st.data(),
)
def test_xlsx_round_trip(data: DataHandler, numbers: list[int], words: st.DataObject) -> None:
    pd = pytest.importorskip("pandas")
    texts = words.draw(st.lists(_cell_text, min_size=len(numbers), max_size=len(numbers)))
    frame = pd.DataFrame({"n": numbers, "s": texts})
    data.save(frame, Dir.OUTPUT, "x.xlsx")
    loaded = data.load(Dir.OUTPUT, "x.xlsx", dtype={"s": str})
    pd.testing.assert_frame_equal(loaded, frame, check_dtype=False)


def test_datetimes_keep_microseconds_in_json(tmp_path: Path) -> None:
    data = DataHandler(ProjectPaths(tmp_path))
    moment = datetime(2024, 5, 6, 7, 8, 9, 123456)
    data.save({"at": moment, "n": Decimal("1.000")}, Dir.OUTPUT, "m.json")
    assert data.load(Dir.OUTPUT, "m.json", parse_decimal=True) == {
        "at": "2024-05-06T07:08:09.123456",
        "n": Decimal("1.000"),
    }


@pytest.mark.parametrize("word", ["NaN", "NA", "null", "None", "n/a"])
def test_xlsx_text_that_looks_missing_stays_text(tmp_path: Path, word: str) -> None:
    pd = pytest.importorskip("pandas")
    data = DataHandler(ProjectPaths(tmp_path))
    data.save(pd.DataFrame({"s": [word, "x"]}), Dir.OUTPUT, "w.xlsx")
    assert list(data.load(Dir.OUTPUT, "w.xlsx")["s"]) == [word, "x"]
