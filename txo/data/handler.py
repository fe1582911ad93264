"""``DataHandler``: save and load project files, one codec per file type.

The handler resolves ``<root>/<category>/<name>``, picks the codec from the
extension, lets the codec validate the value, and writes atomically.  It
holds no global state: build one per project (the runner does) and pass it on.
"""

from __future__ import annotations

import errno
import logging
import os
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import Any, NoReturn

from txo.clock import Clock, SystemClock
from txo.data.atomic import (
    DEFAULT_TEMP_GRACE_SECONDS,
    atomic_write,
    remove_temp_files,
    stale_temp_files,
)
from txo.data.codecs.registry import CodecRegistry
from txo.errors import FileOperationError, TxoError, ValidationError
from txo.paths import Dir, ProjectPaths

__all__ = ["DataFileNotFoundError", "DataHandler"]

logger = logging.getLogger(__name__)


class DataFileNotFoundError(FileOperationError, FileNotFoundError):
    """The file to load does not exist.

    Also a ``FileNotFoundError`` so that ``except FileNotFoundError`` in
    v2.1-era code keeps working.
    """

    def __init__(self, path: Path, operation: str) -> None:
        super().__init__(
            f"File not found: {path.name} in {path.parent}",
            "Check the file name and the category folder; save the file first, or test "
            "with data.exists(category, name) before loading.",
            f"if data.exists(Dir.{_category_member(path)}, {path.name!r}):\n"
            f"    value = data.load(Dir.{_category_member(path)}, {path.name!r})",
            file_path=str(path),
            operation=operation,
        )
        self.errno = errno.ENOENT
        self.strerror = "No such file or directory"
        self.filename = str(path)


def _category_member(path: Path) -> str:
    """The ``Dir`` member whose folder holds ``path`` (for the example), else DATA."""
    for folder in path.parents:
        if folder.name in Dir.__members__.values():
            return Dir(folder.name).name
    return "DATA"


class DataHandler:
    """Saves and loads files under a project's category folders."""

    __slots__ = ("_clock", "_codecs", "_paths", "_temp_grace")

    def __init__(
        self,
        paths: ProjectPaths,
        *,
        codecs: CodecRegistry | None = None,
        clock: Clock | None = None,
        temp_grace_seconds: float = DEFAULT_TEMP_GRACE_SECONDS,
    ) -> None:
        self._paths = paths
        self._codecs = codecs if codecs is not None else CodecRegistry.default()
        self._clock = clock if clock is not None else SystemClock()
        self._temp_grace = temp_grace_seconds

    @property
    def codecs(self) -> CodecRegistry:
        """The registry this handler dispatches through."""
        return self._codecs

    def path(self, category: Dir | str, name: str) -> Path:
        """``<root>/<category>/<name>``; ``name`` may not leave the category folder."""
        parts = PurePath(name).parts
        if not name or PurePath(name).is_absolute() or ".." in parts:
            raise ValidationError(
                f"Invalid file name {name!r}: it must be a relative path inside the "
                f"{Dir.parse(category).value}/ folder.",
                "Pass a plain file name (sub-folders are fine), without '..' or a leading '/'.",
                "data.save(rows, Dir.OUTPUT, 'reports/2024/result.json')",
                field="name",
            )
        return self._paths.path(category, name)

    def save(self, obj: Any, category: Dir | str, name: str, **options: Any) -> Path:
        """Validate ``obj`` for the extension, then write it atomically; returns the path."""
        target = self.path(category, name)
        writer = self._codecs.for_path(target).encoder(obj, target, **options)
        try:
            with atomic_write(target, clock=self._clock, temp_grace=self._temp_grace) as stream:
                writer(stream)
        except TxoError:
            raise
        except OSError as exc:
            _raise_os_error(exc, target, "save")
        logger.debug("Saved %s (%d bytes)", target, target.stat().st_size)
        return target

    def utc_timestamp(self) -> str:
        """The handler's clock as UTC ``YYYY-MM-DDTHHMMSSZ`` (sortable, safe in file names)."""
        return datetime.fromtimestamp(self._clock.time(), UTC).strftime("%Y-%m-%dT%H%M%SZ")

    def timestamped_name(self, name: str, timestamp: str | None = None) -> str:
        """``name`` with ``_<timestamp>`` before the last dot of its file name
        (``report.json`` → ``report_2024-05-01T080907Z.json``); appended if it has none."""
        stamp = timestamp if timestamp is not None else self.utc_timestamp()
        folder, _, filename = name.rpartition("/")
        stem, dot, suffix = filename.rpartition(".")
        stamped = f"{stem}_{stamp}.{suffix}" if dot and stem else f"{filename}_{stamp}"
        return f"{folder}/{stamped}" if folder else stamped

    def save_with_timestamp(
        self,
        obj: Any,
        category: Dir | str,
        name: str,
        *,
        add_timestamp: bool = True,
        **options: Any,
    ) -> Path:
        """:meth:`save` under :meth:`timestamped_name` (or ``name`` when not ``add_timestamp``),
        so repeated runs keep every output instead of overwriting one file."""
        target = self.timestamped_name(name) if add_timestamp else name
        return self.save(obj, category, target, **options)

    def load(self, category: Dir | str, name: str, **options: Any) -> Any:
        """Read the file with the codec for its extension."""
        source = self.path(category, name)
        codec = self._codecs.for_path(source)
        if not source.exists():
            raise DataFileNotFoundError(source, "load")
        try:
            value = codec.load(source, **options)
        except TxoError:
            raise
        except OSError as exc:
            _raise_os_error(exc, source, "load")
        logger.debug("Loaded %s", source)
        return value

    def exists(self, category: Dir | str, name: str, *, check_empty: bool = False) -> bool:
        """True if the file exists (and, with ``check_empty``, is not empty)."""
        target = self.path(category, name)
        if not target.is_file():
            return False
        return not check_empty or self._stat(target, "exists").st_size > 0

    def delete(self, category: Dir | str, name: str, *, missing_ok: bool = True) -> bool:
        """Remove the file; False if it was already gone (or an error without ``missing_ok``)."""
        target = self.path(category, name)
        try:
            target.unlink()
        except FileNotFoundError:
            if missing_ok:
                return False
            raise DataFileNotFoundError(target, "delete") from None
        except OSError as exc:
            _raise_os_error(exc, target, "delete")
        logger.debug("Deleted %s", target)
        return True

    def clean_temp_files(
        self,
        category: Dir | str,
        *,
        dry_run: bool = False,
        grace_seconds: float | None = None,
    ) -> list[Path]:
        """Remove temporary files that killed saves left in a category folder (and below).

        Only files not written to for ``grace_seconds`` (default: the handler's grace
        period) are stale; a younger one may be a save still running.  With
        ``dry_run`` nothing is deleted.  Returns the files removed (or that would be).
        """
        folder = self._paths.dir(category)
        grace = self._temp_grace if grace_seconds is None else grace_seconds
        stale = stale_temp_files(folder, self._clock.time(), grace, recursive=True)
        if dry_run:
            return stale
        return remove_temp_files(stale)

    def size(self, category: Dir | str, name: str) -> int:
        """The file size in bytes."""
        return self._stat(self.path(category, name), "size").st_size

    @staticmethod
    def _stat(target: Path, operation: str) -> os.stat_result:
        try:
            return target.stat()
        except OSError as exc:
            _raise_os_error(exc, target, operation)

    def __repr__(self) -> str:
        return f"DataHandler(paths={self._paths!r}, codecs={self._codecs!r})"


def _raise_os_error(exc: OSError, target: Path, operation: str) -> NoReturn:
    """Turn an OSError into a FileOperationError that names the file and the operation."""
    if isinstance(exc, FileNotFoundError) and exc.filename in (str(target), None):
        raise DataFileNotFoundError(target, operation) from exc
    raise FileOperationError(
        f"Could not {operation} {target}: {exc.strerror or exc}.",
        "Check that the folder exists and is writable, the disk is not full, "
        "and no other program holds the file open.",
        f"ls -l {target.parent}",
        file_path=str(target),
        operation=operation,
    ) from exc
