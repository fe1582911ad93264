"""Atomic writes: a failed save never damages the previous file and leaves no temp file."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from txo.data import CodecRegistry, DataHandler, Writer, atomic_write
from txo.data.atomic import TEMP_SUFFIX
from txo.errors import FileOperationError, ValidationError
from txo.paths import Dir, ProjectPaths

OLD = {"version": "old", "rows": [1, 2, 3]}


class BrokenCodec:
    """Writes some bytes for .brk files, then fails with the given exception."""

    name = "broken"
    extensions: tuple[str, ...] = (".brk",)

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def encoder(self, obj: Any, target: Path, **options: Any) -> Writer:
        def write(stream: BinaryIO) -> None:
            stream.write(b"partial content " * 1000)
            stream.flush()
            raise self.error

        return write

    def load(self, source: Path, **options: Any) -> Any:
        return source.read_bytes()


class ExplodingStr:
    """A cell value whose text form fails, so a CSV save fails mid-file."""

    def __str__(self) -> str:
        raise RuntimeError("cannot render this cell")


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX)]


def test_json_failure_half_way_keeps_old_file(data: DataHandler) -> None:
    path = data.save(OLD, Dir.OUTPUT, "x.json")
    before = path.read_bytes()
    with pytest.raises(ValidationError) as info:
        data.save([*range(10_000), object()], Dir.OUTPUT, "x.json")
    assert "not JSON serializable" in str(info.value) and str(path) in str(info.value)
    assert path.read_bytes() == before
    assert leftovers(path.parent) == []


def test_csv_failure_after_many_rows_keeps_old_file(data: DataHandler) -> None:
    path = data.save([{"a": "old"}], Dir.OUTPUT, "rows.csv")
    rows: list[dict[str, object]] = [{"a": str(i) * 50} for i in range(5_000)]
    rows.append({"a": ExplodingStr()})
    with pytest.raises(RuntimeError, match="cannot render"):
        data.save(rows, Dir.OUTPUT, "rows.csv")
    assert data.load(Dir.OUTPUT, "rows.csv") == [{"a": "old"}]
    assert leftovers(path.parent) == []


def test_codec_raising_after_writing_keeps_old_file(tmp_path: Path) -> None:
    registry = CodecRegistry.default().with_codec(BrokenCodec(RuntimeError("encoder bug")))
    data = DataHandler(ProjectPaths(tmp_path), codecs=registry)
    path = data.path(Dir.OUTPUT, "x.brk")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"previous version")
    with pytest.raises(RuntimeError, match="encoder bug"):
        data.save("anything", Dir.OUTPUT, "x.brk")
    assert path.read_bytes() == b"previous version"
    assert leftovers(path.parent) == []


def test_disk_full_becomes_file_operation_error_and_keeps_old_file(tmp_path: Path) -> None:
    full = OSError(errno.ENOSPC, "No space left on device")
    registry = CodecRegistry.default().with_codec(BrokenCodec(full))
    data = DataHandler(ProjectPaths(tmp_path), codecs=registry)
    path = data.path(Dir.OUTPUT, "x.brk")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"previous version")
    with pytest.raises(FileOperationError) as info:
        data.save("anything", Dir.OUTPUT, "x.brk")
    assert info.value.operation == "save" and "No space left on device" in str(info.value)
    assert path.read_bytes() == b"previous version"
    assert leftovers(path.parent) == []


def test_keyboard_interrupt_also_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "x.bin"
    target.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt), atomic_write(target) as stream:
        stream.write(b"new")
        raise KeyboardInterrupt
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_atomic_write_creates_parent_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c.bin"
    with atomic_write(target) as stream:
        stream.write(b"one")
    with atomic_write(str(target)) as stream:
        stream.write(b"two")
        assert target.read_bytes() == b"one"  # readers still see the old file mid-write
    assert target.read_bytes() == b"two"
    assert leftovers(target.parent) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_atomic_write_keeps_existing_permissions(tmp_path: Path) -> None:
    target = tmp_path / "script.py"
    target.write_text("old")
    target.chmod(0o750)
    with atomic_write(target) as stream:
        stream.write(b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o750


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_new_file_gets_umask_mode_not_private_temp_mode(tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    reference.write_bytes(b"")  # created the ordinary way, under the current umask
    with atomic_write(tmp_path / "new.bin") as stream:
        stream.write(b"x")
    assert (tmp_path / "new.bin").stat().st_mode == reference.stat().st_mode
