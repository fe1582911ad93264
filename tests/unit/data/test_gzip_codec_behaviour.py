"""Gzip files: the same input always gives the same bytes (no time stamp, no file name in the
header, whatever stream the writer is given), and every mistake - an unknown or bad option, a
value gzip cannot hold, a truncated file - is explained with the file's name and a fix."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from tests.unit.data.refusals import explained
from txo.data import DataHandler
from txo.data.codecs.gzip_codec import GzipCodec
from txo.errors import ValidationError
from txo.paths import Dir

# magic, deflate, no flags (no file name), mtime 0
DETERMINISTIC_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00"

# --- the bytes written -----------------------------------------------------------------


def test_the_header_has_no_time_stamp_and_no_file_name(data: DataHandler) -> None:
    first = data.save("same text", Dir.OUTPUT, "a.gz").read_bytes()
    second = data.save("same text", Dir.OUTPUT, "b.gz").read_bytes()
    assert first[:8] == DETERMINISTIC_HEADER
    assert first == second, "the output name does not leak into the bytes"


def test_the_writer_names_no_file_even_on_a_named_stream(tmp_path: Path) -> None:
    target = tmp_path / "named.gz"
    write = GzipCodec().encoder(b"payload", target)
    with target.open("wb") as stream:  # has .name, unlike the atomic temp stream
        write(stream)
    raw = target.read_bytes()
    assert raw[:8] == DETERMINISTIC_HEADER
    assert b"named" not in raw and gzip.decompress(raw) == b"payload"


def test_the_writer_writes_to_an_in_memory_buffer(tmp_path: Path, data: DataHandler) -> None:
    buffer = io.BytesIO()  # has no .mode to guess "write" from
    GzipCodec().encoder("payload", tmp_path / "x.gz")(buffer)
    assert buffer.getvalue() == data.save("payload", Dir.OUTPUT, "x.gz").read_bytes()


# --- options ---------------------------------------------------------------------------


def test_an_unknown_save_option_lists_the_known_ones(data: DataHandler) -> None:
    with pytest.raises(ValidationError) as info:
        data.save(b"x", Dir.OUTPUT, "x.gz", level=3)
    path = data.path(Dir.OUTPUT, "x.gz")
    assert explained(info.value) == (
        f"Unknown option(s) level for save of {path} (gzip file).",
        "Use only the options the gzip codec knows for save: compression_level, encoding.",
        "data.save(value, Dir.OUTPUT, 'x.gz', compression_level=...)",
        "options",
    )


def test_an_unknown_load_option_lists_the_known_ones(data: DataHandler) -> None:
    path = data.save(b"x", Dir.OUTPUT, "x.gz")
    with pytest.raises(ValidationError) as info:
        data.load(Dir.OUTPUT, "x.gz", compression_level=3)
    assert explained(info.value) == (
        f"Unknown option(s) compression_level for load of {path} (gzip file).",
        "Use only the options the gzip codec knows for load: encoding.",
        "data.load(Dir.OUTPUT, 'x.gz', encoding=...)",
        "options",
    )


@pytest.mark.parametrize(
    ("level", "problem"),
    [("9", "must be an int from 0 to 9, or None."), (10, "is outside 0–9.")],
)
def test_a_bad_compression_level_says_what_is_allowed(
    data: DataHandler, level: object, problem: str
) -> None:
    with pytest.raises(ValidationError) as info:
        data.save(b"x", Dir.OUTPUT, "x.gz", compression_level=level)
    path = data.path(Dir.OUTPUT, "x.gz")
    assert explained(info.value) == (
        f"Option compression_level={level!r} for save of {path}: {problem}",
        "Use 0 (store) to 9 (smallest, the default).",
        "data.save(value, Dir.OUTPUT, 'x.gz', compression_level=9)",
        "compression_level",
    )


def test_an_unknown_save_encoding_is_named(data: DataHandler) -> None:
    with pytest.raises(ValidationError) as info:
        data.save("x", Dir.OUTPUT, "x.gz", encoding="klingon")
    path = data.path(Dir.OUTPUT, "x.gz")
    assert explained(info.value) == (
        f"Option encoding='klingon' for save of {path}: is not a known text encoding.",
        "Use a Python codec name such as 'utf-8', 'utf-16' or 'cp1252'.",
        "data.save(value, Dir.OUTPUT, 'x.gz', encoding='utf-8')",
        "encoding",
    )
    assert not data.exists(Dir.OUTPUT, "x.gz")


def test_an_unknown_load_encoding_is_named(data: DataHandler) -> None:
    path = data.save("x", Dir.OUTPUT, "x.gz")
    with pytest.raises(ValidationError) as info:
        data.load(Dir.OUTPUT, "x.gz", encoding="klingon")
    assert explained(info.value) == (
        f"Option encoding='klingon' for load of {path}: is not a known text encoding.",
        "Use a Python codec name such as 'utf-8', 'utf-16' or 'cp1252'.",
        "data.load(Dir.OUTPUT, 'x.gz', encoding='utf-8')",
        "encoding",
    )


# --- values and content -----------------------------------------------------------------


def test_a_value_gzip_cannot_hold_lists_what_it_accepts(data: DataHandler) -> None:
    with pytest.raises(ValidationError) as info:
        data.save(12, Dir.OUTPUT, "x.gz")
    path = data.path(Dir.OUTPUT, "x.gz")
    assert explained(info.value) == (
        f"Cannot save a value of type int to {path}: "
        ".gz files (gzip) accept str, bytes, bytearray, memoryview.",
        "Pass one of: str, bytes, bytearray, memoryview; "
        "or choose a file name whose extension fits the data.",
        "data.save(b'payload', Dir.OUTPUT, 'x.gz')",
        "data",
    )


def test_text_the_encoding_cannot_hold_names_the_file(data: DataHandler) -> None:
    with pytest.raises(ValidationError) as info:
        data.save("snow ☃", Dir.OUTPUT, "x.gz", encoding="ascii")
    path = data.path(Dir.OUTPUT, "x.gz")
    assert info.value.what_went_wrong == (
        f"Cannot encode the data for {path} as ascii: ordinal not in range(128) at character 5."
    )
    assert not data.exists(Dir.OUTPUT, "x.gz")


def test_content_not_in_the_load_encoding_names_the_file(data: DataHandler) -> None:
    path = data.save("snow ☃", Dir.OUTPUT, "x.gz")
    with pytest.raises(ValidationError) as info:
        data.load(Dir.OUTPUT, "x.gz", encoding="ascii")
    assert info.value.what_went_wrong == (
        f"{path} is not valid ascii text: ordinal not in range(128) at byte 5."
    )
    assert data.load(Dir.OUTPUT, "x.gz", encoding="utf-8") == "snow ☃"


def test_a_truncated_file_is_explained_with_a_fix(data: DataHandler) -> None:
    whole = data.save(b"payload " * 100, Dir.OUTPUT, "whole.gz").read_bytes()
    path = data.save(whole[:-6], Dir.OUTPUT, "cut.bin").rename(data.path(Dir.OUTPUT, "cut.gz"))
    with pytest.raises(ValidationError) as info:
        data.load(Dir.OUTPUT, "cut.gz")
    assert explained(info.value) == (
        f"{path} is not a valid gzip file: "
        "Compressed file ended before the end-of-stream marker was reached.",
        "Check that the file was written completely by a gzip writer; "
        "save it again if it is truncated.",
        "data.save(b'payload', Dir.OUTPUT, 'archive.gz')",
        "gzip_content",
    )
    assert info.value.__cause__ is None and info.value.__suppress_context__
