"""Temp files left by a killed save are swept: on the next save of the same target, and on
request for a whole folder.  Staleness is judged by an injected clock, never by sleeping."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from txo.data import DataHandler, atomic_write
from txo.data.atomic import DEFAULT_TEMP_GRACE_SECONDS, TEMP_SUFFIX
from txo.paths import Dir, ProjectPaths
from txo.testing import FakeClock

WALL = 1_800_000_000.0
ROOT = str(Path(__file__).resolve().parents[3])


def leftover(folder: Path, target: str, hex_part: str, age: float) -> Path:
    """A temp file as a killed save leaves it, last written ``age`` seconds before WALL."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f".{target}.{hex_part}{TEMP_SUFFIX}"
    path.write_bytes(b"partial" * 100)
    os.utime(path, (WALL - age, WALL - age))
    return path


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(wall_start=WALL)


@pytest.fixture
def data(tmp_path: Path, clock: FakeClock) -> DataHandler:
    return DataHandler(ProjectPaths(tmp_path), clock=clock)


def test_next_save_of_the_target_sweeps_its_stale_temp_files(
    data: DataHandler, tmp_path: Path
) -> None:
    folder = tmp_path / "output"
    stale = leftover(folder, "rows.json", "0123456789ab", DEFAULT_TEMP_GRACE_SECONDS + 1)
    fresh = leftover(folder, "rows.json", "ba9876543210", DEFAULT_TEMP_GRACE_SECONDS - 60)
    other = leftover(folder, "other.json", "0123456789ab", DEFAULT_TEMP_GRACE_SECONDS * 10)
    unrelated = folder / ".rows.json.not-hex.txo-tmp"
    unrelated.write_bytes(b"x")
    os.utime(unrelated, (0, 0))

    data.save({"a": 1}, Dir.OUTPUT, "rows.json")

    assert not stale.exists()
    assert fresh.exists(), "a temp file younger than the grace period may be a live write"
    assert other.exists(), "only the saved target's temp files are swept on save"
    assert unrelated.exists()
    assert data.load(Dir.OUTPUT, "rows.json") == {"a": 1}


def test_atomic_write_sweeps_with_its_own_clock_and_grace(tmp_path: Path) -> None:
    clock = FakeClock(wall_start=WALL)
    stale = leftover(tmp_path, "x.bin", "aaaaaaaaaaaa", 120)
    with atomic_write(tmp_path / "x.bin", clock=clock, temp_grace=60) as stream:
        stream.write(b"new")
    assert not stale.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["x.bin"]


def test_the_current_write_is_never_swept(tmp_path: Path) -> None:
    clock = FakeClock(wall_start=WALL + 10_000_000)  # every file on disk looks ancient
    with atomic_write(tmp_path / "x.bin", clock=clock, temp_grace=0) as stream:
        stream.write(b"new")
    assert (tmp_path / "x.bin").read_bytes() == b"new"


def test_cleanup_of_a_folder_dry_run_then_delete(
    data: DataHandler, tmp_path: Path, clock: FakeClock
) -> None:
    old = DEFAULT_TEMP_GRACE_SECONDS + 1
    stale = [
        leftover(tmp_path / "output", "a.csv", "0123456789ab", old),
        leftover(tmp_path / "output" / "2024", "b.json", "abcdef012345", old),
    ]
    fresh = leftover(tmp_path / "output", "c.csv", "0123456789ab", 5)
    elsewhere = leftover(tmp_path / "data", "d.csv", "0123456789ab", old)

    planned = data.clean_temp_files(Dir.OUTPUT, dry_run=True)
    assert sorted(planned) == sorted(stale)
    assert all(p.exists() for p in stale)

    removed = data.clean_temp_files(Dir.OUTPUT)
    assert sorted(removed) == sorted(stale)
    assert not any(p.exists() for p in stale)
    assert fresh.exists() and elsewhere.exists()

    assert data.clean_temp_files(Dir.OUTPUT, grace_seconds=0) == [fresh]
    assert data.clean_temp_files("output") == []


def test_cleanup_of_a_missing_folder_is_empty(data: DataHandler) -> None:
    assert data.clean_temp_files(Dir.TMP) == []


CHILD = """
import sys
from txo.data import atomic_write
with atomic_write(sys.argv[1]) as stream:
    stream.write(b"partial" * 100_000)
    stream.flush()
    print("writing", flush=True)
    sys.stdin.read()  # killed here, mid-save
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_a_save_killed_with_sigkill_is_swept_by_the_next_save(tmp_path: Path) -> None:
    target = tmp_path / "output" / "rows.json"
    target.parent.mkdir()
    target.write_text('{"old": true}', encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(target)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": ROOT},
    )  # fmt: skip
    assert child.stdout is not None and child.stdout.readline() == b"writing\n"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.stdin is not None and child.stdout is not None
    child.stdin.close()
    child.stdout.close()
    left = list(target.parent.glob(f".rows.json.*{TEMP_SUFFIX}"))
    assert len(left) == 1 and target.read_text(encoding="utf-8") == '{"old": true}'

    later = FakeClock(wall_start=left[0].stat().st_mtime + DEFAULT_TEMP_GRACE_SECONDS + 1)
    DataHandler(ProjectPaths(tmp_path), clock=later).save({"new": 1}, Dir.OUTPUT, "rows.json")
    assert [p.name for p in target.parent.iterdir()] == ["rows.json"]
