"""What the template's v3.1.x added to ``TxoDataHandler``: timestamps and multi-sheet workbooks.

* ``get_utc_timestamp()``: ``YYYY-MM-DDTHHMMSSZ`` in UTC, from the compat
  runtime's clock (so an instant or fake clock gives repeatable names).
* ``timestamped(filename)``: ``_<timestamp>`` inserted before the last dot.
* ``save_sheets({name: DataFrame}, path)``: one workbook, one sheet per entry,
  no index, written atomically; sheet names are checked as Excel (and 3.1)
  does: at most 31 characters, none of ``/ \\ ? * [ ]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from txo.compat.runtime import current
from txo.compat.v21._impl.exceptions import FileOperationError, ValidationError
from txo.data import atomic_write

__all__ = [
    "MAX_SHEET_NAME",
    "SHEET_FORBIDDEN",
    "check_sheet_name",
    "is_sheet_dict",
    "save_sheets",
    "timestamped",
    "utc_timestamp",
]

MAX_SHEET_NAME = 31
SHEET_FORBIDDEN = frozenset("/\\?*[]")
_SHEET_FIX = "Use at most 31 characters and none of / \\ ? * [ ] in sheet names."


def utc_timestamp() -> str:
    """Now (the compat clock) in UTC as ``YYYY-MM-DDTHHMMSSZ`` (3.1's file-name stamp)."""
    now = datetime.fromtimestamp(current().clock.time(), tz=UTC)
    return now.strftime("%Y-%m-%dT%H%M%SZ")


def timestamped(filename: str) -> str:
    """``report.xlsx`` → ``report_2025-01-15T143022Z.xlsx``; no dot: appended at the end."""
    stem, dot, suffix = filename.rpartition(".")
    if not dot or not stem:
        return f"{filename}_{utc_timestamp()}"
    return f"{stem}_{utc_timestamp()}.{suffix}"


def is_sheet_dict(data: Any) -> bool:
    """A non-empty ``{sheet name: DataFrame}`` mapping (3.1's multi-sheet save)."""
    return (
        isinstance(data, Mapping)
        and bool(data)
        and all(hasattr(v, "to_excel") and hasattr(v, "to_csv") for v in data.values())
    )


def check_sheet_name(name: Any) -> str:
    """``name`` if Excel accepts it as a sheet name, else the 3.1 ValidationError."""
    text = str(name)
    bad = sorted(SHEET_FORBIDDEN.intersection(text))
    if len(text) > MAX_SHEET_NAME:
        problem = f"Sheet name '{text}' is {len(text)} characters (Excel allows 31)"
    elif bad:
        problem = f"Sheet name '{text}' contains invalid characters: {' '.join(bad)}"
    elif not text:
        problem = "Sheet name is empty"
    else:
        return text
    error = ValidationError(problem, field="sheet_name", value=text)
    error.how_to_fix = _SHEET_FIX
    raise error


def save_sheets(sheets: Mapping[Any, Any], path: Path, *, index: bool = False) -> Path:
    """Write every DataFrame of ``sheets`` to its own sheet of one workbook at ``path``."""
    names = [check_sheet_name(name) for name in sheets]
    import pandas as pd

    try:
        with atomic_write(path) as stream, pd.ExcelWriter(stream, engine="openpyxl") as writer:
            for name, frame in zip(names, sheets.values(), strict=True):
                frame.to_excel(writer, sheet_name=name, index=index)
    except OSError as exc:
        raise FileOperationError(
            f"Failed to save {path.name}: {exc}", file_path=str(path), operation="save"
        ) from exc
    return path
