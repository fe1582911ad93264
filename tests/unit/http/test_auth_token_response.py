"""What a token response may look like, and what a failed one tells the user.

The sender is a plain callable returning a canned response; the clock is fake.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from txo.errors import ApiAuthenticationError
from txo.http.auth import ClientCredentialsAuth, StaticTokenAuth, TokenCache, TokenSender
from txo.testing.clock import FakeClock

SCOPE = "https://api.example.com/.default"


def respond(response: httpx.Response) -> TokenSender:
    def send(request: httpx.Request) -> httpx.Response:
        return response

    return send


def auth_for(
    body: Any, clock: FakeClock, status: int = 200, **headers: str
) -> ClientCredentialsAuth:
    response = httpx.Response(status, json=body, headers=headers)
    return ClientCredentialsAuth(
        tenant_id="tenant-1", client_id="client-0123456789", client_secret="s3cret-value",
        scope=SCOPE, cache=TokenCache(), sender=respond(response), clock=clock,
    )  # fmt: skip


@pytest.mark.parametrize("expires_in", [None, True, False, "soon", [60], {"s": 1}])
def test_an_unusable_expires_in_means_an_hour(expires_in: object, fake_clock: FakeClock) -> None:
    body = {"access_token": "tok-abcdef", "expires_in": expires_in}
    token = auth_for(body, fake_clock).get_token()
    assert token.expires_at == fake_clock.time() + 3600.0


def test_a_missing_expires_in_means_an_hour(fake_clock: FakeClock) -> None:
    token = auth_for({"access_token": "tok-abcdef"}, fake_clock).get_token()
    assert token.expires_at == fake_clock.time() + 3600.0
    assert token.issued_at == fake_clock.time()


def test_token_type_defaults_to_bearer_and_scope_to_the_requested_one(
    fake_clock: FakeClock,
) -> None:
    token = auth_for({"access_token": "tok-abcdef", "token_type": ""}, fake_clock).get_token()
    assert token.authorization_header == "Bearer tok-abcdef"
    assert token.scope == SCOPE


def test_scope_granted_by_the_server_is_kept(fake_clock: FakeClock) -> None:
    body = {"access_token": "tok-abcdef", "scope": "api://other/.default"}
    assert auth_for(body, fake_clock).get_token().scope == "api://other/.default"


@pytest.mark.parametrize("token", ["", None, 12345, ["tok"]])
def test_a_missing_or_non_text_access_token_is_refused(
    token: object, fake_clock: FakeClock
) -> None:
    with pytest.raises(ApiAuthenticationError, match="missing: 'access_token'") as caught:
        auth_for({"access_token": token}, fake_clock).get_token()
    assert caught.value.status_code == 200


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x-ms-request-id": "rq-1"}, "rq-1"),
        ({"request-id": "rq-2"}, "rq-2"),
        ({"x-ms-request-id": "rq-1", "request-id": "rq-2"}, "rq-1"),
        ({}, None),
    ],
)
def test_a_rejected_token_request_names_the_request_id(
    headers: dict[str, str], expected: str | None, fake_clock: FakeClock
) -> None:
    body = {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid secret."}
    with pytest.raises(ApiAuthenticationError) as caught:
        auth_for(body, fake_clock, 401, **headers).get_token()
    error = caught.value
    assert error.request_id == expected
    assert error.status_code == 401
    assert "status 401: AADSTS7000215: Invalid secret." in str(error)
    assert error.context is not None and error.context.details is not None
    assert error.context.details["client_id"] == "client-0..."  # never the full id
    assert error.context.resource == "https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token"


def test_an_error_code_without_description_is_reported(fake_clock: FakeClock) -> None:
    with pytest.raises(ApiAuthenticationError, match="status 400: invalid_scope"):
        auth_for({"error": "invalid_scope"}, fake_clock, 400).get_token()


def test_a_static_token_needs_a_value() -> None:
    with pytest.raises(ValueError, match="non-empty token"):
        StaticTokenAuth("")


def test_a_token_cache_needs_room_for_one() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        TokenCache(max_entries=0)
    assert TokenCache(max_entries=1).max_entries == 1


def test_idle_fetch_locks_are_pruned_but_a_held_one_is_kept() -> None:
    cache = TokenCache(max_entries=2)
    held = cache.fetch_lock(("t", "c", "held"))
    with held:
        for n in range(5):
            cache.fetch_lock(("t", "c", f"s{n}"))
        assert cache.fetch_lock(("t", "c", "held")) is held  # still the same lock
    assert cache.fetch_lock(("t", "c", "s4")) is cache.fetch_lock(("t", "c", "s4"))
