"""Finding the files to check or fix, reading them, and the paths reports show for them.

One walker and one reader for every sub-command, so ``check`` and ``fix``
always agree on which files exist and what they say.
"""

from __future__ import annotations

import fnmatch
import io
import os
import tokenize
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ALWAYS_EXCLUDED", "SourceFile", "discover", "display_path", "read_source_file"]

# Never descended into (hidden directories are skipped too: `.venv`, `.git`, `.idea`, caches).
# Build output holds copies of the sources: reporting or rewriting them twice helps nobody.
ALWAYS_EXCLUDED = frozenset(
    {"__pycache__", "venv", "node_modules", "site-packages", "build", "dist", "_build"}
    | {"__pypackages__", "buck-out"}
)


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A decoded source file and the encoding to write it back in (BOM kept as utf-8-sig)."""

    text: str
    encoding: str


def read_source_file(path: Path) -> SourceFile:
    """Decode a file the way Python would: UTF-8 (BOM allowed) unless a coding cookie says so."""
    data = path.read_bytes()
    if b"coding" in data[:400]:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    else:
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    return SourceFile(data.decode("utf-8-sig" if encoding == "utf-8" else encoding), encoding)


def display_path(path: Path, root: Path) -> str:
    """Path relative to `root` (resolved) in POSIX form, or absolute when outside it."""
    return _relative(path.resolve(), root)


def _relative(absolute: Path, root: Path) -> str:
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return absolute.as_posix()


def _excluded(name: str, rel: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(rel, p) for p in patterns)


def _walk(top: Path, root: Path, patterns: Sequence[str]) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(top):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".")
            and d not in ALWAYS_EXCLUDED
            and not _excluded(d, _relative(here / d, root), patterns)
        )
        for name in sorted(filenames):
            if name.endswith(".py") and not name.startswith("."):
                path = here / name
                if not _excluded(name, _relative(path, root), patterns):
                    yield path


def discover(
    paths: Sequence[str], root: Path, excludes: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """(path, display path) of each file to check, in a stable order, without duplicates.

    Directories are searched recursively for ``*.py``; a file named explicitly is
    checked whatever its name.  `excludes` are globs matched against a file or
    directory name and against its path relative to `root`.  Raises
    FileNotFoundError for a path that does not exist.
    """
    root = root.resolve()
    found: dict[str, str] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for file in _walk(path.resolve(), root, excludes):
                found.setdefault(str(file), _relative(file, root))
        elif path.is_file():
            found.setdefault(str(path.resolve()), display_path(path, root))
        else:
            raise FileNotFoundError(f"path does not exist: {raw}")
    return sorted(found.items(), key=lambda item: item[1])
