"""Contract tests: the SQLite and Redis backends give the same answers to the same calls.

Redis is a real ``redis-server`` on a random loopback port; two backend
objects on one store stand for two processes.  Times are explicit numbers,
so nothing sleeps.
"""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from txo.fleet.backend import Backend, BackendUnavailable
from txo.fleet.redis_backend import RedisBackend
from txo.fleet.sqlite_backend import SQLiteBackend
from txo.testing.redis_server import RedisServer

Factory = Callable[[], Backend]
T0 = 1_700_000_000.0


@pytest.fixture(scope="module")
def redis_server(redis_binary: str) -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture(params=["sqlite", "redis"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Factory]:
    opened: list[Backend] = []
    prefix = f"test:{uuid.uuid4().hex}:"

    def factory() -> Backend:
        backend: Backend
        if request.param == "sqlite":
            backend = SQLiteBackend(tmp_path / "fleet.sqlite3")
        else:
            server: RedisServer = request.getfixturevalue("redis_server")
            backend = RedisBackend(server.url, prefix=prefix)
        opened.append(backend)
        return backend

    yield factory
    for backend in opened:
        backend.close()


def test_bucket_starts_full_then_books_future_tokens(open_store: Factory) -> None:
    store = open_store()
    waits = [store.reserve("api|t", 10.0, 2.0, T0) for _ in range(4)]
    assert waits == pytest.approx([0.0, 0.0, 0.1, 0.2])


def test_bucket_is_shared_by_two_processes(open_store: Factory) -> None:
    first, second = open_store(), open_store()
    assert first.reserve("api|t", 5.0, 1.0, T0) == 0.0
    assert second.reserve("api|t", 5.0, 1.0, T0) == pytest.approx(0.2)
    assert second.reserve("other|t", 5.0, 1.0, T0) == 0.0  # another key, another budget


def test_bucket_refills_with_time_up_to_burst(open_store: Factory) -> None:
    store = open_store()
    for _ in range(3):
        store.reserve("k", 2.0, 3.0, T0)
    assert store.reserve("k", 2.0, 3.0, T0 + 100.0) == 0.0
    assert store.reserve("k", 2.0, 3.0, T0 + 100.0) == 0.0
    assert store.reserve("k", 2.0, 3.0, T0 + 100.0) == 0.0
    assert store.reserve("k", 2.0, 3.0, T0 + 100.0) == pytest.approx(0.5)


def test_cooldown_deadline_only_moves_later(open_store: Factory) -> None:
    first, second = open_store(), open_store()
    assert second.paused_until("h|t") == 0.0
    assert first.pause("h|t", T0 + 30.0, T0) == pytest.approx(T0 + 30.0)
    assert second.pause("h|t", T0 + 5.0, T0) == pytest.approx(T0 + 30.0)
    assert second.paused_until("h|t") == pytest.approx(T0 + 30.0)


def test_leases_cap_holders_and_free_on_release(open_store: Factory) -> None:
    first, second = open_store(), open_store()
    assert first.acquire_lease("h|t", "a", 2, T0, 60.0)
    assert second.acquire_lease("h|t", "b", 2, T0, 60.0)
    assert not second.acquire_lease("h|t", "c", 2, T0, 60.0)
    first.release_lease("h|t", "a")
    assert second.acquire_lease("h|t", "c", 2, T0, 60.0)


def test_a_lease_whose_holder_died_expires(open_store: Factory) -> None:
    store = open_store()
    assert store.acquire_lease("h|t", "killed", 1, T0, 2.0)
    assert not store.acquire_lease("h|t", "alive", 1, T0 + 1.9, 2.0)
    assert store.acquire_lease("h|t", "alive", 1, T0 + 2.0, 2.0)


def test_lock_is_exclusive_until_released_or_expired(open_store: Factory) -> None:
    first, second = open_store(), open_store()
    assert first.try_lock("tok", "a", T0, 10.0)
    assert not second.try_lock("tok", "b", T0 + 1.0, 10.0)
    second.unlock("tok", "b")  # not the holder: no effect
    assert not second.try_lock("tok", "b", T0 + 1.0, 10.0)
    first.unlock("tok", "a")
    assert second.try_lock("tok", "b", T0 + 1.0, 10.0)
    assert first.try_lock("tok", "a", T0 + 11.0, 10.0)  # b's lock expired


def test_secrets_live_until_expiry_and_delete_conditionally(open_store: Factory) -> None:
    first, second = open_store(), open_store()
    first.put_secret("token|x", b"sealed-1", T0 + 60.0, T0)
    assert second.get_secret("token|x", T0 + 59.0) == b"sealed-1"
    assert second.get_secret("token|x", T0 + 60.0) is None
    second.delete_secret("token|x", b"another blob")
    assert first.get_secret("token|x", T0) == b"sealed-1"
    second.delete_secret("token|x", b"sealed-1")
    assert first.get_secret("token|x", T0) is None
    first.put_secret("token|x", b"sealed-2", T0 + 60.0, T0)
    first.delete_secret("token|x")
    assert first.get_secret("token|x", T0) is None


def test_sqlite_file_is_private_to_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "state" / "fleet.sqlite3"
    SQLiteBackend(path).close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_sqlite_that_cannot_be_opened_is_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(BackendUnavailable, match="SQLite file"):
        SQLiteBackend(blocker / "fleet.sqlite3")


def test_unreachable_redis_is_unavailable_and_hides_the_password() -> None:
    backend = RedisBackend("redis://user:hunter2@127.0.0.1:1/0", timeout=0.5)
    with pytest.raises(BackendUnavailable) as caught:
        backend.reserve("k", 1.0, 1.0, T0)
    assert "hunter2" not in str(caught.value)
    assert "hunter2" not in repr(backend)


def test_freed_slots_go_to_waiters_in_arrival_order(open_store: Factory) -> None:
    store = open_store()
    assert store.acquire_lease("h|t", "a", 1, T0, 60.0)
    assert not store.acquire_lease("h|t", "b", 1, T0 + 0.1, 60.0)  # b queues first
    assert not store.acquire_lease("h|t", "c", 1, T0 + 0.2, 60.0)
    store.release_lease("h|t", "a")
    assert not store.acquire_lease("h|t", "a", 1, T0 + 0.3, 60.0)  # a cannot jump the queue
    assert not store.acquire_lease("h|t", "c", 1, T0 + 0.3, 60.0)
    assert store.acquire_lease("h|t", "b", 1, T0 + 0.3, 60.0)


def test_a_waiter_that_stops_asking_loses_its_place(open_store: Factory) -> None:
    store = open_store()
    assert store.acquire_lease("h|t", "a", 1, T0, 60.0)
    assert not store.acquire_lease("h|t", "killed", 1, T0, 60.0, queue_ttl=1.0)
    assert not store.acquire_lease("h|t", "alive", 1, T0, 60.0, queue_ttl=1.0)
    store.release_lease("h|t", "a")
    assert not store.acquire_lease("h|t", "alive", 1, T0 + 0.5, 60.0, queue_ttl=1.0)
    assert store.acquire_lease("h|t", "alive", 1, T0 + 1.0, 60.0, queue_ttl=1.0)
