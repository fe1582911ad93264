"""v2.1 ``utils.path_helpers`` over :mod:`txo.paths`.

The hidden ``lru_cache`` singleton of v2.1 is gone: the project root lives
in the compat runtime, so ``set_project_root()`` now lasts (v2.1
bug 4).  ``get_path`` also accepts the 2.1.0 singular aliases
(``log``/``file``/``schema``/``payload``).
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from txo import paths as v3
from txo.compat.runtime import current
from txo.compat.warnings import shim_of

__all__ = [
    "CategoryType",
    "Dir",
    "ProjectPaths",
    "cleanup_old_files",
    "cleanup_tmp",
    "ensure_file_backup",
    "format_size",
    "get_dir_size",
    "get_path",
    "get_project_root",
    "list_files",
    "set_project_root",
    "setup_import_path",
]

CategoryType = Literal[
    "config",
    "data",
    "files",
    "generated_payloads",
    "logs",
    "output",
    "payloads",
    "schemas",
    "tmp",
    "wsdl",
]
_ALIASES_210 = MappingProxyType(
    {"log": "logs", "file": "files", "schema": "schemas", "payload": "payloads"}
)
_UNITS = ("B", "KB", "MB", "GB", "TB")


@shim_of("utils.path_helpers.Dir")
class Dir:
    """v2.1 category constants; each is the v3 ``Dir`` member, which equals its string."""

    CONFIG = v3.Dir.CONFIG
    DATA = v3.Dir.DATA
    FILES = v3.Dir.FILES
    GENERATED_PAYLOADS = v3.Dir.GENERATED_PAYLOADS
    LOGS = v3.Dir.LOGS
    OUTPUT = v3.Dir.OUTPUT
    PAYLOADS = v3.Dir.PAYLOADS
    SCHEMAS = v3.Dir.SCHEMAS
    TMP = v3.Dir.TMP
    WSDL = v3.Dir.WSDL

    @classmethod
    def all(cls) -> set[str]:
        """Every category name."""
        return {d.value for d in v3.Dir}

    @classmethod
    def validate(cls, category: str) -> bool:
        """True if ``category`` is exactly one of the names."""
        return category in cls.all()


@shim_of("utils.path_helpers.ProjectPaths")
@dataclass(frozen=True, slots=True)
class ProjectPaths:
    """v2.1 ProjectPaths: the root and one attribute per category folder."""

    root: Path
    config: Path
    data: Path
    files: Path
    generated_payloads: Path
    logs: Path
    output: Path
    payloads: Path
    schemas: Path
    tmp: Path
    wsdl: Path

    @classmethod
    def init(cls, root_path: Path | str | None = None) -> ProjectPaths:
        """Paths for ``root_path``, else for the compat project root."""
        root = Path(root_path) if root_path is not None else current().root
        if not root.is_dir():
            raise ValueError(f"Invalid root path: {root} is not a directory")
        return cls(root, *(root / d.value for d in v3.Dir))

    def ensure_dirs(self, skip_dirs: list[str] | None = None) -> list[str]:
        """Create the missing category folders; return the names created."""
        created = []
        for category in v3.Dir:
            folder = self.root / category.value
            if (skip_dirs and category.value in skip_dirs) or folder.is_dir():
                continue
            folder.mkdir(parents=True, exist_ok=True)
            created.append(category.value)
        return created

    def validate_structure(self) -> tuple[list[str], list[str]]:
        """(existing, missing) category names."""
        existing = [d.value for d in v3.Dir if (self.root / d.value).is_dir()]
        missing = [d.value for d in v3.Dir if not (self.root / d.value).is_dir()]
        return existing, missing

    def get_dir_sizes(self) -> dict[str, int]:
        """Recursive size in bytes of each existing folder, plus ``root``."""
        sizes = {"root": _tree_size(self.root)}
        for category in v3.Dir:
            folder = self.root / category.value
            if folder.is_dir():
                sizes[category.value] = _tree_size(folder)
        return sizes


def v3_paths() -> v3.ProjectPaths:
    """The v3 ProjectPaths for the compat project root."""
    return v3.ProjectPaths(current().root)


def category_name(category: str) -> str:
    """The exact category for ``category`` (2.1.0 aliases allowed), or ValueError."""
    name = _ALIASES_210[category] if category in _ALIASES_210 else str(category)
    if name not in Dir.all():
        valid = ", ".join(sorted(Dir.all()))
        raise ValueError(f"Invalid category '{category}'. Must be exactly one of: {valid}")
    return name


@shim_of("utils.path_helpers.get_path")
def get_path(category: str, filename: str, ensure_parent: bool = True) -> Path:
    """``<root>/<category>/<filename>``; ``ensure_parent`` creates the parent folder."""
    target = v3_paths().path(category_name(category), filename)
    if ensure_parent:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OSError(f"Cannot create parent directory for {target}: {exc}") from exc
    return target


@shim_of("utils.path_helpers.set_project_root")
def set_project_root(path: Path | str) -> None:
    """Use ``path`` as the project root from now on (lasting, unlike v2.1)."""
    root = Path(path)
    if not root.exists():
        raise ValueError(f"Project root does not exist: {root}")
    if not root.is_dir():
        raise ValueError(f"Project root is not a directory: {root}")
    current().set_root(root.resolve())


@shim_of("utils.path_helpers.setup_import_path")
def setup_import_path() -> None:
    """3.1: put the project root on ``sys.path`` (first), so ``import utils…`` resolves."""
    root = str(current().root)
    if root not in sys.path:
        sys.path.insert(0, root)


@shim_of("utils.path_helpers.get_project_root")
def get_project_root() -> Path:
    """The project root."""
    return current().root


@shim_of("utils.path_helpers.cleanup_old_files")
def cleanup_old_files(
    category: str, days: int = 30, pattern: str = "*", dry_run: bool = False
) -> list[Path]:
    """Delete (or list, with ``dry_run``) files in the folder older than ``days``."""
    folder = v3_paths().dir(category_name(category))
    if not folder.is_dir():
        return []
    cutoff = current().clock.time() - days * 86400
    old = [p for p in sorted(folder.glob(pattern)) if p.is_file() and p.stat().st_mtime < cutoff]
    if not dry_run:
        for path in old:
            path.unlink(missing_ok=True)
    return old


@shim_of("utils.path_helpers.cleanup_tmp")
def cleanup_tmp(max_age_hours: int = 24) -> int:
    """Remove files and folders in tmp/ older than ``max_age_hours``; return how many."""
    folder = v3_paths().dir(v3.Dir.TMP)
    if not folder.is_dir():
        return 0
    cutoff = current().clock.time() - max_age_hours * 3600
    removed = 0
    for entry in sorted(folder.iterdir()):
        if entry.stat().st_mtime >= cutoff:
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed += 1
    return removed


@shim_of("utils.path_helpers.format_size")
def format_size(size_bytes: float) -> str:
    """``69`` → ``"69.00 B"``; units B…PB by 1024."""
    size = float(size_bytes)
    for unit in _UNITS:
        if abs(size) < 1024:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


@shim_of("utils.path_helpers.get_dir_size")
def get_dir_size(category: str, human_readable: bool = True) -> str | int:
    """Recursive size of a category folder (``"0 B"``/0 when it does not exist)."""
    folder = v3_paths().dir(category_name(category))
    if not folder.is_dir():
        return "0 B" if human_readable else 0
    total = _tree_size(folder)
    return format_size(total) if human_readable else total


@shim_of("utils.path_helpers.list_files")
def list_files(category: str, pattern: str = "*", recursive: bool = False) -> list[Path]:
    """Sorted files in a category folder matching ``pattern``."""
    folder = v3_paths().dir(category_name(category))
    if not folder.is_dir():
        return []
    found = folder.rglob(pattern) if recursive else folder.glob(pattern)
    return sorted(p for p in found if p.is_file())


@shim_of("utils.path_helpers.ensure_file_backup")
def ensure_file_backup(category: str, filename: str, max_backups: int = 5) -> Path | None:
    """Copy the file to ``<stem>_backup_<YYYYmmdd_HHMMSS><suffix>``; keep the newest N."""
    source = v3_paths().path(category_name(category), filename)
    if not source.is_file():
        return None
    stamp = datetime.fromtimestamp(current().clock.time()).strftime("%Y%m%d_%H%M%S")
    backup = source.with_name(f"{source.stem}_backup_{stamp}{source.suffix}")
    shutil.copy2(source, backup)
    backups = sorted(source.parent.glob(f"{source.stem}_backup_*{source.suffix}"))
    for old in backups[: max(0, len(backups) - max_backups)]:
        old.unlink(missing_ok=True)
    return backup


def _tree_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
