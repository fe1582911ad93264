"""The token request itself: its timeout, how transport failures and odd answers are reported,
and which scope a token is recorded with."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from txo.errors import ApiAuthenticationError, ApiOperationError, ApiTimeoutError
from txo.http.auth import ClientCredentialsAuth, TokenCache
from txo.testing.clock import FakeClock

SCOPE = "https://api.example/.default"


def make_auth(
    send: Callable[[httpx.Request], httpx.Response], timeout: float = 30.0
) -> ClientCredentialsAuth:
    return ClientCredentialsAuth(
        tenant_id="tenant-1",
        client_id="client-1",
        client_secret="s3cret-value",
        scope=SCOPE,
        cache=TokenCache(),
        sender=send,
        clock=FakeClock(),
        timeout=timeout,
    )


def answer(status: int, **body: object) -> Callable[[httpx.Request], httpx.Response]:
    def send(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body, request=request)

    return send


def test_the_token_request_carries_its_own_timeout_30_s_by_default() -> None:
    seen: list[httpx.Request] = []

    def send(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"access_token": "t"}, request=request)

    ClientCredentialsAuth(
        tenant_id="t", client_id="c", client_secret="s", scope=SCOPE, cache=TokenCache(),
        sender=send,
    ).get_token()  # fmt: skip
    assert seen[0].extensions["timeout"] == httpx.Timeout(30.0).as_dict()


@pytest.mark.parametrize("expected", [5.0, 12.5])
def test_the_token_request_carries_its_own_timeout(expected: float) -> None:
    seen: list[httpx.Request] = []

    def send(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"access_token": "t"}, request=request)

    make_auth(send, timeout=expected).get_token()
    assert seen[0].extensions["timeout"] == httpx.Timeout(expected).as_dict()


def raising(exc: Exception) -> Callable[[httpx.Request], httpx.Response]:
    def send(request: httpx.Request) -> httpx.Response:
        raise exc

    return send


def test_a_token_request_timeout_is_a_timeout_error_with_context() -> None:
    request = httpx.Request("POST", "https://login.example/token")
    with pytest.raises(ApiTimeoutError) as caught:
        make_auth(raising(httpx.ReadTimeout("slow", request=request)), timeout=7.0).get_token()
    assert caught.value.message == "OAuth token request timed out after 7s"
    assert caught.value.context.operation == "OAuth token request"


def test_a_transport_failure_is_an_authentication_error_without_a_status() -> None:
    request = httpx.Request("POST", "https://login.example/token")
    with pytest.raises(ApiAuthenticationError) as caught:
        make_auth(raising(httpx.ConnectError("refused", request=request))).get_token()
    error = caught.value
    assert error.message == "OAuth token request failed: ConnectError: refused"
    assert error.status_code == 0
    assert error.context.operation == "OAuth token request"


def test_a_classified_failure_of_a_resilient_sender_keeps_its_message_and_gets_context() -> None:
    inner = ApiOperationError("POST https://login.example/token failed on the server (HTTP 503)")
    with pytest.raises(ApiAuthenticationError) as caught:
        make_auth(raising(inner)).get_token()
    error = caught.value
    assert error.message == f"OAuth token request failed: {inner.message}"
    assert error.context.operation == "OAuth token request"
    assert error.__cause__ is inner


@pytest.mark.parametrize(
    "send",
    [
        answer(200, token_type="Bearer"),
        answer(200, access_token=""),
        answer(200, access_token=42),
    ],
)
def test_a_200_without_a_usable_access_token_is_an_error(
    send: Callable[[httpx.Request], httpx.Response],
) -> None:
    with pytest.raises(ApiAuthenticationError) as caught:
        make_auth(send).get_token()
    error = caught.value
    assert error.message == "Invalid token response, missing: 'access_token'"
    assert error.status_code == 200
    assert error.context.operation == "OAuth token request"


def test_a_json_array_is_not_a_token_response() -> None:
    def send(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=["access_token"], request=request)

    with pytest.raises(ApiAuthenticationError, match="missing: 'access_token'"):
        make_auth(send).get_token()


@pytest.mark.parametrize(
    ("scope", "expected"), [("other/.default", "other/.default"), ("", SCOPE), (7, SCOPE)]
)
def test_the_token_records_the_granted_scope_or_else_the_requested_one(
    scope: object, expected: str
) -> None:
    token = make_auth(answer(200, access_token="t", scope=scope)).get_token()
    assert token.scope == expected
