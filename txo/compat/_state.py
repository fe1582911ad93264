"""The one lazily created default container behind v2.1's global-state APIs.

v2.1 kept process-wide state in module globals: the ``setup_logger()``
singleton, the OAuth module's token cache and default client, the
``ProjectPaths.init`` cache, the config-loader and API caches.  The compat
layer serves all of them from a single :class:`~txo.container.Container`,
created on first use and held here, and nowhere else.  v3 code never
touches it: the v3 runner builds its own container per run.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from txo.clock import Clock, SystemClock
from txo.container import Container
from txo.errors import HelpfulError
from txo.paths import find_project_root

__all__ = [
    "API_CACHE",
    "CLOCK",
    "LOADER_CACHE",
    "LOGGER",
    "OAUTH_CLIENT",
    "ROOT",
    "SECRETS",
    "TOKEN_CACHE",
    "V21_ROOT_ENV_VAR",
    "clock",
    "default_container",
    "explicit_root",
    "project_root",
    "reset_default_container",
    "secrets",
    "set_root",
]

V21_ROOT_ENV_VAR = "PROJECT_ROOT"
FAKE_CLOCK_ENV_VAR = "TXO_COMPAT_CLOCK"
ROOT = "v21.root"
CLOCK = "v21.clock"
SECRETS = "v21.secrets"
LOGGER = "v21.logger"
TOKEN_CACHE = "v21.token_cache"
OAUTH_CLIENT = "v21.oauth_client"
API_CACHE = "v21.api_cache"
LOADER_CACHE = "v21.loader_cache"

# v2.1's setup_logger() singleton and module-level token cache live in this one holder only.
_HOLDER: list[Container] = []  # txo: ignore[TXO301] v2.1 semantics: process-global state
_LOCK = threading.Lock()  # txo: ignore[TXO301] v2.1 semantics: guards the one holder


def default_container() -> Container:
    """The process's compat container, built on first use."""
    with _LOCK:
        if not _HOLDER:
            _HOLDER.append(_build())
        return _HOLDER[0]


def reset_default_container() -> None:
    """Close the default container (logging handlers, sessions); the next use builds anew."""
    with _LOCK:
        held = list(_HOLDER)
        _HOLDER.clear()
    for container in held:
        container.close()


def project_root() -> Path:
    """The v2.1 project root (argument of set_project_root, else $PROJECT_ROOT, else discovered)."""
    root: Path = default_container().get(ROOT)
    return root


def set_root(root: Path) -> None:
    """Make ``root`` the project root for every later v2.1 call (fixes v2.1 bug 4)."""
    default_container().register_value(ROOT, root)


def clock() -> Clock:
    """The clock v2.1's time-based helpers use (a FakeClock can be registered in tests)."""
    value: Clock = default_container().get(CLOCK)
    return value


def secrets() -> Any:
    """The process's SecretRegistry (every secret and token the compat layer sees)."""
    return default_container().get(SECRETS)


def _new_secret_registry(_c: Container) -> Any:
    from txo.log import SecretRegistry

    return SecretRegistry()


def _new_clock(_c: Container) -> Clock:
    """The real clock; ``TXO_COMPAT_CLOCK=fake`` gives a FakeClock (deterministic test runs)."""
    if os.getenv(FAKE_CLOCK_ENV_VAR) == "fake":
        from txo.testing.clock import FakeClock

        return FakeClock(wall_start=SystemClock().time())
    return SystemClock()


def _new_token_cache(_c: Container) -> Any:
    from txo.compat.v21._impl.oauth_helpers import TokenCache

    return TokenCache()


def _new_oauth_client(_c: Container) -> Any:
    from txo.compat.v21._impl.oauth_helpers import OAuthClient

    return OAuthClient(cache_tokens=True)


def _new_logger(_c: Container) -> Any:
    from txo.compat.v21._impl.logger import TxoLogger

    return TxoLogger._create()


def _build() -> Container:
    container = Container()
    container.register(ROOT, lambda _c: discover_root())
    container.register(CLOCK, _new_clock)
    container.register(SECRETS, _new_secret_registry)
    container.register(LOGGER, _new_logger)
    container.register(TOKEN_CACHE, _new_token_cache)
    container.register(OAUTH_CLIENT, _new_oauth_client)
    container.register(API_CACHE, lambda _c: _Cache())
    container.register(LOADER_CACHE, lambda _c: _Cache())
    return container


def discover_root(environ: dict[str, str] | None = None, cwd: Path | None = None) -> Path:
    """``$PROJECT_ROOT`` (v2.1's variable), else the nearest folder with config/, else cwd."""
    env = dict(os.environ) if environ is None else environ
    explicit = explicit_root(env)
    if explicit is not None:
        return explicit
    try:
        return find_project_root(environ=env, cwd=cwd)
    except HelpfulError:
        return (cwd or Path.cwd()).resolve()


def explicit_root(environ: Mapping[str, str]) -> Path | None:
    """``$PROJECT_ROOT`` resolved, or None when it is unset or empty."""
    value = environ[V21_ROOT_ENV_VAR] if V21_ROOT_ENV_VAR in environ else ""  # noqa: SIM401
    return Path(value).resolve() if value else None


class _Cache:
    """A locked dict with ``close()``, so cached clients close with the container."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.items: dict[str, Any] = {}

    def close(self) -> None:
        with self.lock:
            values, self.items = list(self.items.values()), {}
        for value in values:
            close = getattr(value, "close", None)
            if callable(close):
                close()
