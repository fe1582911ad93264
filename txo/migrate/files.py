"""Finding the files to check, and the paths reports show for them."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

__all__ = ["ALWAYS_EXCLUDED", "discover", "display_path"]

# Never descended into (hidden directories are skipped too, `.venv` among them).
ALWAYS_EXCLUDED = frozenset({"__pycache__", "venv", "node_modules", "site-packages"})


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
