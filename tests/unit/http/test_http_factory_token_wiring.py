"""acquire_token and the missing-credentials error: what the configuration-driven wiring does.

acquire_token builds the same resilient stack as create_rest_api; these tests show that what
the caller injects (clock, randomness, secret registry, redactor) is what the token request
uses, and that a configuration without credentials gets an error that says what is missing.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import httpx
import pytest

from txo.config import ConfigProxy
from txo.errors import ApiAuthenticationError, ConfigError
from txo.http.auth import TokenCache
from txo.http.factory import acquire_token, create_rest_api
from txo.log import SecretRegistry
from txo.testing.clock import FakeClock
from txo.testing.plugin import build_config

SOURCE = "config/txo-test-config.json"
SECRET = "client-secret-for-wiring"
KEY = ("fake-tenant", "fake-client-id", "https://api.businesscentral.dynamics.com/.default")


def make_config(drop: Sequence[str] = (), secrets: dict[str, Any] | None = None) -> ConfigProxy:
    data = build_config(drop=drop)
    for name, value in ({"client-secret": SECRET} if secrets is None else secrets).items():
        data["_" + name.replace("-", "_")] = value
    return ConfigProxy(data, SOURCE)


class TokenEndpoint:
    """Answers the given statuses in turn, then a token; counts calls."""

    def __init__(self, *statuses: int, text: str = "busy") -> None:
        self.statuses = list(statuses)
        self.text = text
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.statuses:
            return httpx.Response(self.statuses.pop(0), text=self.text)
        return httpx.Response(200, json={"access_token": "issued-token-1", "expires_in": 600})


def test_the_token_request_retries_on_the_injected_clock_with_the_injected_randomness() -> None:
    clock = FakeClock()
    endpoint = TokenEndpoint(503)
    token = acquire_token(
        make_config(), clock=clock, rng=random.Random(7), transport=httpx.MockTransport(endpoint)
    )
    assert token == "issued-token-1" and endpoint.calls == 2
    # max-retries 5, backoff-factor 3: the first delay is 3**0 = 1 s, jittered by [0.8, 1.2]
    assert clock.sleeps == [pytest.approx(random.Random(7).uniform(0.8, 1.2))]


def test_the_token_expires_on_the_injected_clock() -> None:
    clock = FakeClock()
    cache = TokenCache()
    acquire_token(
        make_config(),
        clock=clock,
        token_cache=cache,
        transport=httpx.MockTransport(TokenEndpoint()),
    )
    info = cache.get(KEY)
    assert info is not None and info.expires_at == pytest.approx(clock.time() + 600)


def test_the_client_secret_and_the_token_are_registered_as_secrets() -> None:
    secrets = SecretRegistry()
    acquire_token(
        make_config(),
        secrets=secrets,
        clock=FakeClock(),
        transport=httpx.MockTransport(TokenEndpoint()),
    )
    assert SECRET in secrets and "issued-token-1" in secrets


def test_a_token_failure_passes_the_callers_redactor() -> None:
    class Masks:
        def redact(self, text: str) -> str:
            return text.replace("db-host-7", "[MASKED]")

    with pytest.raises(ApiAuthenticationError) as caught:
        acquire_token(
            make_config(),
            clock=FakeClock(),
            redactor=Masks(),
            transport=httpx.MockTransport(TokenEndpoint(400, text="bad request from db-host-7")),
        )
    assert "db-host-7" not in caught.value.message and "[MASKED]" in caught.value.message


# --- no credentials ---------------------------------------------------------------------------


def missing_credentials(drop: Sequence[str], secrets: dict[str, Any] | None) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        create_rest_api(make_config(drop, secrets), transport=httpx.MockTransport(TokenEndpoint()))
    return caught.value


def test_one_missing_setting_is_named_in_the_singular() -> None:
    error = missing_credentials(["global.client-id"], None)
    assert error.what_went_wrong == (
        f"The REST API needs credentials, but global.client-id is missing or empty in {SOURCE}."
    )
    assert "(it was not found)" not in error.how_to_fix


def test_several_missing_settings_are_listed_in_the_plural() -> None:
    error = missing_credentials(["global.tenant-id", "global.client-id"], None)
    assert error.what_went_wrong == (
        "The REST API needs credentials, but global.tenant-id, global.client-id are missing or "
        f"empty in {SOURCE}."
    )


def test_a_missing_client_secret_says_where_it_belongs_and_the_alternatives() -> None:
    error = missing_credentials([], {})
    assert "client-secret (secrets file, injected as _client_secret) is missing" in (
        error.what_went_wrong
    )
    assert error.how_to_fix == (
        "Set global.tenant-id, global.client-id and global.oauth-scope in the config file and "
        "client-secret in the matching -secrets.json file (it was not found); or put a "
        "pre-issued token under az-token in the secrets file; or call "
        "create_rest_api(config, require_auth=False) for a public API."
    )
