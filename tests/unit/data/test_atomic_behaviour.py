"""What an atomic save promises beyond "old or new": private files stay private while the new
content is written, the rename is made durable, and the stale temp sweep removes exactly the
files it reports, logging what it did and what it could not do."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from txo.data import atomic_write
from txo.data.atomic import TEMP_SUFFIX, remove_temp_files, stale_temp_files

WALL = 1_800_000_000.0
ROOT = str(Path(__file__).resolve().parents[3])
LOGGER = "txo.data.atomic"


def temp_file(folder: Path, target: str, hex_part: str, age: float) -> Path:
    """A temp file of ``target`` last written ``age`` seconds before WALL."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f".{target}.{hex_part}{TEMP_SUFFIX}"
    path.write_bytes(b"partial")
    os.utime(path, (WALL - age, WALL - age))
    return path


def temps_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX))


# --- permissions while writing -------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_private_file_is_never_readable_by_others_while_it_is_rewritten(
    tmp_path: Path,
) -> None:
    target = tmp_path / "token.json"
    target.write_bytes(b'{"token": "old"}')
    target.chmod(0o600)
    with atomic_write(target) as stream:
        [temp] = temps_in(tmp_path)
        assert stat.S_IMODE(temp.stat().st_mode) == 0o600, "the new secret is written here"
        stream.write(b'{"token": "new secret"}')
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes() == b'{"token": "new secret"}'


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_group_writable_file_stays_group_writable_whatever_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "shared.csv"
    target.write_bytes(b"old")
    target.chmod(0o666)  # wider than a usual umask (022) lets a new file be
    with atomic_write(target) as stream:
        stream.write(b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o666


# --- symbolic links -------------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="symbolic links need privileges on Windows")
def test_saving_through_a_symlink_updates_the_linked_file_and_keeps_the_link(
    tmp_path: Path,
) -> None:
    shared = tmp_path / "shared" / "report.csv"
    shared.parent.mkdir()
    shared.write_bytes(b"old")
    shared.chmod(0o640)
    link = tmp_path / "output" / "report.csv"
    link.parent.mkdir()
    link.symlink_to(shared)
    with atomic_write(link) as stream:
        stream.write(b"new")
    assert link.is_symlink() and link.readlink() == shared
    assert shared.read_bytes() == b"new" and link.read_bytes() == b"new"
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640
    assert temps_in(link.parent) == [] and temps_in(shared.parent) == []


# --- durability -----------------------------------------------------------------------

FSYNC_CHILD = """
import os, sys
from pathlib import Path
from txo.data import atomic_write

folder = os.path.realpath(sys.argv[1])
opened = []

def hook(event, args):
    if event == "open" and isinstance(args[0], (str, Path)):
        if os.path.realpath(args[0]) == folder:
            opened.append(args[2] & (os.O_WRONLY | os.O_RDWR))

sys.addaudithook(hook)
with atomic_write(Path(folder) / "x.bin") as stream:
    stream.write(b"new")
print(opened)
"""


@pytest.mark.skipif(os.name != "posix", reason="folders can be fsynced on POSIX only")
def test_the_rename_is_made_durable_by_fsyncing_the_folder_read_only(tmp_path: Path) -> None:
    with atomic_write(tmp_path / "x.bin") as stream:  # the child replaces this one
        stream.write(b"old")
    # An audit hook cannot be removed again, so it watches a child process.
    done = subprocess.run(
        [sys.executable, "-c", FSYNC_CHILD, str(tmp_path)],
        capture_output=True, check=True, env={**os.environ, "PYTHONPATH": ROOT}, timeout=60,
    )  # fmt: skip
    assert done.stdout.decode().strip() == "[0]"
    assert (tmp_path / "x.bin").read_bytes() == b"new"


# --- finding stale temp files ---------------------------------------------------------


def test_stale_temp_files_looks_only_in_the_folder_unless_recursive(tmp_path: Path) -> None:
    top = temp_file(tmp_path, "a.csv", "0123456789ab", 3600)
    below = temp_file(tmp_path / "2024", "b.csv", "0123456789ab", 3600)
    assert stale_temp_files(tmp_path, WALL, 60) == [top]
    assert sorted(stale_temp_files(tmp_path, WALL, 60, recursive=True)) == sorted([top, below])


def test_a_foreign_dot_file_does_not_stop_the_search(tmp_path: Path) -> None:
    foreign = tmp_path / f".a.not-ours{TEMP_SUFFIX}"  # sorts before ours
    foreign.write_bytes(b"keep")
    os.utime(foreign, (0, 0))
    ours = temp_file(tmp_path, "b.csv", "0123456789ab", 3600)
    assert sorted(tmp_path.iterdir())[0] == foreign
    assert stale_temp_files(tmp_path, WALL, 60) == [ours]


def test_a_temp_file_exactly_grace_seconds_old_is_not_yet_stale(tmp_path: Path) -> None:
    edge = temp_file(tmp_path, "a.csv", "0123456789ab", 60)
    older = temp_file(tmp_path, "b.csv", "0123456789ab", 61)
    assert stale_temp_files(tmp_path, WALL, 60) == [older]
    assert stale_temp_files(tmp_path, WALL, 59) == [edge, older]


def test_a_missing_folder_has_no_stale_temp_files(tmp_path: Path) -> None:
    assert stale_temp_files(tmp_path / "nowhere", WALL, 0, recursive=True) == []


# --- removing them --------------------------------------------------------------------


def test_removal_goes_on_past_a_file_already_gone_and_logs_the_count(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    gone = tmp_path / f".a.csv.0123456789ab{TEMP_SUFFIX}"
    first = temp_file(tmp_path, "b.csv", "0123456789ab", 3600)
    second = temp_file(tmp_path, "c.csv", "0123456789ab", 3600)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        removed = remove_temp_files([gone, first, second])
    assert removed == [first, second]
    assert temps_in(tmp_path) == []
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("INFO", f"Removed 2 stale temp file(s) in {tmp_path}")
    ]


def test_removal_goes_on_past_a_file_it_cannot_remove_and_says_why(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    stuck = tmp_path / f".a.csv.0123456789ab{TEMP_SUFFIX}"
    stuck.mkdir()  # unlink() of a folder fails with an OSError other than "not found"
    stuck_error = OSError()
    try:
        stuck.unlink()
    except OSError as exc:
        stuck_error = exc
    later = temp_file(tmp_path, "b.csv", "0123456789ab", 3600)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        removed = remove_temp_files([stuck, later])
    assert removed == [later] and not later.exists() and stuck.is_dir()
    assert stuck_error.strerror
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", f"Could not remove stale temp file {stuck}: {stuck_error.strerror}"),
        ("INFO", f"Removed 1 stale temp file(s) in {tmp_path}"),
    ]


def test_nothing_removed_logs_nothing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        assert remove_temp_files([tmp_path / f".x.0123456789ab{TEMP_SUFFIX}"]) == []
    assert caplog.records == []
