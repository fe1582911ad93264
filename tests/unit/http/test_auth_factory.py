"""create_rest_api / acquire_token: config-driven wiring, hard-fail keys, auth choice."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import httpx
import pytest

from txo.config import ConfigProxy
from txo.errors import (
    ApiAuthenticationError,
    CircuitOpenError,
    ConfigError,
    MissingConfigError,
)
from txo.http import RestClient
from txo.http.auth import TokenCache
from txo.http.factory import acquire_token, create_rest_api, read_settings
from txo.http.pool import SessionPool
from txo.log import SecretRegistry
from txo.testing.clock import FakeClock
from txo.testing.fake_bc import FakeBusinessCentral
from txo.testing.plugin import build_config, default_secrets, write_project

SOURCE = "config/txo-test-config.json"


def make_config(
    *,
    overrides: dict[str, Any] | None = None,
    drop: Sequence[str] = (),
    secrets: dict[str, Any] | None = None,
) -> ConfigProxy:
    data = build_config(overrides=overrides, drop=drop)
    for name, value in (default_secrets() if secrets is None else secrets).items():
        data["_" + name.replace("-", "_")] = value
    return ConfigProxy(data, SOURCE)


def api(
    config: ConfigProxy, fake: FakeBusinessCentral, clock: FakeClock, **kwargs: Any
) -> RestClient:
    return create_rest_api(
        config,
        clock=clock,
        rng=random.Random(7),
        transport=httpx.MockTransport(fake.handle),
        **kwargs,
    )


def test_builds_an_authenticated_client_from_config(
    fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    registry = SecretRegistry()
    with api(make_config(), fake_bc, fake_clock, secrets=registry) as client:
        body = client.get(f"api/v2.0/companies({fake_bc.company_id})/customers")
        assert len(body["value"]) == 5
        client.get("api/v2.0/companies")
        assert client.auth_identity.startswith("fake-tenant:fake-client-id:")
    assert fake_bc.token_requests == 1
    token = fake_bc.requests[0]
    assert token.url == "https://login.microsoftonline.com/fake-tenant/oauth2/v2.0/token"
    issued = fake_bc.api_requests[0].headers["authorization"].removeprefix("Bearer ")
    assert issued in registry
    assert fake_bc.client_secret in registry


def test_settings_follow_v21_semantics() -> None:
    settings = read_settings(make_config())
    assert (settings.timeout, settings.async_max_wait, settings.async_poll_interval) == (60, 300, 5)
    policy = settings.retry_policy()
    assert policy.max_attempts == 5  # v2.1's max-retries counted attempts
    assert [policy.backoff_for(n) for n in (1, 2, 3, 4)] == [1, 3, 9, 27]
    assert (policy.jitter_min, policy.jitter_max) == (0.8, 1.2)
    assert settings.rate_limit is None and settings.breaker is None


@pytest.mark.parametrize(
    "key",
    [
        "script-behavior.api-timeouts.rest-timeout-seconds",
        "script-behavior.api-timeouts.async-max-wait",
        "script-behavior.api-timeouts.async-poll-interval",
        "script-behavior.retry-strategy.max-retries",
        "script-behavior.retry-strategy.backoff-factor",
        "script-behavior.jitter.min-factor",
        "script-behavior.jitter.max-factor",
        "script-behavior.rate-limiting.enabled",
        "script-behavior.circuit-breaker.enabled",
        "script-behavior.jitter",
    ],
)
def test_missing_keys_name_the_full_path(key: str) -> None:
    with pytest.raises(MissingConfigError) as caught:
        read_settings(make_config(drop=[key]))
    expected = key if key.count(".") == 2 else f"{key}.min-factor"  # the key that was read
    assert caught.value.key_path == expected
    assert expected in str(caught.value) and SOURCE in str(caught.value)
    assert isinstance(caught.value, KeyError)


def test_enabled_sections_need_their_settings() -> None:
    enabled = {"script-behavior": {"rate-limiting": {"enabled": True}}}
    with pytest.raises(MissingConfigError, match=r"script-behavior\.rate-limiting\.burst-size"):
        read_settings(
            make_config(overrides=enabled, drop=["script-behavior.rate-limiting.burst-size"])
        )
    disabled_and_bare = make_config(
        overrides={"script-behavior": {"circuit-breaker": {"enabled": False}}},
        drop=[
            "script-behavior.circuit-breaker.failure-threshold",
            "script-behavior.circuit-breaker.timeout-seconds",
        ],
    )
    assert read_settings(disabled_and_bare).breaker is None


def test_wrong_types_are_config_errors() -> None:
    bad = make_config(overrides={"script-behavior": {"retry-strategy": {"max-retries": "5"}}})
    with pytest.raises(ConfigError, match=r"max-retries in .* must be a number, not str"):
        read_settings(bad)
    flag = make_config(overrides={"script-behavior": {"rate-limiting": {"enabled": "yes"}}})
    with pytest.raises(ConfigError, match="must be true or false"):
        read_settings(flag)


@pytest.mark.parametrize(
    ("drop", "blank", "missing"),
    [
        (["global.tenant-id"], None, "global.tenant-id"),
        ([], "client-id", "global.client-id"),
        (["global.oauth-scope"], None, "global.oauth-scope"),
    ],
)
def test_missing_auth_config_is_a_helpful_error(
    drop: list[str], blank: str | None, missing: str
) -> None:
    overrides = {"global": {blank: ""}} if blank else {}
    config = make_config(drop=drop, overrides=overrides)
    with pytest.raises(ConfigError) as caught:
        create_rest_api(config)
    text = str(caught.value)
    assert f"{missing} is missing or empty in {SOURCE}" in text
    assert "az-token" in text and "require_auth=False" in text
    assert "Example:" in text
    assert "fake-client-secret-value" not in text


def test_missing_client_secret_names_the_secrets_file() -> None:
    with pytest.raises(ConfigError) as caught:
        create_rest_api(make_config(secrets={}))
    assert "client-secret (secrets file, injected as _client_secret) is missing" in str(
        caught.value
    )


def test_pre_issued_az_token_wins(fake_bc: FakeBusinessCentral, fake_clock: FakeClock) -> None:
    fake_bc.accept_token("pre-issued-az-token-1")
    secrets = {**default_secrets(), "az-token": "pre-issued-az-token-1"}
    registry = SecretRegistry()
    with api(make_config(secrets=secrets), fake_bc, fake_clock, secrets=registry) as client:
        client.get("api/v2.0/companies")
        assert client.auth_identity.startswith("static:")
    assert fake_bc.token_requests == 0
    assert fake_bc.api_requests[0].headers["authorization"] == "Bearer pre-issued-az-token-1"
    assert "pre-issued-az-token-1" in registry


def test_public_api_without_auth(fake_bc: FakeBusinessCentral, fake_clock: FakeClock) -> None:
    fake_bc.require_auth = False
    config = make_config(secrets={}, drop=["global.tenant-id"])
    with api(config, fake_bc, fake_clock, require_auth=False) as client:
        assert client.auth_identity == "anonymous"
        client.get("api/v2.0/companies")
    assert "authorization" not in fake_bc.api_requests[0].headers


def test_token_endpoint_5xx_is_retried_through_the_stack(
    fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    fake_bc.fail_next(1, status=503, retry_after=2, target="token")
    with api(make_config(), fake_bc, fake_clock) as client:
        client.get("api/v2.0/companies")
    assert fake_bc.token_requests == 2
    assert fake_clock.sleeps == [2.0]


def test_token_endpoint_rejection_surfaces_the_server_message(
    fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    config = make_config(secrets={"client-secret": "not-the-right-one"})
    with (
        api(config, fake_bc, fake_clock) as client,
        pytest.raises(ApiAuthenticationError) as caught,
    ):
        client.get("api/v2.0/companies")
    assert "AADSTS7000215: Invalid client secret provided." in str(caught.value)
    assert "not-the-right-one" not in str(caught.value)
    assert fake_bc.token_requests == 1  # a 401 from the token endpoint is not retried


def test_oauth_authority_is_configurable(
    fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    config = make_config(overrides={"global": {"oauth-authority": "https://login.example.test"}})
    with api(config, fake_bc, fake_clock) as client:
        client.get("api/v2.0/companies")
    assert fake_bc.requests[0].url.startswith("https://login.example.test/fake-tenant/")


def test_circuit_breaker_from_config(fake_bc: FakeBusinessCentral, fake_clock: FakeClock) -> None:
    config = make_config(
        overrides={
            "script-behavior": {
                "retry-strategy": {"max-retries": 1},
                "circuit-breaker": {"enabled": True, "failure-threshold": 2, "timeout-seconds": 30},
            }
        }
    )
    fake_bc.fail_next(2, status=500)
    with api(config, fake_bc, fake_clock) as client:
        for _ in range(2):
            with pytest.raises(Exception, match="HTTP 500"):
                client.get("api/v2.0/companies")
        with pytest.raises(CircuitOpenError):
            client.get("api/v2.0/companies")
    assert len(fake_bc.api_requests) == 2


def test_rate_limiter_from_config(fake_bc: FakeBusinessCentral, fake_clock: FakeClock) -> None:
    config = make_config(
        overrides={"script-behavior": {"rate-limiting": {"enabled": True, "calls-per-second": 2}}}
    )
    with api(config, fake_bc, fake_clock) as client:
        for _ in range(3):
            client.get("api/v2.0/companies")
    assert sum(fake_clock.sleeps) == pytest.approx(1.0)  # 3 calls at 2/s, burst 1


def test_shared_pool_and_cache_are_used_not_closed(
    fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    pool, cache = SessionPool(max_size=8), TokenCache()
    first = api(make_config(), fake_bc, fake_clock, pool=pool, token_cache=cache)
    second = api(make_config(), fake_bc, fake_clock, pool=pool, token_cache=cache)
    assert first is not second and first.pool is pool
    first.get("api/v2.0/companies")
    second.get("api/v2.0/companies")
    first.close()
    second.close()
    assert not pool.closed
    assert fake_bc.token_requests == 1
    assert pool.stats.hits >= 1
    pool.close()


def test_acquire_token_prefers_az_token_then_client_credentials(
    fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    transport = httpx.MockTransport(fake_bc.handle)
    with_az = make_config(secrets={"az-token": "pre-issued-az-token-2"})
    assert acquire_token(with_az, transport=transport, clock=fake_clock) == "pre-issued-az-token-2"
    cache = TokenCache()
    token = acquire_token(make_config(), transport=transport, clock=fake_clock, token_cache=cache)
    assert token.startswith("fake-access-token-")
    with api(make_config(), fake_bc, fake_clock, token_cache=cache) as client:
        client.get("api/v2.0/companies")
    assert fake_bc.token_requests == 1
    assert fake_bc.api_requests[0].headers["authorization"] == f"Bearer {token}"


def test_txo_project_fixture_writes_a_loadable_config(make_txo_project: Any) -> None:
    from txo.config import ConfigLoader

    project = make_txo_project(overrides={"global": {"api-base-url": "http://127.0.0.1:1"}})
    loaded = ConfigLoader(project.paths).load(project.org_id, project.env_type)
    assert loaded.config.require("global", "api-base-url") == "http://127.0.0.1:1"
    assert loaded.config["_client_secret"] == "fake-client-secret-value"
    assert read_settings(loaded.config).timeout == 60
    bare = write_project(
        project.root.parent / "bare", write_secrets=False, drop=["global.client-id"]
    )
    assert not bare.secrets_file.exists()
    assert "client-id" not in bare.config["global"]


def test_total_deadline_defaults_to_ten_minutes_and_is_configurable() -> None:
    assert read_settings(make_config()).retry_policy().total_deadline == 600.0
    key = {"script-behavior": {"retry-strategy": {"total-deadline-seconds": 45}}}
    settings = read_settings(make_config(overrides=key))
    assert settings.total_deadline == 45.0
    assert settings.retry_policy().total_deadline == 45.0
    assert settings.retry_policy(retry_non_idempotent=True).total_deadline == 45.0


@pytest.mark.parametrize("bad", [0, -1, "45", True])
def test_total_deadline_must_be_a_positive_number(bad: object) -> None:
    key = {"script-behavior": {"retry-strategy": {"total-deadline-seconds": bad}}}
    with pytest.raises(ConfigError) as caught:
        read_settings(make_config(overrides=key))
    assert "script-behavior.retry-strategy.total-deadline-seconds" in str(caught.value)


def test_private_pool_serves_token_and_api_requests_and_closes_with_the_client(
    fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    client = api(make_config(), fake_bc, fake_clock)
    with client:
        client.get("api/v2.0/companies")
        pooled = client.pool.keys()
        origins = {origin for origin, _ in pooled}
        assert origins == {
            "https://login.microsoftonline.com:443",
            "https://api.businesscentral.dynamics.com:443",
        }
    assert client.pool.closed  # the pool the factory made is the client's to close
