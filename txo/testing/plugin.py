"""txo's pytest plugin: fixtures for configs, fake clocks and the fake BC API.

Installing txo enables it (``pytest11`` entry point ``txo``, :mod:`txo.testing.pytest_entry`):
no conftest line is needed.
Without an installed txo (only ``PYTHONPATH``), enable it with ``-p txo.testing.plugin``.

=====================  ==========================================================
``fake_clock``         a :class:`FakeClock` (sleep advances time instantly)
``fake_bc``            a :class:`FakeBusinessCentral` on ``fake_clock``
``fake_bc_transport``  ``httpx.MockTransport(fake_bc.handle)`` — no socket
``fake_bc_router``     a respx ``MockRouter`` routing everything to ``fake_bc``
                       (use ``httpx.MockTransport(router.handler)``; nothing is patched)
``fake_bc_server``     a running :class:`LoopbackServer` for ``fake_bc`` (``.url``,
                       ``.connections``, ``.requests``); stopped after the test
``fake_bc_url``        ``fake_bc_server.url``
``make_txo_project``   builds a project folder with ``config/{org}-{env}-config.json``
                       and its secrets file; ``txo_project`` is the default one
=====================  ==========================================================
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import httpx
import pytest

from txo.testing.clock import FakeClock
from txo.testing.fake_bc import DEFAULT_API_ROOT, DEFAULT_SCOPE, FakeBusinessCentral
from txo.testing.server import LoopbackServer

if TYPE_CHECKING:
    from txo.paths import ProjectPaths

__all__ = [
    "DEFAULT_SCOPE",
    "MakeProject",
    "TxoProject",
    "build_config",
    "default_config",
    "default_secrets",
    "write_project",
]


@pytest.fixture
def fake_clock() -> FakeClock:
    """A clock whose sleep advances time instantly."""
    return FakeClock()


# --- the fake Business Central API ----------------------------------------------


@pytest.fixture
def fake_bc(fake_clock: FakeClock) -> FakeBusinessCentral:
    """A fake BC tenant (5 customers, page size 20) whose time is ``fake_clock``."""
    return FakeBusinessCentral(clock=fake_clock)


@pytest.fixture
def fake_bc_transport(fake_bc: FakeBusinessCentral) -> httpx.MockTransport:
    """An in-process transport answering with ``fake_bc``."""
    return httpx.MockTransport(fake_bc.handle)


@pytest.fixture
def fake_bc_router(fake_bc: FakeBusinessCentral) -> Any:
    """A respx router with one catch-all route to ``fake_bc`` (never patches httpx)."""
    import respx

    router = respx.MockRouter(assert_all_called=False, assert_all_mocked=True)
    router.route(name="fake_bc").mock(side_effect=fake_bc.handle)
    return router


@pytest.fixture
def fake_bc_server(fake_bc: FakeBusinessCentral) -> Iterator[LoopbackServer]:
    """``fake_bc`` served on http://127.0.0.1:<ephemeral>; stopped after the test."""
    with LoopbackServer(fake_bc.handle) as server:
        yield server


@pytest.fixture
def fake_bc_url(fake_bc_server: LoopbackServer) -> str:
    """The loopback server's base URL, e.g. ``http://127.0.0.1:40123``."""
    return fake_bc_server.url


# --- project folders with a v2.1-shaped configuration --------------------------------


def default_config(
    *,
    api_base_url: str = DEFAULT_API_ROOT,
    tenant_id: str = "fake-tenant",
    client_id: str = "fake-client-id",
    scope: str = DEFAULT_SCOPE,
) -> dict[str, Any]:
    """A complete, schema-valid ``{org}-{env}-config.json`` (v2.1 template values)."""
    return {
        "global": {
            "api-base-url": api_base_url,
            "api-version": "v2.0",
            "tenant-id": tenant_id,
            "client-id": client_id,
            "oauth-scope": scope,
        },
        "script-behavior": {
            "api-delay-seconds": 1,
            "api-timeouts": {
                "rest-timeout-seconds": 60,
                "async-max-wait": 300,
                "async-poll-interval": 5,
            },
            "retry-strategy": {"max-retries": 5, "backoff-factor": 3.0},
            "jitter": {"min-factor": 0.8, "max-factor": 1.2},
            "rate-limiting": {"enabled": False, "calls-per-second": 10, "burst-size": 1},
            "circuit-breaker": {"enabled": False, "failure-threshold": 5, "timeout-seconds": 60},
            "batch-handling": {"read-batch-size": 20, "update-batch-size": 10},
        },
    }


def default_secrets(client_secret: str = "fake-client-secret-value") -> dict[str, Any]:
    """A secrets file matching :class:`FakeBusinessCentral`'s default credentials."""
    return {"client-secret": client_secret}


@dataclass(frozen=True, slots=True)
class TxoProject:
    """A project folder written for a test."""

    root: Path
    org_id: str
    env_type: str
    config: Mapping[str, Any]
    secrets: Mapping[str, Any] | None

    @property
    def config_dir(self) -> Path:
        return self.root / "config"

    @property
    def config_file(self) -> Path:
        return self.config_dir / f"{self.org_id}-{self.env_type}-config.json"

    @property
    def secrets_file(self) -> Path:
        return self.config_dir / f"{self.org_id}-{self.env_type}-config-secrets.json"

    @property
    def paths(self) -> ProjectPaths:
        from txo.paths import ProjectPaths

        return ProjectPaths(self.root)

    def argv(self, *extra: str) -> list[str]:
        """Command-line arguments for ``run_script(..., argv=...)``."""
        return [self.org_id, self.env_type, *extra]


def build_config(
    *,
    config: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
    drop: Sequence[str] = (),
) -> dict[str, Any]:
    """A config dict: ``config`` (default: :func:`default_config`, copied), with
    ``overrides`` deep-merged in and the dotted key paths in ``drop`` removed."""
    data = copy.deepcopy(dict(config)) if config is not None else default_config()
    _deep_merge(data, overrides or {})
    for dotted in drop:
        _drop(data, dotted.split("."))
    return data


def write_project(
    root: Path,
    org_id: str = "txo",
    env_type: str = "test",
    *,
    config: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
    drop: Sequence[str] = (),
    secrets: Mapping[str, Any] | None = None,
    write_secrets: bool = True,
) -> TxoProject:
    """Write ``config/`` under ``root``.

    ``config`` replaces the default config; ``overrides`` is deep-merged into
    it; ``drop`` removes dotted key paths (``"script-behavior.jitter.min-factor"``);
    ``secrets`` replaces the default secrets; ``write_secrets=False`` omits the file.
    """
    data = build_config(config=config, overrides=overrides, drop=drop)
    secret_data = dict(secrets) if secrets is not None else default_secrets()
    project = TxoProject(root, org_id, env_type, data, secret_data if write_secrets else None)
    project.config_dir.mkdir(parents=True, exist_ok=True)
    project.config_file.write_text(json.dumps(data, indent=2), encoding="utf-8")
    if write_secrets:
        project.secrets_file.write_text(json.dumps(secret_data, indent=2), encoding="utf-8")
    return project


class MakeProject(Protocol):
    """The ``make_txo_project`` fixture: :func:`write_project` rooted in ``tmp_path``."""

    def __call__(
        self,
        org_id: str = ...,
        env_type: str = ...,
        *,
        config: Mapping[str, Any] | None = ...,
        overrides: Mapping[str, Any] | None = ...,
        drop: Sequence[str] = ...,
        secrets: Mapping[str, Any] | None = ...,
        write_secrets: bool = ...,
    ) -> TxoProject: ...


@pytest.fixture
def make_txo_project(tmp_path: Path) -> MakeProject:
    """Build project folders under ``tmp_path`` (one per call: ``tmp_path/project-N``)."""
    made: list[Path] = []

    def make(*args: Any, **kwargs: Any) -> TxoProject:
        root = tmp_path / f"project-{len(made) + 1}"
        made.append(root)
        return write_project(root, *args, **kwargs)

    return make


@pytest.fixture
def txo_project(make_txo_project: MakeProject) -> TxoProject:
    """A project ``txo``/``test`` with the default config and secrets."""
    return make_txo_project()


def _deep_merge(target: dict[str, Any], changes: Mapping[str, Any]) -> None:
    for key, value in changes.items():
        if isinstance(value, Mapping) and key in target and isinstance(target[key], dict):
            _deep_merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def _drop(data: dict[str, Any], keys: list[str]) -> None:
    node: Any = data
    for key in keys[:-1]:
        node = node[key]
    del node[keys[-1]]
