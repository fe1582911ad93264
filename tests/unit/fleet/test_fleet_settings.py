"""``script-behavior.coordination``: absent means off; bad values fail early and helpfully."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from txo.config import ConfigProxy
from txo.errors import ConfigError
from txo.fleet.coordinator import open_coordination
from txo.fleet.settings import fleet_identity, read_coordination
from txo.testing.clock import FakeClock
from txo.testing.plugin import build_config


def _config(coordination: Any = None, **extra: Any) -> ConfigProxy:
    overrides: dict[str, Any] = dict(extra)
    if coordination is not None:
        overrides["script-behavior"] = {"coordination": coordination}
    return ConfigProxy(build_config(overrides=overrides), "test-config.json")


def test_absent_or_none_means_no_coordination() -> None:
    assert read_coordination(_config()) is None
    assert read_coordination(_config({"backend": "none"})) is None
    assert open_coordination(_config(), FakeClock()) is None


def test_sqlite_settings_with_defaults(tmp_path: Path) -> None:
    path = str(tmp_path / "f.sqlite3")
    settings = read_coordination(_config({"backend": "sqlite", "sqlite-path": path}))
    assert settings is not None
    assert (settings.backend, str(settings.sqlite_path)) == ("sqlite", path)
    assert settings.max_concurrent is None
    assert settings.lease_seconds == 120.0


def test_every_knob_is_read() -> None:
    settings = read_coordination(
        _config(
            {
                "backend": "redis",
                "redis-url": "redis://h:6379/1",
                "max-concurrent-requests": 5,
                "lease-seconds": 30,
                "token-lock-seconds": 10,
                "timeout-seconds": 0.5,
            }
        )
    )
    assert settings is not None
    assert (settings.max_concurrent, settings.lease_seconds) == (5, 30.0)
    assert (settings.token_lock_seconds, settings.timeout_seconds) == (10.0, 0.5)


@pytest.mark.parametrize(
    ("section", "mentions"),
    [
        ({}, "coordination.backend"),
        ({"backend": "postgres"}, "one of none, sqlite, redis"),
        ({"backend": "redis"}, "redis-url"),
        ({"backend": "sqlite", "lease-seconds": 0}, "lease-seconds"),
        ({"backend": "sqlite", "max-concurrent-requests": True}, "max-concurrent-requests"),
    ],
)
def test_bad_settings_fail_with_the_key_path(section: dict[str, Any], mentions: str) -> None:
    with pytest.raises(ConfigError, match=mentions.replace(".", r"\.")):
        read_coordination(_config(section))


def test_the_redis_url_never_appears_in_errors_or_reprs() -> None:
    with pytest.raises(ConfigError) as caught:
        read_coordination(_config({"backend": "redis", "redis-url": 42}))
    assert "42" not in str(caught.value)
    settings = read_coordination(_config({"backend": "redis", "redis-url": "redis://:pw@h:1/0"}))
    assert "pw" not in repr(settings)


def test_identity_is_tenant_and_client_never_a_secret() -> None:
    assert fleet_identity(_config()) == "fake-tenant:fake-client-id"
    anonymous = ConfigProxy({"script-behavior": {}}, "x.json")
    assert fleet_identity(anonymous) == "anonymous"
    static = ConfigProxy({"_az_token": "very-secret"}, "x.json")
    assert "very-secret" not in fleet_identity(static)


def test_an_unopenable_backend_warns_once_and_still_coordinates_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "file").write_text("x")
    fleet = open_coordination(
        _config({"backend": "sqlite", "sqlite-path": str(tmp_path / "file" / "db")}), FakeClock()
    )
    assert fleet is not None and fleet.guard.down
    limiter = fleet.rate_limiter("https://h:443", 5.0, 1.0)
    assert limiter.reserve() == 0.0
    assert sum(r.name == "txo.fleet" for r in caplog.records) == 1


def test_the_bundled_schema_knows_the_coordination_section() -> None:
    from txo.config.loader import ConfigSchema

    schema = ConfigSchema.bundled()
    good = {"backend": "redis", "redis-url": "redis://h:6379/0", "max-concurrent-requests": 5}
    data = build_config(overrides={"script-behavior": {"coordination": good}})
    assert schema.violations(data) == []
    for bad in ({"backend": "postgres"}, {"backend": "sqlite", "lease-secs": 3}, {}):
        data = build_config(overrides={"script-behavior": {"coordination": bad}})
        assert schema.violations(data), bad
