"""DataHandler: paths, dispatch, exists/delete/size and the file-level error paths."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from txo.data import CodecRegistry, DataFileNotFoundError, DataHandler, Writer
from txo.errors import FileOperationError, HelpfulError, ValidationError
from txo.paths import Dir, ProjectPaths


class UpperCodec:
    """A test codec for .up files: stores text upper-cased."""

    name = "upper"
    extensions: tuple[str, ...] = (".up", ".json")

    def encoder(self, obj: Any, target: Path, **options: Any) -> Writer:
        def write(stream: BinaryIO) -> None:
            stream.write(str(obj).upper().encode())

        return write

    def load(self, source: Path, **options: Any) -> Any:
        return source.read_text()


def test_save_returns_the_path_under_the_category_and_creates_folders(data: DataHandler) -> None:
    path = data.save({"a": 1}, Dir.OUTPUT, "reports/2024/x.json")
    assert path == data.path("output", "reports/2024/x.json")
    assert path.parent.name == "2024" and path.is_file()
    assert data.load("output", "reports/2024/x.json") == {"a": 1}


def test_extension_lookup_is_case_insensitive(data: DataHandler) -> None:
    data.save([1, 2], Dir.DATA, "UPPER.JSON")
    assert data.load(Dir.DATA, "UPPER.JSON") == [1, 2]


@pytest.mark.parametrize("name", ["../escape.json", "/abs/x.json", "", "a/../../b.json"])
def test_names_outside_the_category_are_refused(data: DataHandler, name: str) -> None:
    with pytest.raises(ValidationError) as info:
        data.save({}, Dir.OUTPUT, name)
    assert info.value.field == "name"
    assert "output/ folder" in str(info.value) and "'..'" in info.value.how_to_fix


def test_unknown_category_is_a_helpful_error(data: DataHandler) -> None:
    with pytest.raises(HelpfulError, match="Unknown directory category 'outputs'"):
        data.save({}, "outputs", "x.json")


def test_unknown_extension_lists_known_extensions(data: DataHandler) -> None:
    with pytest.raises(ValidationError) as info:
        data.save("x", Dir.OUTPUT, "notes.docx")
    message = str(info.value)
    assert "'.docx' is not known" in message and "notes.docx" in message
    for ext in (".json", ".csv", ".tsv", ".xlsx", ".yaml", ".gz", ".rapidstart", ".pkl"):
        assert ext in info.value.how_to_fix
    assert not data.path(Dir.OUTPUT, "notes.docx").parent.exists()


def test_missing_file_is_also_a_file_not_found_error(data: DataHandler) -> None:
    with pytest.raises(FileNotFoundError) as info:
        data.load(Dir.DATA, "missing.json")
    error = info.value
    assert isinstance(error, DataFileNotFoundError) and isinstance(error, FileOperationError)
    assert error.operation == "load" and error.file_path == str(data.path("data", "missing.json"))
    assert error.filename == error.file_path and error.errno == 2
    assert "File not found: missing.json" in str(error) and "data.exists(Dir.DATA" in str(error)


def test_exists_and_check_empty(data: DataHandler) -> None:
    assert not data.exists(Dir.TMP, "x.txt")
    data.save("", Dir.TMP, "x.txt")
    assert data.exists(Dir.TMP, "x.txt")
    assert not data.exists(Dir.TMP, "x.txt", check_empty=True)
    data.save("content", Dir.TMP, "x.txt")
    assert data.exists(Dir.TMP, "x.txt", check_empty=True)


def test_exists_is_false_for_a_folder(data: DataHandler) -> None:
    data.path(Dir.TMP, "folder.txt").mkdir(parents=True)
    assert not data.exists(Dir.TMP, "folder.txt")


def test_size_and_delete(data: DataHandler) -> None:
    data.save(b"12345", Dir.TMP, "x.bin")
    assert data.size(Dir.TMP, "x.bin") == 5
    assert data.delete(Dir.TMP, "x.bin") is True
    assert data.delete(Dir.TMP, "x.bin") is False
    with pytest.raises(DataFileNotFoundError) as info:
        data.delete(Dir.TMP, "x.bin", missing_ok=False)
    assert info.value.operation == "delete"
    with pytest.raises(FileNotFoundError, match=r"File not found: x\.bin"):
        data.size(Dir.TMP, "x.bin")


def test_os_error_on_save_names_file_and_operation(tmp_path: Path) -> None:
    (tmp_path / "output").write_text("a file where the folder should be")
    data = DataHandler(ProjectPaths(tmp_path))
    with pytest.raises(FileOperationError) as info:
        data.save({"a": 1}, Dir.OUTPUT, "x.json")
    assert info.value.operation == "save"
    assert info.value.file_path == str(tmp_path / "output" / "x.json")
    assert "Could not save" in str(info.value) and "writable" in info.value.how_to_fix


def test_os_error_on_load_and_delete(data: DataHandler) -> None:
    data.path(Dir.DATA, "folder.json").mkdir(parents=True)
    with pytest.raises(FileOperationError) as loading:
        data.load(Dir.DATA, "folder.json")
    assert loading.value.operation == "load" and "Could not load" in str(loading.value)
    with pytest.raises(FileOperationError) as deleting:
        data.delete(Dir.DATA, "folder.json")
    assert deleting.value.operation == "delete" and "folder.json" in str(deleting.value)


def test_with_codec_returns_a_new_registry(tmp_path: Path) -> None:
    default = CodecRegistry.default()
    custom = default.with_codec(UpperCodec())
    assert ".up" in custom.extensions and ".up" not in default.extensions
    assert custom.for_path(Path("a.JSON")).name == "upper"
    assert default.for_path(Path("a.json")).name == "json"
    assert "csv" in repr(custom) and ".xlsx" in custom.extensions

    data = DataHandler(ProjectPaths(tmp_path), codecs=custom)
    data.save("shout", Dir.OUTPUT, "x.up")
    assert data.load(Dir.OUTPUT, "x.up") == "SHOUT"
    assert data.codecs is custom


def test_default_registry_covers_every_v21_extension() -> None:
    expected = {
        ".json": "json",
        ".txt": "text", ".log": "text", ".md": "text", ".html": "text", ".xml": "text",
        ".py": "text", ".csv": "csv", ".tsv": "csv", ".xlsx": "excel", ".xlsm": "excel",
        ".xls": "excel", ".yaml": "yaml", ".yml": "yaml", ".gz": "gzip",
        ".rapidstart": "gzip", ".bin": "binary", ".dat": "binary", ".pkl": "binary",
    }  # fmt: skip
    registry = CodecRegistry.default()
    assert {ext: registry.for_path(Path("f" + ext)).name for ext in expected} == expected
    assert set(registry.extensions) == set(expected)


_ISOLATION_SCRIPT = """
import sys, tempfile
import txo.data
from txo.data import DataHandler
from txo.paths import ProjectPaths
with tempfile.TemporaryDirectory() as root:
    data = DataHandler(ProjectPaths(root))
    data.save([{"a": "1"}], "output", "rows.csv")
    data.save({"a": 1}, "output", "x.json")
    assert data.load("output", "rows.csv") == [{"a": "1"}]
print(sorted(m for m in ("pandas", "yaml", "openpyxl", "numpy") if m in sys.modules))
"""


def test_importing_and_using_plain_codecs_does_not_import_optional_packages() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _ISOLATION_SCRIPT], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]", result.stderr
