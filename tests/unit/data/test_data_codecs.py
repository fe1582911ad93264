"""Codec behaviour and every codec-level error path, with message-part assertions."""

from __future__ import annotations

import gzip
import importlib
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

from txo.data import CodecRegistry, DataHandler
from txo.errors import DependencyMissingError, ValidationError
from txo.paths import Dir, ProjectPaths


def without(*missing: str) -> Callable[[str], ModuleType]:
    """An importer that pretends ``missing`` (and their submodules) are not installed."""

    def import_module(name: str) -> ModuleType:
        if name.split(".")[0] in missing:
            raise ModuleNotFoundError(f"No module named {name!r}")
        return importlib.import_module(name)

    return import_module


def handler_without(tmp_path: Path, *missing: str) -> DataHandler:
    registry = CodecRegistry.default(import_module=without(*missing))
    return DataHandler(ProjectPaths(tmp_path), codecs=registry)


# --- wrong types ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "name", "accepted"),
    [
        ("text", "x.xlsx", "pandas DataFrame, list of dicts"),
        (b"raw", "x.json", "dict, list, tuple, str (JSON text)"),
        ({"a": 1}, "x.csv", "list of dicts, tuple of dicts, pandas DataFrame"),
        (b"raw", "x.txt", "accept str."),
        ("text", "x.bin", "bytes, bytearray, memoryview"),
        (123, "x.gz", "str, bytes"),
        (42, "x.yaml", "dict, list, tuple, str (YAML text)"),
    ],
)
def test_wrong_type_lists_what_the_extension_accepts(
    data: DataHandler, value: object, name: str, accepted: str
) -> None:
    with pytest.raises(ValidationError) as info:
        data.save(value, Dir.OUTPUT, name)
    assert info.value.field == "data"
    assert f"type {type(value).__name__}" in str(info.value) and name in str(info.value)
    assert accepted in str(info.value)
    assert info.value.example and name in info.value.example
    assert not data.exists(Dir.OUTPUT, name)


def test_csv_row_that_is_not_a_dict_is_named(data: DataHandler) -> None:
    with pytest.raises(ValidationError) as info:
        data.save([{"a": 1}, ["not", "a", "dict"]], Dir.OUTPUT, "x.csv")
    assert "row 1 is a list, not a dict" in str(info.value) and info.value.field == "data"


def test_unknown_and_bad_options_are_explained(data: DataHandler) -> None:
    with pytest.raises(ValidationError) as unknown:
        data.save({}, Dir.OUTPUT, "x.json", indnet=4)
    assert "Unknown option(s) indnet" in str(unknown.value)
    assert "indent, compact, sort_keys, ensure_ascii" in unknown.value.how_to_fix
    with pytest.raises(ValidationError) as bad:
        data.save("x", Dir.OUTPUT, "x.txt", line_ending="mac")
    assert bad.value.field == "line_ending" and "'unix', 'windows'" in str(bad.value)
    with pytest.raises(ValidationError, match="not a known text encoding"):
        data.save("x", Dir.OUTPUT, "x.txt", encoding="klingon")
    with pytest.raises(ValidationError, match="single character"):
        data.save([], Dir.OUTPUT, "x.csv", delimiter=";;")
    data.save(b"x", Dir.OUTPUT, "x.bin")
    with pytest.raises(ValidationError, match="Unknown option"):
        data.load(Dir.OUTPUT, "x.bin", encoding="utf-8")


# --- json ------------------------------------------------------------------------


def test_json_decimal_keeps_every_digit_and_dates_are_iso(data: DataHandler) -> None:
    value = {
        "price": Decimal("0.10"),
        "big": Decimal("12345678901234567890.123456789"),
        "tiny": Decimal("1E-30"),
        "at": datetime(2024, 1, 2, 3, 4, 5, 6),
        "on": date(2024, 2, 29),
        "when": time(23, 59),
    }
    path = data.save(value, Dir.OUTPUT, "x.json", compact=True)
    assert path.read_text() == (
        '{"price":0.10,"big":12345678901234567890.123456789,"tiny":1E-30,'
        '"at":"2024-01-02T03:04:05.000006","on":"2024-02-29","when":"23:59:00"}'
    )
    exact = data.load(Dir.OUTPUT, "x.json", parse_decimal=True)
    assert exact["big"] == Decimal("12345678901234567890.123456789")
    assert data.load(Dir.OUTPUT, "x.json")["price"] == 0.1


def test_json_formatting_options(data: DataHandler) -> None:
    path = data.save({"b": "é", "a": [1]}, Dir.OUTPUT, "x.json")
    assert path.read_text(encoding="utf-8") == '{\n  "b": "é",\n  "a": [\n    1\n  ]\n}'
    data.save(
        {"b": "é", "a": 1}, Dir.OUTPUT, "x.json", sort_keys=True, ensure_ascii=True, indent=None
    )
    assert path.read_text() == '{"a": 1, "b": "\\u00e9"}'


def test_json_nan_decimal_and_cycles_are_validation_errors(data: DataHandler) -> None:
    with pytest.raises(ValidationError, match="Decimal NaN has no JSON form"):
        data.save({"x": Decimal("NaN")}, Dir.OUTPUT, "x.json")
    cycle: list[object] = []
    cycle.append(cycle)
    with pytest.raises(ValidationError, match="Circular reference"):
        data.save(cycle, Dir.OUTPUT, "x.json")


def test_json_text_is_checked_then_written_as_is(data: DataHandler) -> None:
    path = data.save('{"a":  1}', Dir.OUTPUT, "x.json")
    assert path.read_text() == '{"a":  1}'
    with pytest.raises(ValidationError, match="line 1, column 2"):
        data.save("{oops", Dir.OUTPUT, "y.json")


def test_bad_json_names_file_line_and_column(data: DataHandler) -> None:
    data.save('{\n  "a": 1,\n  "b": ,\n}', Dir.DATA, "bad.txt")
    data.path(Dir.DATA, "bad.txt").rename(data.path(Dir.DATA, "bad.json"))
    with pytest.raises(ValidationError) as info:
        data.load(Dir.DATA, "bad.json")
    message = str(info.value)
    assert "bad.json" in message and "line 3, column 8" in message
    assert info.value.field == "json_content"


def test_json_loads_utf8_bom_and_explains_wrong_encoding(data: DataHandler) -> None:
    data.save(b"\xef\xbb\xbf[1]", Dir.DATA, "bom.bin")
    data.path(Dir.DATA, "bom.bin").rename(data.path(Dir.DATA, "bom.json"))
    assert data.load(Dir.DATA, "bom.json") == [1]
    data.save('["é"]', Dir.DATA, "latin.json", encoding="latin-1")
    with pytest.raises(ValidationError) as info:
        data.load(Dir.DATA, "latin.json")
    assert "not valid utf-8-sig text" in str(info.value) and "encoding=" in str(info.value)
    assert data.load(Dir.DATA, "latin.json", encoding="latin-1") == ["é"]


# --- text ------------------------------------------------------------------------


def test_text_line_endings_and_final_newline(data: DataHandler) -> None:
    path = data.save("a\r\nb\nc", Dir.OUTPUT, "x.txt", line_ending="windows", ensure_newline=True)
    assert path.read_bytes() == b"a\r\nb\r\nc\r\n"
    data.save("a\r\nb", Dir.OUTPUT, "x.txt", line_ending="unix", ensure_newline=True)
    assert path.read_bytes() == b"a\nb\n"
    data.save("a\r\nb\n", Dir.OUTPUT, "x.txt", ensure_newline=True)
    assert data.load(Dir.OUTPUT, "x.txt") == "a\r\nb\n"


def test_text_encoding_errors_are_validation_errors(data: DataHandler) -> None:
    with pytest.raises(ValidationError) as info:
        data.save("snowman ☃", Dir.OUTPUT, "x.txt", encoding="ascii")
    assert "as ascii" in str(info.value) and "character 8" in str(info.value)
    data.save("☃", Dir.OUTPUT, "x.md")
    with pytest.raises(ValidationError, match="not valid ascii text"):
        data.load(Dir.OUTPUT, "x.md", encoding="ascii")


# --- csv -------------------------------------------------------------------------


def test_csv_rows_round_trip_as_strings_with_ragged_keys(data: DataHandler) -> None:
    path = data.save([{"id": 1, "name": "a,b"}, {"id": 2, "extra": None}], Dir.OUTPUT, "x.csv")
    assert path.read_bytes() == b'id,name,extra\r\n1,"a,b",\r\n2,,\r\n'
    assert data.load(Dir.OUTPUT, "x.csv") == [
        {"id": "1", "name": "a,b", "extra": ""},
        {"id": "2", "name": "", "extra": ""},
    ]


def test_tsv_defaults_to_tabs_and_load_options(data: DataHandler) -> None:
    rows = [{"a": "1", "b": "2", "c": "3"}, {"a": "4", "b": "5", "c": "6"}]
    path = data.save(rows, Dir.OUTPUT, "x.tsv")
    assert path.read_text().splitlines()[0] == "a\tb\tc"
    assert data.load(Dir.OUTPUT, "x.tsv", usecols=["c", 0], nrows=1) == [{"c": "3", "a": "1"}]
    semi = data.save(rows, Dir.OUTPUT, "semi.csv", delimiter=";", fieldnames=["c", "b", "a"])
    assert semi.read_bytes().startswith(b"c;b;a\r\n3;2;1\r\n")
    assert data.load(Dir.OUTPUT, "semi.csv", delimiter=";")[1] == {"c": "6", "b": "5", "a": "4"}


def test_csv_load_errors(data: DataHandler) -> None:
    data.save("a,b\n1,2,3\n", Dir.DATA, "ragged.txt")
    data.path(Dir.DATA, "ragged.txt").rename(data.path(Dir.DATA, "ragged.csv"))
    with pytest.raises(ValidationError, match=r"line 2 has 3 fields but the header \(line 1\)"):
        data.load(Dir.DATA, "ragged.csv")
    with pytest.raises(ValidationError) as info:
        data.load(Dir.DATA, "ragged.csv", usecols=["zzz"])
    assert info.value.field == "usecols" and "['a', 'b']" in str(info.value)
    with pytest.raises(ValidationError, match="keys that are in fieldnames"):
        data.save([{"a": 1, "b": 2}], Dir.OUTPUT, "x.csv", fieldnames=["a"])


def test_csv_dataframe_save_and_dataframe_load(data: DataHandler) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"n": [1, 2], "s": ["x", "y"]})
    path = data.save(frame, Dir.OUTPUT, "x.csv")
    assert path.read_bytes() == b"n,s\r\n1,x\r\n2,y\r\n"
    loaded = data.load(Dir.OUTPUT, "x.csv", as_dataframe=True, usecols=["n"])
    assert list(loaded.columns) == ["n"] and loaded["n"].tolist() == [1, 2]


def test_csv_as_dataframe_without_pandas_names_the_pip_line(tmp_path: Path) -> None:
    data = handler_without(tmp_path, "pandas")
    data.save([{"a": "1"}], Dir.OUTPUT, "x.csv")  # plain rows need no pandas
    assert data.load(Dir.OUTPUT, "x.csv") == [{"a": "1"}]
    with pytest.raises(DependencyMissingError) as info:
        data.load(Dir.OUTPUT, "x.csv", as_dataframe=True)
    assert info.value.pip_line == "pip install 'txo[excel]'" and "'pandas'" in str(info.value)


# --- gzip and binary -------------------------------------------------------------


def test_gzip_levels_text_and_bytes(data: DataHandler) -> None:
    payload = "abc" * 1000
    fast = data.save(payload, Dir.OUTPUT, "x.gz", compression_level=0)
    size_stored = fast.stat().st_size
    best = data.save(payload, Dir.OUTPUT, "x.rapidstart")
    assert best.stat().st_size < size_stored
    assert gzip.decompress(best.read_bytes()) == payload.encode()
    assert data.load(Dir.OUTPUT, "x.rapidstart") == payload.encode()
    assert data.load(Dir.OUTPUT, "x.gz", encoding="utf-8") == payload


@pytest.mark.parametrize("level", [-1, 10, 1.5, True, "9"])
def test_gzip_compression_level_is_validated(data: DataHandler, level: object) -> None:
    with pytest.raises(ValidationError) as info:
        data.save(b"x", Dir.OUTPUT, "x.gz", compression_level=level)
    assert info.value.field == "compression_level" and "0 (store) to 9" in str(info.value)


def test_corrupt_gzip_is_a_validation_error(data: DataHandler) -> None:
    data.save(b"not gzip at all", Dir.DATA, "x.bin")
    data.path(Dir.DATA, "x.bin").rename(data.path(Dir.DATA, "x.gz"))
    with pytest.raises(ValidationError, match="is not a valid gzip file"):
        data.load(Dir.DATA, "x.gz")


def test_pickle_files_are_raw_bytes_never_unpickled(data: DataHandler) -> None:
    import pickle

    blob = pickle.dumps({"a": 1})
    data.save(bytearray(blob), Dir.DATA, "x.pkl")
    assert data.load(Dir.DATA, "x.pkl") == blob


# --- yaml ------------------------------------------------------------------------


def test_yaml_safe_dump_options(data: DataHandler) -> None:
    path = data.save({"b": ["é", 1], "a": date(2024, 1, 2)}, Dir.OUTPUT, "x.yaml")
    assert path.read_text(encoding="utf-8") == "b:\n- é\n- 1\na: 2024-01-02\n"
    assert data.load(Dir.OUTPUT, "x.yaml") == {"b": ["é", 1], "a": date(2024, 1, 2)}
    data.save(["line\x85break", "ls\u2028ps\u2029"], Dir.OUTPUT, "nel.yaml")  # PyYAML quirk
    assert data.load(Dir.OUTPUT, "nel.yaml") == ["line\x85break", "ls\u2028ps\u2029"]
    data.save({"b": 1, "a": 2}, Dir.OUTPUT, "x.yml", sort_keys=True, default_flow_style=True)
    assert data.path(Dir.OUTPUT, "x.yml").read_text() == "{a: 2, b: 1}\n"
    assert data.load(Dir.OUTPUT, "x.yml") == {"a": 2, "b": 1}


def test_yaml_errors(data: DataHandler) -> None:
    with pytest.raises(ValidationError, match=r"Cannot write .* as YAML"):
        data.save({"x": Decimal("1.5")}, Dir.OUTPUT, "x.yaml")
    with pytest.raises(ValidationError) as info:
        data.save("a: [1,\nb: 2", Dir.OUTPUT, "x.yaml")
    assert "Invalid YAML" in str(info.value) and "line 2" in str(info.value)
    data.save("key: !!python/object/apply:os.system ['true']", Dir.DATA, "evil.txt")
    data.path(Dir.DATA, "evil.txt").rename(data.path(Dir.DATA, "evil.yaml"))
    with pytest.raises(ValidationError) as unsafe:
        data.load(Dir.DATA, "evil.yaml")
    assert unsafe.value.field == "yaml_content" and "evil.yaml" in str(unsafe.value)


def test_yaml_missing_names_the_pip_line(tmp_path: Path) -> None:
    data = handler_without(tmp_path, "yaml")
    with pytest.raises(DependencyMissingError) as info:
        data.save({"a": 1}, Dir.OUTPUT, "x.yaml")
    assert isinstance(info.value, ImportError)
    assert "pip install 'txo[yaml]'" in str(info.value) and "YAML" in str(info.value)
    assert not data.exists(Dir.OUTPUT, "x.yaml")


# --- excel -----------------------------------------------------------------------


def test_excel_rows_and_options(data: DataHandler) -> None:
    pd = pytest.importorskip("pandas")
    rows = [{"title": "report"}, {"title": "a"}, {"title": "b"}]
    data.save(rows, Dir.OUTPUT, "x.xlsx", sheet_name="Data")
    frame = data.load(Dir.OUTPUT, "x.xlsx", sheet_name="Data", skiprows=1, nrows=1)
    assert frame.columns.tolist() == ["report"] and frame["report"].tolist() == ["a"]
    indexed = pd.DataFrame({"v": [1]}, index=pd.Index(["r1"], name="key"))
    data.save(indexed, Dir.OUTPUT, "y.xlsm", index=True, sheet_name=None)
    assert data.load(Dir.OUTPUT, "y.xlsm").columns.tolist() == ["key", "v"]
    assert data.load(Dir.OUTPUT, "y.xlsm", sheet_name=None).keys() == {"Sheet1"}
    with pytest.raises(ValidationError, match="1–31 characters"):
        data.save(rows, Dir.OUTPUT, "x.xlsx", sheet_name="x" * 32)


def test_excel_errors(data: DataHandler) -> None:
    data.save([{"a": 1}], Dir.OUTPUT, "x.xlsx")
    with pytest.raises(ValidationError) as info:
        data.load(Dir.OUTPUT, "x.xlsx", sheet_name="Nope")
    assert info.value.field == "sheet_name" and "Nope" in str(info.value)
    with pytest.raises(ValidationError, match="control characters"):
        data.save([{"a": "bell\x07"}], Dir.OUTPUT, "x.xlsx")
    assert data.load(Dir.OUTPUT, "x.xlsx")["a"].tolist() == [1]  # old file intact
    data.save(b"PK-not-a-zip", Dir.DATA, "fake.bin")
    data.path(Dir.DATA, "fake.bin").rename(data.path(Dir.DATA, "fake.xlsx"))
    with pytest.raises(ValidationError, match="is not a readable Excel workbook"):
        data.load(Dir.DATA, "fake.xlsx")


def test_xls_is_load_only(data: DataHandler) -> None:
    with pytest.raises(ValidationError) as info:
        data.save([{"a": 1}], Dir.OUTPUT, "old.xls")
    assert "load-only" in str(info.value) and "old.xlsx" in str(info.value)


def test_xls_load_without_xlrd_names_the_pip_line(tmp_path: Path) -> None:
    data = handler_without(tmp_path, "xlrd")
    data.save(b"\xd0\xcf\x11\xe0", Dir.DATA, "old.bin")
    data.path(Dir.DATA, "old.bin").rename(data.path(Dir.DATA, "old.xls"))
    with pytest.raises(DependencyMissingError) as info:
        data.load(Dir.DATA, "old.xls")
    assert info.value.pip_line == "pip install xlrd" and ".xls" in str(info.value)


@pytest.mark.parametrize("missing", ["pandas", "openpyxl"])
def test_excel_without_dependency_names_the_pip_line(tmp_path: Path, missing: str) -> None:
    data = handler_without(tmp_path, missing)
    with pytest.raises(DependencyMissingError) as info:
        data.save([{"a": 1}], Dir.OUTPUT, "x.xlsx")
    assert info.value.module == missing
    assert f"optional package '{missing}'" in str(info.value)
    assert "pip install 'txo[excel]'" in info.value.how_to_fix
    assert not data.path(Dir.OUTPUT, "x.xlsx").parent.exists()
