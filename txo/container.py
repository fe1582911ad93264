"""A small dependency-injection container (after svcs): factories in, services out.

There is no global container: the runner builds one per script run and
closes it at the end; tests build their own.  Singletons are created at
most once even when many threads ask at the same moment, and ``close()``
disposes them in reverse creation order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from txo.errors import HelpfulError

__all__ = ["Container", "ServiceKey", "UnknownServiceError", "close_newest_first"]

T = TypeVar("T")
ServiceKey = str | type[Any]
Factory = Callable[["Container"], Any]


class UnknownServiceError(HelpfulError, LookupError):
    """A service was requested that nobody registered."""


@dataclass(frozen=True, slots=True)
class _Registration:
    factory: Factory
    singleton: bool
    owned: bool = True  # closed by the container (False for register_value objects)


def _name(key: ServiceKey) -> str:
    return key if isinstance(key, str) else f"{key.__module__}.{key.__qualname__}"


class Container:
    """Registry of factories plus the singletons created from them."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._registrations: dict[ServiceKey, _Registration] = {}
        self._overrides: dict[ServiceKey, Any] = {}
        self._instances: dict[ServiceKey, Any] = {}
        self._created: list[Any] = []

    def register(self, key: ServiceKey, factory: Factory, *, singleton: bool = True) -> None:
        """Register ``factory(container)`` under a name or a type."""
        self._add(key, _Registration(factory, singleton))

    def register_value(self, key: ServiceKey, value: Any) -> None:
        """Register an already-built object (never closed by the container)."""
        self._add(key, _Registration(lambda _c: value, singleton=True, owned=False))

    def _add(self, key: ServiceKey, registration: _Registration) -> None:
        with self._lock:
            self._registrations[key] = registration
            self._instances.pop(key, None)

    @overload
    def get(self, key: type[T]) -> T: ...
    @overload
    def get(self, key: str) -> Any: ...
    def get(self, key: ServiceKey) -> Any:
        """The service for ``key``: an override, a singleton, or a new transient."""
        with self._lock:
            if key in self._overrides:
                return self._overrides[key]
            if key in self._instances:
                return self._instances[key]
            registration = self._lookup(key)
            # RLock: a factory may ask for its own dependencies while we hold it.
            instance = registration.factory(self)
            if registration.owned:
                self._created.append(instance)
            if registration.singleton:
                self._instances[key] = instance
            return instance

    def __contains__(self, key: object) -> bool:
        return key in self._registrations or key in self._overrides

    @contextmanager
    def override(self, key: ServiceKey, value: Any) -> Iterator[None]:
        """Serve ``value`` for ``key`` inside the block (for tests)."""
        with self._lock:
            previous = self._overrides.get(key, _ABSENT)
            self._overrides[key] = value
        try:
            yield
        finally:
            with self._lock:
                if previous is _ABSENT:
                    del self._overrides[key]
                else:
                    self._overrides[key] = previous

    def close(self) -> None:
        """Close every created service that has ``close()``, newest first."""
        with self._lock:
            created, self._created = self._created, []
            self._instances.clear()
        close_newest_first(created)

    def __enter__(self) -> Container:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _lookup(self, key: ServiceKey) -> _Registration:
        if key not in self._registrations:
            known = ", ".join(sorted(_name(k) for k in self._registrations)) or "nothing yet"
            raise UnknownServiceError(
                f"No service registered for {_name(key)!r}. Registered: {known}.",
                "Register a factory for it before asking, or check the name for a typo.",
                "container.register('rest_api', lambda c: create_rest_api(c.get('config')))",
            )
        return self._registrations[key]


_ABSENT = object()


def close_newest_first(services: Sequence[object]) -> None:
    """Close each service that has ``close()``, newest (last) first; one that fails does
    not stop the rest, and the first error is raised once all were tried."""
    errors: list[Exception] = []
    for service in reversed(services):
        close = getattr(service, "close", None)
        if callable(close):
            try:
                close()
            except Exception as exc:  # close the rest, then report
                errors.append(exc)
    if errors:
        raise errors[0]
