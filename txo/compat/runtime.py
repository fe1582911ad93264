"""The compat layer's process state as one typed object: :class:`CompatRuntime`.

v2.1 kept process-wide state in module globals (the ``setup_logger()``
singleton, the OAuth module's token cache and default client,
``set_project_root``, the config-loader and API caches), and its scripts rely
on that.  The compat layer keeps it in one :class:`CompatRuntime`: the
project root, the clock, the secret registry, the target legacy release and
lazily built services, each a typed attribute.

``python -m txo.compat`` builds the runtime with the clock and target it was
given and installs it (:func:`install`); code that uses the compat layer
without the runner gets one built on first use from the environment's
project root and target.  Tests install their own (the ``compat_runtime``
fixture).  v3 code never touches any of this: the v3 runner builds its own
container per run.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from txo.clock import Clock, SystemClock
from txo.container import close_newest_first
from txo.errors import ConfigError, HelpfulError
from txo.paths import find_project_root

if TYPE_CHECKING:
    from txo.compat.v21._impl.logger import TxoLogger
    from txo.compat.v21._impl.oauth_helpers import OAuthClient, TokenCache
    from txo.log import SecretRegistry

__all__ = [
    "DEFAULT_TARGET",
    "TARGETS",
    "TARGET_ENV_VAR",
    "V21_ROOT_ENV_VAR",
    "CompatRuntime",
    "InstantClock",
    "LockedCache",
    "Target",
    "current",
    "discover_root",
    "explicit_root",
    "install",
    "parse_target",
    "reset",
    "target_from_environ",
]

V21_ROOT_ENV_VAR = "PROJECT_ROOT"
TARGET_ENV_VAR = "TXO_COMPAT_TARGET"
Target = Literal["2.1", "3.1"]
TARGETS: tuple[Target, ...] = ("2.1", "3.1")
#: 2.1 scripts outnumber 3.1 ones and 2.1 results are what recorded runs compare with.
DEFAULT_TARGET: Target = "2.1"

_T = TypeVar("_T")


class CompatRuntime:
    """Root, clock, secrets, target and the lazily built v2.1 services of one process.

    Every service is built on first use under one re-entrant lock (building
    the logger reads the root and the secrets); :meth:`close` closes what was
    built, newest first; :meth:`reset` closes and forgets it, keeping the
    injected root, clock and target.
    """

    def __init__(
        self,
        *,
        root: Path | None = None,
        clock: Clock | None = None,
        target: Target = DEFAULT_TARGET,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.target: Target = target
        self._root = root
        self._environ = dict(os.environ if environ is None else environ)
        self._lock = threading.RLock()
        self._built: dict[str, Any] = {}

    @property
    def root(self) -> Path:
        """The v2.1 project root: set_root's, else $PROJECT_ROOT, else discovered."""
        with self._lock:
            if self._root is None:
                self._root = discover_root(self._environ)
            return self._root

    def set_root(self, root: Path) -> None:
        """Make ``root`` the project root for every later v2.1 call (v2.1's set_project_root)."""
        with self._lock:
            self._root = root

    @property
    def secrets(self) -> SecretRegistry:
        """Every secret and token the compat layer has seen (one registry per process)."""
        return self._lazy("secrets", _new_secret_registry)

    @property
    def logger(self) -> TxoLogger:
        """v2.1's ``setup_logger()`` singleton."""
        return self._lazy("logger", _new_logger)

    @property
    def token_cache(self) -> TokenCache:
        """v2.1's module-level OAuth token cache."""
        return self._lazy("token_cache", _new_token_cache)

    @property
    def oauth_client(self) -> OAuthClient:
        """v2.1's default OAuth client (``get_oauth_client()``)."""
        return self._lazy("oauth_client", _new_oauth_client)

    @property
    def api_cache(self) -> LockedCache:
        """``create_rest_api(use_cache=True)``'s clients, closed with the runtime."""
        return self._lazy("api_cache", LockedCache)

    @property
    def loader_cache(self) -> LockedCache:
        """``get_config_loader(use_cache=True)``'s loaders per ``{org}_{env}``."""
        return self._lazy("loader_cache", LockedCache)

    def close(self) -> None:
        """Close every built service that has ``close()``, newest first; report the first error."""
        with self._lock:
            built, self._built = list(self._built.values()), {}
        close_newest_first(built)

    def reset(self) -> None:
        """Close the services and forget them; the next use builds anew (root, clock stay)."""
        self.close()

    def _lazy(self, name: str, build: Callable[[], _T]) -> _T:
        with self._lock:
            if name not in self._built:
                self._built[name] = build()
            return cast(_T, self._built[name])

    def __repr__(self) -> str:
        built = ", ".join(self._built) or "nothing built"
        return f"CompatRuntime(root={self._root}, target={self.target}, {built})"


class LockedCache:
    """A locked dict with ``close()``, so cached clients close with the runtime."""

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


class InstantClock:
    """Real wall time at start; ``sleep`` advances time without waiting.

    For repeatable runs of legacy scripts (``python -m txo.compat --clock
    instant``): retries and rate limits take no real time, timestamps stay
    near the real date.
    """

    def __init__(self, start: Clock | None = None) -> None:
        base = start or SystemClock()
        self._lock = threading.Lock()
        self._monotonic = base.monotonic()
        self._wall_offset = base.time() - self._monotonic

    def monotonic(self) -> float:
        with self._lock:
            return self._monotonic

    def time(self) -> float:
        with self._lock:
            return self._monotonic + self._wall_offset

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self._monotonic += max(seconds, 0.0)


def _new_secret_registry() -> SecretRegistry:
    from txo.log import SecretRegistry

    return SecretRegistry()


def _new_logger() -> TxoLogger:
    from txo.compat.v21._impl.logger import TxoLogger

    return TxoLogger._create()


def _new_token_cache() -> TokenCache:
    from txo.compat.v21._impl.oauth_helpers import TokenCache

    return TokenCache()


def _new_oauth_client() -> OAuthClient:
    from txo.compat.v21._impl.oauth_helpers import OAuthClient

    return OAuthClient(cache_tokens=True)


def discover_root(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> Path:
    """``$PROJECT_ROOT`` (v2.1's variable), else the nearest folder with config/, else cwd."""
    env = dict(os.environ if environ is None else environ)
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


def parse_target(value: str, source: str = TARGET_ENV_VAR) -> Target:
    """``"2.1"``/``"3.1"`` (also ``"2.1.1"``, ``"v3.1"``) as a Target; a ConfigError otherwise."""
    text = value.strip().lower().removeprefix("v")
    for target in TARGETS:
        if text == target or text.startswith(target + "."):
            return target
    raise ConfigError(
        f"Unknown legacy target {value!r} in {source}.",
        "Use 2.1 for scripts written for the template's v2.1.x utils, 3.1 for v3.1.x.",
        f"{TARGET_ENV_VAR}=3.1 python -m txo.compat script.py org env",
    )


def target_from_environ(environ: Mapping[str, str] | None = None) -> Target:
    """``$TXO_COMPAT_TARGET``, else :data:`DEFAULT_TARGET`."""
    env = os.environ if environ is None else environ
    value = env[TARGET_ENV_VAR] if TARGET_ENV_VAR in env else ""  # noqa: SIM401
    return parse_target(value) if value.strip() else DEFAULT_TARGET


# The one process-wide runtime: v2.1's globals live here, and only here.
_HOLDER: list[CompatRuntime] = []  # txo: ignore[TXO301] v2.1 semantics: process-global state
_LOCK = threading.Lock()  # txo: ignore[TXO301] v2.1 semantics: guards the one holder


def current() -> CompatRuntime:
    """The installed runtime, else one built now from the environment (root, target)."""
    with _LOCK:
        if not _HOLDER:
            _HOLDER.append(CompatRuntime(target=target_from_environ()))
        return _HOLDER[0]


def install(runtime: CompatRuntime) -> CompatRuntime:
    """Make ``runtime`` the process's runtime; the previous one is closed. Returns ``runtime``."""
    with _LOCK:
        previous, _HOLDER[:] = list(_HOLDER), [runtime]
    for old in previous:
        if old is not runtime:
            old.close()
    return runtime


def reset() -> None:
    """Close and drop the process's runtime; the next :func:`current` builds a fresh one."""
    with _LOCK:
        held = list(_HOLDER)
        _HOLDER.clear()
    for runtime in held:
        runtime.close()
