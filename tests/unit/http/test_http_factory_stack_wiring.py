"""create_rest_api turns each ``script-behavior`` setting into behaviour of the client it returns.

One scripted transport plays both the token endpoint and the API; the FakeClock records every
wait, so each test reads a setting's effect off what was sent and how long the client waited.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

import httpx
import pytest

from txo.config import ConfigProxy
from txo.errors import (
    ApiAuthenticationError,
    ApiOperationError,
    ApiTimeoutError,
    CircuitOpenError,
    ConfigError,
)
from txo.http.auth import TokenCache
from txo.http.client import RestClient
from txo.http.factory import create_rest_api, read_settings
from txo.log import SecretRegistry
from txo.testing.clock import FakeClock
from txo.testing.plugin import build_config

SOURCE = "config/txo-test-config.json"
TOKEN_HOST = "login.microsoftonline.com"
KEY = ("fake-tenant", "fake-client-id", "https://api.businesscentral.dynamics.com/.default")
ApiHandler = Callable[[httpx.Request], httpx.Response]


def make_config(
    behaviour: dict[str, Any] | None = None,
    *,
    secrets: dict[str, str] | None = None,
    drop: Sequence[str] = (),
    global_: dict[str, Any] | None = None,
) -> ConfigProxy:
    overrides: dict[str, Any] = {"script-behavior": behaviour or {}, "global": global_ or {}}
    data = build_config(overrides=overrides, drop=drop)
    for name, value in ({"_client_secret": "s3cret"} if secrets is None else secrets).items():
        data[name] = value
    return ConfigProxy(data, SOURCE)


class Backend:
    """Token endpoint plus an API answering from ``api``; records both."""

    def __init__(self, api: ApiHandler | None = None, token_status: int = 200) -> None:
        self.api = api or (lambda request: httpx.Response(200, json={"ok": True}))
        self.token_status = token_status
        self.token_requests: list[httpx.Request] = []
        self.api_requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        if request.url.host == TOKEN_HOST:
            self.token_requests.append(request)
            if self.token_status != 200:
                return httpx.Response(self.token_status, text="rejected for host db-7")
            return httpx.Response(200, json={"access_token": "api-token-1", "expires_in": 900})
        self.api_requests.append(request)
        return self.api(request)


def build(
    backend: Backend, clock: FakeClock, config: ConfigProxy | None = None, **kwargs: Any
) -> RestClient:
    return create_rest_api(
        config or make_config({"retry-strategy": {"max-retries": 2}}),
        clock=clock,
        transport=httpx.MockTransport(backend),
        **kwargs,
    )


def scripted(*responses: httpx.Response) -> ApiHandler:
    answers = list(responses)
    return lambda request: answers.pop(0) if len(answers) > 1 else answers[0]


# --- the token request --------------------------------------------------------------------


def test_the_token_request_is_a_form_post_with_the_client_credentials() -> None:
    backend = Backend()
    with build(backend, FakeClock(), config=make_config(secrets={"_client_secret": "s3cret"})) as c:
        c.get("items")
    (token,) = backend.token_requests
    assert token.method == "POST"
    assert token.headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = dict(httpx.QueryParams(token.content.decode()))
    assert form["grant_type"] == "client_credentials" and form["client_secret"] == "s3cret"
    assert backend.api_requests[0].headers["Authorization"] == "Bearer api-token-1"


def test_the_token_expires_on_the_injected_clock() -> None:
    clock, cache = FakeClock(), TokenCache()
    config = make_config(secrets={"_client_secret": "s3cret"})
    with build(Backend(), clock, config=config, token_cache=cache) as c:
        c.get("items")
    info = cache.get(KEY)
    assert info is not None and info.expires_at == pytest.approx(clock.time() + 900)


def test_a_token_failure_passes_the_callers_redactor() -> None:
    class Masks:
        def redact(self, text: str) -> str:
            return text.replace("db-7", "[MASKED]")

    config = make_config(secrets={"_client_secret": "s3cret"})
    client = build(Backend(token_status=400), FakeClock(), config=config, redactor=Masks())
    with client, pytest.raises(ApiAuthenticationError) as caught:
        client.get("items")
    assert "db-7" not in caught.value.message and "[MASKED]" in caught.value.message


def test_the_legacy_runner_token_is_used_when_there_are_no_client_credentials() -> None:
    backend, secrets = Backend(), SecretRegistry()
    config = make_config(secrets={"_token": "legacy-token-9"}, drop=["global.client-id"])
    with build(backend, FakeClock(), config=config, secrets=secrets) as c:
        c.get("items")
    assert backend.token_requests == []
    assert backend.api_requests[0].headers["Authorization"] == "Bearer legacy-token-9"
    assert "legacy-token-9" in secrets


def test_a_null_credential_counts_as_missing() -> None:
    config = make_config(secrets={"_client_secret": "s3cret"}, global_={"tenant-id": None})
    with pytest.raises(ConfigError, match=r"global\.tenant-id is missing or empty"):
        build(Backend(), FakeClock(), config=config)


# --- retries, breaker, polling, timeout ------------------------------------------------------


def behaviour(**sections: dict[str, Any]) -> ConfigProxy:
    return make_config(sections, secrets={"_az_token": "static-token"})


def test_retry_delays_grow_by_the_backoff_factor_with_the_configured_jitter() -> None:
    clock = FakeClock()
    backend = Backend(scripted(httpx.Response(503), httpx.Response(503), httpx.Response(200)))
    config = behaviour(
        **{
            "retry-strategy": {"max-retries": 3, "backoff-factor": 1.5},
            "jitter": {"min-factor": 1.0, "max-factor": 1.0},
        }
    )
    with build(backend, clock, config=config) as c:
        c.get("items")
    assert clock.sleeps == [1.0, 1.5]


def test_retry_jitter_comes_from_the_injected_randomness() -> None:
    clock = FakeClock()
    backend = Backend(scripted(httpx.Response(503), httpx.Response(200)))
    with build(backend, clock, config=behaviour(), rng=random.Random(11)) as c:
        c.get("items")
    assert clock.sleeps == [pytest.approx(random.Random(11).uniform(0.8, 1.2))]


def test_a_failed_post_is_not_retried_by_the_api_client() -> None:
    backend = Backend(scripted(httpx.Response(503), httpx.Response(200)))
    with build(backend, FakeClock(), config=behaviour()) as c, pytest.raises(ApiOperationError):
        c.post("items", {"n": 1})
    assert len(backend.api_requests) == 1


def test_the_breaker_opens_at_the_threshold_and_half_opens_after_its_timeout() -> None:
    clock = FakeClock()
    backend = Backend(scripted(httpx.Response(500), httpx.Response(200, json={"ok": True})))
    config = behaviour(
        **{
            "retry-strategy": {"max-retries": 1},
            "circuit-breaker": {"enabled": True, "failure-threshold": 1, "timeout-seconds": 10},
        }
    )
    with build(backend, clock, config=config) as c:
        with pytest.raises(ApiOperationError, match="failed on the server"):
            c.get("items")
        with pytest.raises(CircuitOpenError):
            c.get("items")
        clock.advance(10)
        assert c.get("items") == {"ok": True}


def test_a_202_is_polled_at_the_configured_interval_until_the_configured_limit() -> None:
    clock = FakeClock()
    accepted = httpx.Response(202, headers={"Location": "https://api.example/ops/1"})
    config = behaviour(**{"api-timeouts": {"async-poll-interval": 4, "async-max-wait": 10}})
    client = build(Backend(lambda request: accepted), clock, config=config)
    with client, pytest.raises(ApiTimeoutError, match="did not finish within 10s"):
        client.post("jobs", {"run": True})
    assert clock.sleeps == [4.0, 4.0, 2.0]


def test_each_request_carries_the_configured_timeout() -> None:
    backend = Backend()
    config = behaviour(**{"api-timeouts": {"rest-timeout-seconds": 17}})
    with build(backend, FakeClock(), config=config) as c:
        c.get("items")
    assert backend.api_requests[0].extensions["timeout"]["read"] == 17.0


# --- total deadline ---------------------------------------------------------------------------


def test_a_total_deadline_below_one_second_is_accepted() -> None:
    config = behaviour(**{"retry-strategy": {"total-deadline-seconds": 0.5}})
    assert read_settings(config).total_deadline == 0.5


@pytest.mark.parametrize("bad", [0, -3, "60", True])
def test_a_bad_total_deadline_says_what_is_expected(bad: object) -> None:
    config = behaviour(**{"retry-strategy": {"total-deadline-seconds": bad}})
    with pytest.raises(ConfigError) as caught:
        read_settings(config)
    path = "script-behavior.retry-strategy.total-deadline-seconds"
    assert caught.value.what_went_wrong == (
        f"{path} in {SOURCE} must be a positive number of seconds, not {bad!r}."
    )
    assert caught.value.how_to_fix == (
        f"Set {path} to how long one call may take, retries and waits included (default 600)."
    )
