"""A UTF-8 BOM (Windows editors add one) is skipped when loading JSON, CSV and YAML data."""

from __future__ import annotations

import pytest

from txo.data import DataHandler
from txo.errors import ValidationError
from txo.paths import Dir

BOM = b"\xef\xbb\xbf"


def write(data: DataHandler, name: str, content: bytes) -> None:
    path = data.path(Dir.DATA, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def test_json_with_bom(data: DataHandler) -> None:
    write(data, "x.json", BOM + b'{"a": 1}')
    assert data.load(Dir.DATA, "x.json") == {"a": 1}


@pytest.mark.parametrize("as_dataframe", [False, True])
def test_csv_with_bom_keeps_the_first_header_clean(data: DataHandler, as_dataframe: bool) -> None:
    write(data, "x.csv", BOM + b"id,name\r\n1,a\r\n")
    if as_dataframe:
        pytest.importorskip("pandas")
        assert list(data.load(Dir.DATA, "x.csv", as_dataframe=True).columns) == ["id", "name"]
    else:
        assert data.load(Dir.DATA, "x.csv") == [{"id": "1", "name": "a"}]


def test_yaml_with_bom(data: DataHandler) -> None:
    pytest.importorskip("yaml")
    write(data, "x.yaml", BOM + b"a: 1\n")
    assert data.load(Dir.DATA, "x.yaml") == {"a": 1}


def test_text_stays_byte_exact_but_utf8_sig_skips_the_bom(data: DataHandler) -> None:
    write(data, "x.txt", BOM + b"hello")
    assert data.load(Dir.DATA, "x.txt") == "\ufeffhello"
    assert data.load(Dir.DATA, "x.txt", encoding="utf-8-sig") == "hello"


def test_bad_json_data_is_a_whole_sentence_with_its_fix(data: DataHandler) -> None:
    write(data, "bad.json", b'{"a": "x')
    with pytest.raises(ValidationError) as info:
        data.load(Dir.DATA, "bad.json")
    error = info.value
    assert "bad.json" in error.what_went_wrong and "line 1, column 7" in error.what_went_wrong
    assert "never closed" in error.what_went_wrong
    assert "closing double quote" in error.how_to_fix
