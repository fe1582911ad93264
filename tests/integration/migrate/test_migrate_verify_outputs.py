"""The pieces ``verify`` compares with: output decoding, timestamps, first differences."""

from __future__ import annotations

import gzip
import io

import pytest

from txo.migrate.verify import ExpectedOutput, decode
from txo.migrate.verify.outputs import comparable, first_difference, matches, strip_timestamps


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-02T03:04:05",
        "2024-01-02T03:04:05.123456+00:00",
        "2024-01-02 03:04:05Z",
        "2024-01-02T03:04",
        "20240102_030405",
    ],
)
def test_timestamps_are_blanked(text: str) -> None:
    assert strip_timestamps(f"at {text}.") == "at <timestamp>."


def test_dates_and_long_numbers_are_not_timestamps() -> None:
    assert strip_timestamps("2024-01-02 and 1234567890123456") == "2024-01-02 and 1234567890123456"


def test_decode_every_kind() -> None:
    assert decode("text", "é\n".encode()) == "é\n"
    assert decode("gzip_text", gzip.compress(b"A;B\n")) == "A;B\n"
    assert decode("hex", b"\x00\x0f") == "000f"
    with pytest.raises(ValueError, match="unknown output kind"):
        decode("png", b"")


def test_decode_excel_rows() -> None:
    import pandas as pd

    buffer = io.BytesIO()
    pd.DataFrame([{"n": "C1", "v": 1.5}]).to_excel(buffer, index=False)
    assert decode("xlsx_rows", buffer.getvalue()) == [{"n": "C1", "v": 1.5}]
    assert comparable("x.xlsx", buffer.getvalue()) == '[\n {\n  "n": "C1",\n  "v": 1.5\n }\n]'


def test_matches_names_the_first_difference() -> None:
    spec = ExpectedOutput("o.txt", "text", "a\nb\nc\n")
    assert matches(spec, b"a\nb\nc\n") == (True, "")
    assert matches(spec, b"a\nB\nc\n") == (False, "line 2: expected 'b', got 'B'")
    ok, why = matches(ExpectedOutput("o.gz", "gzip_text", "x"), b"not gzip")
    assert not ok and why.startswith("cannot read as gzip_text: BadGzipFile")


def test_matches_ignores_timestamps_only_when_asked() -> None:
    loose = ExpectedOutput("o.json", "text", '{"at": "2020-01-01T00:00:00Z"}', True)
    strict = ExpectedOutput("o.json", "text", '{"at": "2020-01-01T00:00:00Z"}')
    data = b'{"at": "2031-05-06T07:08:09Z"}'
    assert matches(loose, data)[0]
    assert not matches(strict, data)[0]


def test_comparable_blanks_timestamps_and_falls_back_to_hex() -> None:
    assert comparable("a.txt", b"run 2024-01-02T03:04:05") == "run <timestamp>"
    assert comparable("a.gz", gzip.compress(b"x 20240102_030405")) == "x <timestamp>"
    assert comparable("a.bin", b"\xff\xfe") == "fffe"


def test_first_difference_reports_missing_lines() -> None:
    assert first_difference("a\nb", "a") == "line 2: expected 'b', got '<end>'"
    assert first_difference("same", "same") == ""
