"""Atomic file replacement: readers see the old file or the new one, never half of either.

The content goes to a temporary file in the target's folder (same file
system, so ``os.replace`` is atomic), is flushed and fsynced, then renamed
over the target.  Any failure - an encoder raising half-way, a full disk,
Ctrl-C - removes the temporary file and leaves the previous target as it was.

Only ``kill -9`` (or a power cut) can leave a temporary file behind.  The
next successful save of the same target removes that target's temporary
files that have not been written to for a grace period (a younger one may
belong to a save still running in another process); :func:`stale_temp_files`
finds them in a whole folder.  Age is judged by an injected clock.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from txo.clock import Clock, SystemClock

__all__ = [
    "DEFAULT_TEMP_GRACE_SECONDS",
    "TEMP_SUFFIX",
    "atomic_write",
    "remove_temp_files",
    "stale_temp_files",
]

TEMP_SUFFIX = ".txo-tmp"
DEFAULT_TEMP_GRACE_SECONDS = 15 * 60.0
_HEX_LENGTH = 12
_TEMP_NAME = re.compile(rf"^\.(?P<target>.+)\.[0-9a-f]{{{_HEX_LENGTH}}}{re.escape(TEMP_SUFFIX)}$")
logger = logging.getLogger(__name__)
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


@contextlib.contextmanager
def atomic_write(
    target: str | os.PathLike[str],
    *,
    clock: Clock | None = None,
    temp_grace: float = DEFAULT_TEMP_GRACE_SECONDS,
) -> Iterator[BinaryIO]:
    """Yield a binary stream; on clean exit it atomically becomes ``target``.

    A symbolic link is followed: the file it points to is replaced and the link
    is kept.  The parent folder is created.  An existing target keeps its
    permission bits (the temp file has them from the start, so a private file
    is never readable by others); a new one gets the usual umask-based mode.
    After the rename, the target's own temporary files older than
    ``temp_grace`` seconds (by ``clock.time()``) are removed.
    """
    path = Path(os.path.realpath(target))  # through a symlink: replace the linked file
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _existing_mode(path)
    temp, fd = _create_temp(path, 0o666 if mode is None else mode)
    try:
        with os.fdopen(fd, "wb") as stream:
            if mode is not None:
                os.chmod(temp, mode)  # the umask may have narrowed it; never widened it
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    _fsync_folder(path.parent)
    _sweep(path, clock or SystemClock(), temp_grace)


def _sweep(path: Path, clock: Clock, grace: float) -> None:
    """Remove ``path``'s stale temp files; the save has succeeded, so this never fails it."""
    try:
        stale = stale_temp_files(path.parent, clock.time(), grace)
    except OSError:  # pragma: no cover - the folder was just written to
        return
    remove_temp_files([p for p in stale if _temp_of(p) == path.name])


def _create_temp(path: Path, mode: int) -> tuple[Path, int]:
    """A new hidden file beside ``path``; O_EXCL so two writers never share one."""
    while True:
        temp = path.with_name(f".{path.name}.{secrets.token_hex(_HEX_LENGTH // 2)}{TEMP_SUFFIX}")
        try:
            return temp, os.open(temp, _CREATE_FLAGS, mode)
        except FileExistsError:  # pragma: no cover - 48 random bits collided
            continue


def _existing_mode(path: Path) -> int | None:
    """The permission bits of the file being replaced; None for a new file.

    The temp file gets them from its creation on, so a private (0600) file's new content
    is never readable by others, not even while it is being written.
    """
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None


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


def _temp_of(path: Path) -> str | None:
    """The target name a temporary file was written for, or None if it is not one of ours."""
    match = _TEMP_NAME.match(path.name)
    return match["target"] if match else None


def stale_temp_files(
    folder: Path, now: float, grace: float, *, recursive: bool = False
) -> list[Path]:
    """Our temporary files in ``folder`` last modified more than ``grace`` seconds before
    ``now``; a missing folder has none."""
    pattern = f"**/.*{TEMP_SUFFIX}" if recursive else f".*{TEMP_SUFFIX}"
    found = []
    for path in sorted(folder.glob(pattern)):
        if _temp_of(path) is None:
            continue
        with contextlib.suppress(FileNotFoundError):  # another sweep got there first
            if path.is_file() and path.stat().st_mtime < now - grace:
                found.append(path)
    return found


def remove_temp_files(paths: list[Path]) -> list[Path]:
    """Delete the files; those already gone or not removable are skipped (and logged)."""
    removed = []
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            logger.warning("Could not remove stale temp file %s: %s", path, exc.strerror or exc)
            continue
        removed.append(path)
    if removed:
        logger.info("Removed %d stale temp file(s) in %s", len(removed), removed[0].parent)
    return removed
