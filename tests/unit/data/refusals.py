"""What the data suites assert about a refused save or load: the error's four parts, and that
a refused save wrote nothing."""

from pathlib import Path
from typing import Any

import pytest

from txo.data import DataHandler
from txo.errors import ValidationError
from txo.paths import Dir


def explained(error: ValidationError) -> tuple[str, str, str | None, str | None]:
    """The error as a user reads it: what went wrong, the fix, the example, the field."""
    return error.what_went_wrong, error.how_to_fix, error.example, error.field


def save_error(data: DataHandler, value: Any, name: str, **options: Any) -> ValidationError:
    """The error ``data.save`` raises; a refused save leaves no file behind."""
    with pytest.raises(ValidationError) as info:
        data.save(value, Dir.OUTPUT, name, **options)
    assert not data.exists(Dir.OUTPUT, name)
    return info.value


def load_error(data: DataHandler, name: str, **options: Any) -> ValidationError:
    """The error ``data.load`` raises for ``Dir.DATA / name``."""
    with pytest.raises(ValidationError) as info:
        data.load(Dir.DATA, name, **options)
    return info.value


def data_file(data: DataHandler, name: str, content: bytes) -> Path:
    """``content`` written as is to ``Dir.DATA / name`` (bytes a user's file may hold)."""
    path = data.path(Dir.DATA, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path
