"""The DI container: singletons, transients, overrides, closing order, thread safety."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from txo.container import Container, UnknownServiceError


class Closable:
    def __init__(self, name: str, log: list[str]) -> None:
        self.name, self.log = name, log

    def close(self) -> None:
        self.log.append(self.name)


def test_singleton_and_transient() -> None:
    c = Container()
    c.register("single", lambda _c: object())
    c.register("fresh", lambda _c: object(), singleton=False)
    assert c.get("single") is c.get("single")
    assert c.get("fresh") is not c.get("fresh")


def test_register_by_type_and_dependencies() -> None:
    c = Container()
    c.register(str, lambda _c: "base")
    c.register("derived", lambda cc: cc.get(str) + "-derived")
    assert c.get("derived") == "base-derived"


def test_unknown_service_lists_what_is_registered() -> None:
    c = Container()
    c.register("alpha", lambda _c: 1)
    c.register(int, lambda _c: 2)
    with pytest.raises(UnknownServiceError) as info:
        c.get("beta")
    message = str(info.value)
    assert "'beta'" in message and "alpha" in message and "builtins.int" in message
    assert "Fix:" in message and isinstance(info.value, LookupError)


def test_override_for_tests_and_restore() -> None:
    c = Container()
    c.register("svc", lambda _c: "real")
    with c.override("svc", "fake"):
        assert c.get("svc") == "fake"
    assert c.get("svc") == "real"


def test_close_in_reverse_creation_order_and_values_not_closed() -> None:
    log: list[str] = []
    c = Container()
    external = Closable("external", log)
    c.register_value("external", external)
    c.register("a", lambda _c: Closable("a", log))
    c.register("b", lambda cc: (cc.get("a"), Closable("b", log))[1])
    c.get("b")
    c.close()
    assert log == ["b", "a"]


def test_close_continues_after_a_failing_close() -> None:
    log: list[str] = []

    class Broken:
        def close(self) -> None:
            raise RuntimeError("boom")

    c = Container()
    c.register("ok", lambda _c: Closable("ok", log))
    c.register("broken", lambda _c: Broken())
    c.get("ok")
    c.get("broken")
    with pytest.raises(RuntimeError, match="boom"):
        c.close()
    assert log == ["ok"]


@settings(max_examples=15, deadline=None)
@given(st.integers(min_value=2, max_value=16))
def test_singleton_created_exactly_once_under_racing_threads(threads: int) -> None:
    created: list[object] = []
    gate = threading.Barrier(threads)

    def factory(_c: Container) -> object:
        obj = object()
        created.append(obj)
        return obj

    c = Container()
    c.register("svc", factory)

    def worker(_: int) -> object:
        gate.wait()
        return c.get("svc")

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(worker, range(threads)))
    assert len(created) == 1
    assert all(r is created[0] for r in results)


def test_registered_values_are_never_closed_even_when_used_after_close() -> None:
    log: list[str] = []
    c = Container()
    c.register_value("external", Closable("external", log))
    c.get("external")
    c.close()
    assert c.get("external").name == "external"  # still served after close
    c.close()
    assert log == []
