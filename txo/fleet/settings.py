"""``script-behavior.coordination``: which backend the fleet shares, and its knobs.

Absent section (or ``"backend": "none"``): no coordination, every process
throttles on its own exactly as before.  Values are checked here so a typo
fails at start-up with a helpful error, not at the first request.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from txo.config import ConfigProxy
from txo.errors import ConfigError

__all__ = ["BACKENDS", "CoordinationSettings", "fleet_identity", "read_coordination"]

BACKENDS = ("none", "sqlite", "redis")
_SECTION = ("script-behavior", "coordination")
_PATH = "script-behavior.coordination"
_EXAMPLE = (
    '"script-behavior": {"coordination": {"backend": "sqlite", '
    '"sqlite-path": "state/txo-fleet.sqlite3", "max-concurrent-requests": 5}}\n'
    '"script-behavior": {"coordination": {"backend": "redis", '
    '"redis-url": "redis://scheduler-host:6379/0"}}'
)
DEFAULT_SQLITE_PATH = "state/txo-fleet.sqlite3"


@dataclass(frozen=True, slots=True)
class CoordinationSettings:
    """What ``script-behavior.coordination`` asks for."""

    backend: str
    sqlite_path: Path = Path(DEFAULT_SQLITE_PATH)
    redis_url: str = ""
    max_concurrent: int | None = None
    lease_seconds: float = 120.0
    token_lock_seconds: float = 30.0
    timeout_seconds: float = 1.0

    def __repr__(self) -> str:
        url = self.redis_url.rpartition("@")[2] if "@" in self.redis_url else self.redis_url
        return f"CoordinationSettings(backend={self.backend!r}, redis_url={url!r})"


def read_coordination(config: ConfigProxy) -> CoordinationSettings | None:
    """The settings, or None when the fleet is not coordinated (section absent or "none")."""
    if config.optional(*_SECTION) is None:
        return None
    backend = config.require(*_SECTION, "backend")
    if backend not in BACKENDS:
        raise _invalid(config, "backend", f"one of {', '.join(BACKENDS)}", backend)
    if backend == "none":
        return None
    redis_url = _text(config, "redis-url")
    if backend == "redis" and not redis_url:
        raise _invalid(config, "redis-url", "a redis:// or rediss:// URL", redis_url)
    cap = _number(config, "max-concurrent-requests", None)
    return CoordinationSettings(
        backend=backend,
        sqlite_path=Path(_text(config, "sqlite-path") or DEFAULT_SQLITE_PATH),
        redis_url=redis_url,
        max_concurrent=None if cap is None else int(cap),
        lease_seconds=_positive(config, "lease-seconds", 120.0),
        token_lock_seconds=_positive(config, "token-lock-seconds", 30.0),
        timeout_seconds=_positive(config, "timeout-seconds", 1.0),
    )


def fleet_identity(config: ConfigProxy) -> str:
    """The tenant identity shared state is keyed by: tenant and client id, never a secret."""
    tenant = _plain(config.optional("global", "tenant-id", default=""))
    client = _plain(config.optional("global", "client-id", default=""))
    if tenant or client:
        return f"{tenant}:{client}"
    token = _plain(config.optional("_az_token", default=""))
    if token:
        return "static:" + hashlib.sha256(token.encode()).hexdigest()[:12]
    return "anonymous"


def _plain(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _text(config: ConfigProxy, key: str) -> str:
    value = config.optional(*_SECTION, key, default="")
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise _invalid(config, key, "a string", value)
    return value.strip()


def _number(config: ConfigProxy, key: str, default: float | None) -> float | None:
    value = config.optional(*_SECTION, key, default=None)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 1:
        raise _invalid(config, key, "a number >= 1", value)
    return float(value)


def _positive(config: ConfigProxy, key: str, default: float) -> float:
    value = config.optional(*_SECTION, key, default=None)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise _invalid(config, key, "a number of seconds > 0", value)
    return float(value)


def _invalid(config: ConfigProxy, key: str, expected: str, got: object) -> ConfigError:
    shown = "(empty)" if got in ("", None) else repr(got) if not isinstance(got, str) else got
    if key == "redis-url":
        shown = "(not shown: it may hold a password)" if got else "(empty)"
    return ConfigError(
        f"{_PATH}.{key} in {config.source} must be {expected}; got {shown}.",
        f"Set {_PATH}.{key} to {expected}, or remove the coordination section to run "
        "each process on its own.",
        _EXAMPLE,
    )
