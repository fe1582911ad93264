"""The embedded backend: one SQLite file that the processes on one machine share.

WAL mode lets readers run beside the single writer; every read-modify-write
is one ``BEGIN IMMEDIATE`` transaction of a few statements, so the write lock
is held for microseconds and never across a sleep or a request.  The file is
created with mode 0600 (SQLite gives its ``-wal`` and ``-shm`` files the same
mode); tokens in it are sealed (see :mod:`txo.fleet.sealing`), never clear.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from txo.fleet.backend import BackendUnavailable

__all__ = ["SQLiteBackend"]

_T = TypeVar("_T")

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS buckets (key TEXT PRIMARY KEY, tokens REAL, stamp REAL)",
    "CREATE TABLE IF NOT EXISTS cooldowns (key TEXT PRIMARY KEY, until REAL)",
    "CREATE TABLE IF NOT EXISTS leases (key TEXT, holder TEXT, expires_at REAL,"
    " PRIMARY KEY (key, holder))",
    "CREATE TABLE IF NOT EXISTS waiters (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT,"
    " holder TEXT, expires_at REAL, UNIQUE (key, holder))",
    "CREATE TABLE IF NOT EXISTS locks (key TEXT PRIMARY KEY, holder TEXT, expires_at REAL)",
    "CREATE TABLE IF NOT EXISTS secrets (key TEXT PRIMARY KEY, blob BLOB, expires_at REAL)",
)


class SQLiteBackend:
    """A :class:`~txo.fleet.backend.Backend` on a SQLite file (stdlib ``sqlite3``)."""

    name = "sqlite"

    def __init__(self, path: str | os.PathLike[str], *, busy_timeout: float = 2.0) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db = self._guard(lambda: _connect(self.path, busy_timeout))
        self._closed = False

    def __repr__(self) -> str:
        return f"SQLiteBackend({str(self.path)!r})"

    # --- rate budget and cool-down -------------------------------------------------

    def reserve(self, key: str, rate: float, burst: float, now: float) -> float:
        def step(db: sqlite3.Connection) -> float:
            row = db.execute("SELECT tokens, stamp FROM buckets WHERE key = ?", (key,)).fetchone()
            tokens, stamp = (burst, now) if row is None else (float(row[0]), float(row[1]))
            if now > stamp:
                tokens, stamp = min(burst, tokens + (now - stamp) * rate), now
            tokens -= 1.0
            db.execute("INSERT OR REPLACE INTO buckets VALUES (?, ?, ?)", (key, tokens, stamp))
            return 0.0 if tokens >= 0 else -tokens / rate

        return self._transaction(step)

    def pause(self, key: str, until: float, now: float) -> float:
        def step(db: sqlite3.Connection) -> float:
            db.execute(
                "INSERT INTO cooldowns VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
                " SET until = max(until, excluded.until)",
                (key, until),
            )
            return float(
                db.execute("SELECT until FROM cooldowns WHERE key = ?", (key,)).fetchone()[0]
            )

        return self._transaction(step)

    def paused_until(self, key: str) -> float:
        row = self._read("SELECT until FROM cooldowns WHERE key = ?", (key,))
        return 0.0 if row is None else float(row[0])

    # --- concurrency leases and locks ------------------------------------------------

    def acquire_lease(
        self, key: str, holder: str, limit: int, now: float, ttl: float, queue_ttl: float = 1.0
    ) -> bool:
        def step(db: sqlite3.Connection) -> bool:
            db.execute("DELETE FROM leases WHERE key = ? AND expires_at <= ?", (key, now))
            db.execute("DELETE FROM waiters WHERE key = ? AND expires_at <= ?", (key, now))
            db.execute(
                "INSERT INTO waiters (key, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT"
                " (key, holder) DO UPDATE SET expires_at = excluded.expires_at",
                (key, holder, now + queue_ttl),
            )
            (held,) = db.execute("SELECT count(*) FROM leases WHERE key = ?", (key,)).fetchone()
            (ahead,) = db.execute(
                "SELECT count(*) FROM waiters WHERE key = ? AND seq <"
                " (SELECT seq FROM waiters WHERE key = ? AND holder = ?)",
                (key, key, holder),
            ).fetchone()
            if held + ahead >= limit:
                return False
            db.execute("DELETE FROM waiters WHERE key = ? AND holder = ?", (key, holder))
            db.execute("INSERT OR REPLACE INTO leases VALUES (?, ?, ?)", (key, holder, now + ttl))
            return True

        return self._transaction(step)

    def release_lease(self, key: str, holder: str) -> None:
        def step(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM leases WHERE key = ? AND holder = ?", (key, holder))
            db.execute("DELETE FROM waiters WHERE key = ? AND holder = ?", (key, holder))

        self._transaction(step)

    def try_lock(self, key: str, holder: str, now: float, ttl: float) -> bool:
        def step(db: sqlite3.Connection) -> bool:
            row = db.execute(
                "SELECT holder, expires_at FROM locks WHERE key = ?", (key,)
            ).fetchone()
            if row is not None and row[0] != holder and float(row[1]) > now:
                return False
            db.execute("INSERT OR REPLACE INTO locks VALUES (?, ?, ?)", (key, holder, now + ttl))
            return True

        return self._transaction(step)

    def unlock(self, key: str, holder: str) -> None:
        self._transaction(
            lambda db: db.execute("DELETE FROM locks WHERE key = ? AND holder = ?", (key, holder))
        )

    # --- sealed secrets -----------------------------------------------------------------

    def get_secret(self, key: str, now: float) -> bytes | None:
        row = self._read("SELECT blob FROM secrets WHERE key = ? AND expires_at > ?", (key, now))
        return None if row is None else bytes(row[0])

    def put_secret(self, key: str, blob: bytes, expires_at: float, now: float) -> None:
        def step(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM secrets WHERE expires_at <= ?", (now,))
            db.execute("INSERT OR REPLACE INTO secrets VALUES (?, ?, ?)", (key, blob, expires_at))

        self._transaction(step)

    def delete_secret(self, key: str, blob: bytes | None = None) -> None:
        self._transaction(
            lambda db: db.execute(
                "DELETE FROM secrets WHERE key = ? AND (? IS NULL OR blob = ?)", (key, blob, blob)
            )
        )

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._db.close()

    # --- plumbing -------------------------------------------------------------------------

    def _read(self, sql: str, args: tuple[object, ...]) -> tuple[Any, ...] | None:
        def run() -> tuple[object, ...] | None:
            with self._lock:
                row: tuple[Any, ...] | None = self._db.execute(sql, args).fetchone()
                return row

        return self._guard(run)

    def _transaction(self, step: Callable[[sqlite3.Connection], _T]) -> _T:
        def run() -> _T:
            with self._lock, _immediate(self._db) as db:
                return step(db)

        return self._guard(run)

    def _guard(self, run: Callable[[], _T]) -> _T:
        try:
            return run()
        except (sqlite3.Error, OSError) as exc:
            raise BackendUnavailable(f"SQLite file {self.path}: {exc}") from exc


@contextmanager
def _immediate(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: taken at once (no upgrade deadlock), rolled back on error."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))  # 0600 before SQLite opens it
    db = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints; state is transient
    with _immediate(db):
        for statement in _SCHEMA:
            db.execute(statement)
    return db
