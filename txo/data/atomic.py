"""Atomic file replacement: readers see the old file or the new one, never half of either.

The content goes to a temporary file in the target's folder (same file
system, so ``os.replace`` is atomic), is flushed and fsynced, then renamed
over the target.  Any failure - an encoder raising half-way, a full disk,
Ctrl-C - removes the temporary file and leaves the previous target as it was.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["TEMP_SUFFIX", "atomic_write"]

TEMP_SUFFIX = ".txo-tmp"
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


@contextlib.contextmanager
def atomic_write(target: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Yield a binary stream; on clean exit it atomically becomes ``target``.

    The parent folder is created.  An existing target keeps its permission
    bits; a new one gets the usual umask-based mode.
    """
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp, fd = _create_temp(path)
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        _copy_mode(path, temp)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    _fsync_folder(path.parent)


def _create_temp(path: Path) -> tuple[Path, int]:
    """A new hidden file beside ``path``; O_EXCL so two writers never share one."""
    while True:
        temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}")
        try:
            return temp, os.open(temp, _CREATE_FLAGS, 0o666)
        except FileExistsError:  # pragma: no cover - 48 random bits collided
            continue


def _copy_mode(path: Path, temp: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.chmod(temp, stat.S_IMODE(path.stat().st_mode))


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); best effort where folders cannot be opened."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
