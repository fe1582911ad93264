"""Reading a run's output files and comparing them by content, timestamps optionally aside.

* :func:`decode` turns raw bytes into what ``expectations.json`` records for a kind
  (text, decompressed gzip text, hex, Excel rows);
* :func:`matches` compares one file with its expectation;
* :func:`comparable` gives any file a normalised form for before/after-fix comparison:
  Excel as its rows, gzip decompressed, text with timestamps blanked, other bytes as hex.
"""

from __future__ import annotations

import difflib
import gzip
import hashlib
import io
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from txo.migrate.verify.corpus import ExpectedOutput

__all__ = [
    "BACKUP_MARKER",
    "UNTRACKED_FOLDERS",
    "changed_files",
    "comparable",
    "decode",
    "first_difference",
    "matches",
    "read_outputs",
    "snapshot",
    "strip_timestamps",
]

BACKUP_MARKER = "_backup_"
#: Folders whose files are never outputs: logs are checked as log lines, the rest is noise.
UNTRACKED_FOLDERS = frozenset({"logs", "tmp", "__pycache__", ".txo-verify", ".git", ".venv"})
_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|(?<!\d)\d{8}[_T-]?\d{6}(?!\d)"
)


def strip_timestamps(text: str) -> str:
    """Replace ISO-8601 date-times and ``YYYYMMDD_HHMMSS`` stamps with ``<timestamp>``."""
    return _TIMESTAMP.sub("<timestamp>", text)


def _excel_rows(data: bytes) -> Any:
    import pandas as pd  # only when a run writes Excel

    return json.loads(pd.read_excel(io.BytesIO(data)).to_json(orient="records"))


def decode(kind: str, data: bytes) -> Any:
    """The file's content the way ``expectations.json`` records it for ``kind``."""
    if kind == "text":
        return data.decode("utf-8")
    if kind == "gzip_text":
        return gzip.decompress(data).decode("utf-8")
    if kind == "hex":
        return data.hex()
    if kind == "xlsx_rows":
        return _excel_rows(data)
    raise ValueError(f"unknown output kind {kind!r}")


def _canonical(value: Any, ignore_timestamps: bool) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, indent=1)
    return strip_timestamps(text) if ignore_timestamps else text


def matches(expected: ExpectedOutput, data: bytes) -> tuple[bool, str]:
    """Whether ``data`` holds the expected content, and a short note on the first difference."""
    try:
        actual = decode(expected.kind, data)
    except Exception as exc:  # any decoding failure means the content does not match
        return False, f"cannot read as {expected.kind}: {type(exc).__name__}: {exc}"
    if expected.ignore_timestamps:
        want = _canonical(expected.content, True)
        got = _canonical(actual, True)
        return want == got, first_difference(want, got)
    if actual == expected.content:
        return True, ""
    return False, first_difference(_canonical(expected.content, False), _canonical(actual, False))


def first_difference(expected: str, actual: str, width: int = 60) -> str:
    """``line N: expected '…', got '…'`` for the first differing line ('' when equal)."""
    if expected == actual:
        return ""
    want, got = expected.splitlines(), actual.splitlines()
    matcher = difflib.SequenceMatcher(None, want, got, autojunk=False)
    for tag, i1, _i2, j1, _j2 in matcher.get_opcodes():
        if tag != "equal":
            old = want[i1] if i1 < len(want) else "<end>"
            new = got[j1] if j1 < len(got) else "<end>"
            return f"line {i1 + 1}: expected {old[:width]!r}, got {new[:width]!r}"
    return "differs only in line endings or trailing whitespace"


def comparable(name: str, data: bytes) -> str:
    """A normalised form of any output file, for comparing two runs apart from timestamps."""
    try:
        if name.endswith(".xlsx"):
            return _canonical(_excel_rows(data), True)
        if name.endswith(".gz"):
            data = gzip.decompress(data)
        return strip_timestamps(data.decode("utf-8"))
    except Exception:  # not text (or not a readable workbook/archive): compare the bytes
        return data.hex()


def read_outputs(root: Path) -> Mapping[str, bytes]:
    """Every file under ``root/output`` (backups aside), keyed by project-relative POSIX path."""
    folder = root / "output"
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and BACKUP_MARKER not in path.name
    }


def _tracked(root: Path) -> list[Path]:
    return [
        p
        for p in sorted(root.rglob("*"))
        if p.is_file()
        and not UNTRACKED_FOLDERS & set(p.relative_to(root).parts[:-1])
        and BACKUP_MARKER not in p.name
    ]


def snapshot(root: Path) -> dict[str, str]:
    """{project-relative path: sha256} of every file a run could create or change."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in _tracked(root)
    }


def changed_files(root: Path, before: Mapping[str, str]) -> dict[str, bytes]:
    """Every file under ``root`` created or changed since ``before`` (a :func:`snapshot`)."""
    changed = {}
    for path in _tracked(root):
        name = path.relative_to(root).as_posix()
        data = path.read_bytes()
        if before.get(name) != hashlib.sha256(data).hexdigest():
            changed[name] = data
    return changed
