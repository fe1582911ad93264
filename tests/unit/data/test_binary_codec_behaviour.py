"""Binary files take no options and only bytes-like values; each mistake names the file, the
operation and a call that works."""

from __future__ import annotations

import pytest

from tests.unit.data.refusals import explained
from txo.data import DataHandler
from txo.errors import ValidationError
from txo.paths import Dir


def test_save_takes_no_options(data: DataHandler) -> None:
    with pytest.raises(ValidationError) as info:
        data.save(b"\x00", Dir.OUTPUT, "blob.dat", encoding="utf-8")
    path = data.path(Dir.OUTPUT, "blob.dat")
    assert explained(info.value) == (
        f"Unknown option(s) encoding for save of {path} (binary file).",
        "Use only the options the binary codec knows for save: (none).",
        "data.save(value, Dir.OUTPUT, 'blob.dat')",
        "options",
    )
    assert not path.exists()


def test_load_takes_no_options(data: DataHandler) -> None:
    path = data.save(b"\x00", Dir.OUTPUT, "blob.dat")
    with pytest.raises(ValidationError) as info:
        data.load(Dir.OUTPUT, "blob.dat", mode="rb")
    assert explained(info.value) == (
        f"Unknown option(s) mode for load of {path} (binary file).",
        "Use only the options the binary codec knows for load: (none).",
        "data.load(Dir.OUTPUT, 'blob.dat')",
        "options",
    )


def test_text_is_refused_and_the_old_file_kept(data: DataHandler) -> None:
    path = data.save(memoryview(b"old"), Dir.OUTPUT, "blob.bin")
    with pytest.raises(ValidationError) as info:
        data.save("text", Dir.OUTPUT, "blob.bin")
    assert explained(info.value) == (
        f"Cannot save a value of type str to {path}: "
        ".bin files (binary) accept bytes, bytearray, memoryview.",
        "Pass one of: bytes, bytearray, memoryview; "
        "or choose a file name whose extension fits the data.",
        "data.save(b'\\x00\\x01', Dir.OUTPUT, 'blob.bin')",
        "data",
    )
    assert data.load(Dir.OUTPUT, "blob.bin") == b"old"
