"""Status / transport error → ApiError classification, messages and context."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from txo.errors import (
    ApiAuthenticationError,
    ApiError,
    ApiOperationError,
    ApiTimeoutError,
    ApiValidationError,
    EntityNotFoundError,
    RateLimitError,
)
from txo.http.classify import (
    body_excerpt,
    display_url,
    error_for_response,
    error_for_transport,
    json_body,
    request_id,
    server_message,
    transport_failure,
)
from txo.http.retry import TransportFailure

URL = "https://api.example/v2.0/companies(1)/customers?$filter=name eq 'x'&key=s3cr3t"


def _response(status: int, body: Any = None, **kw: Any) -> httpx.Response:
    request = httpx.Request("POST", URL, headers={"Authorization": "Bearer tok-123"})
    if isinstance(body, str):
        return httpx.Response(status, text=body, request=request, **kw)
    return httpx.Response(status, json=body, request=request, **kw)


def _odata(message: str, code: str = "BadRequest") -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


@pytest.mark.parametrize(
    ("status", "cls", "phrase"),
    [
        (400, ApiValidationError, "was rejected as invalid"),
        (422, ApiValidationError, "was rejected as invalid"),
        (409, ApiValidationError, "hit a conflict"),
        (412, ApiValidationError, "failed its precondition"),
        (401, ApiAuthenticationError, "was not authenticated"),
        (403, ApiAuthenticationError, "was forbidden"),
        (404, EntityNotFoundError, "found no such resource"),
        (408, ApiTimeoutError, "timed out on the server"),
        (429, RateLimitError, "was rate limited"),
        (500, ApiOperationError, "failed on the server"),
        (503, ApiOperationError, "failed on the server"),
        (418, ApiOperationError, "got an unexpected status"),
    ],
)
def test_classification_table(status: int, cls: type[ApiError], phrase: str) -> None:
    err = error_for_response(
        _response(status, _odata("Name is required", "Internal_X"), headers={"request-id": "r-1"}),
        attempts=2,
    )
    assert type(err) is cls
    assert err.status_code == status
    assert err.request_id == "r-1"
    text = str(err)
    assert f"POST https://api.example/v2.0/companies(1)/customers {phrase} (HTTP {status}" in text
    assert "Name is required" in text and "[request id r-1]" in text
    assert err.context.operation == "POST"
    assert err.context.resource == "https://api.example/v2.0/companies(1)/customers"
    assert err.context.details == {
        "status": status,
        "server_code": "Internal_X",
        "attempts": 2,
        "request_id": "r-1",
    }


def test_conflict_message_and_fix() -> None:
    err = error_for_response(_response(409, _odata("The record changed", "Conflict")))
    assert "conflict" in err.message.lower()
    assert "reload the entity" in err.how_to_fix


def test_rate_limit_error_carries_retry_after() -> None:
    err = error_for_response(
        _response(429, {}), retry_after=30.0, note="gave up after 5 attempt(s)"
    )
    assert isinstance(err, RateLimitError)
    assert err.retry_after == 30.0
    assert "; gave up after 5 attempt(s)" in err.message


def test_rate_limited_flag_forces_rate_limit_error_for_503() -> None:
    err = error_for_response(_response(503, {}), retry_after=900.0, rate_limited=True)
    assert isinstance(err, RateLimitError) and err.status_code == 503 and err.retry_after == 900.0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x-ms-request-id": "ms-1"}, "ms-1"),
        ({"client-request-id": "c-1"}, "c-1"),
        ({"x-correlation-id": "corr-1"}, "corr-1"),
        ({"request-id": "a", "x-ms-request-id": "b"}, "a"),
        ({}, None),
    ],
)
def test_request_and_correlation_ids(headers: dict[str, str], expected: str | None) -> None:
    assert request_id(httpx.Headers(headers)) == expected


def test_server_message_shapes() -> None:
    assert server_message(_response(400, _odata("Bad field", "BadRequest_Invalid"))) == (
        "Bad field",
        "BadRequest_Invalid",
    )
    oauth = {"error": "invalid_client", "error_description": "AADSTS7000215: bad secret"}
    assert server_message(_response(401, oauth)) == ("AADSTS7000215: bad secret", "invalid_client")
    assert server_message(_response(500, {"message": "boom"})) == ("boom", None)
    assert server_message(_response(500, {"other": 1})) == ("HTTP 500", None)
    assert server_message(_response(502, "<html>  Bad\n gateway </html>")) == (
        "<html> Bad gateway </html>",
        None,
    )
    assert server_message(_response(503, "")) == ("Service Unavailable", None)


def test_body_excerpt_is_bounded_and_masks_tokens() -> None:
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    body = {"access_token": "tok-secret-value", "seen": f"Bearer {jwt}", "pad": "x" * 2000}
    excerpt = body_excerpt(_response(400, body))
    assert excerpt is not None and len(excerpt) <= 500
    assert "tok-secret-value" not in excerpt and jwt not in excerpt
    assert "[REDACTED]" in excerpt
    assert body_excerpt(_response(500, "")) is None


def test_errors_never_contain_the_authorization_header_or_query() -> None:
    err = error_for_response(_response(500, "boom"))
    text = f"{err} {err.context.to_dict()} {err.body_excerpt}"
    assert "tok-123" not in text
    assert "s3cr3t" not in text


def test_display_url_drops_query_and_userinfo() -> None:
    assert display_url("https://u:p@h.example:8443/a/b?x=1#f") == "https://h.example:8443/a/b"


@pytest.mark.parametrize(
    ("exc", "failure", "cls"),
    [
        (httpx.ConnectError("refused"), TransportFailure.CONNECT, ApiOperationError),
        (httpx.ConnectTimeout("slow"), TransportFailure.CONNECT, ApiTimeoutError),
        (httpx.PoolTimeout("pool"), TransportFailure.CONNECT, ApiTimeoutError),
        (httpx.ReadTimeout("read"), TransportFailure.TIMEOUT, ApiTimeoutError),
        (httpx.WriteTimeout("write"), TransportFailure.TIMEOUT, ApiTimeoutError),
        (httpx.ReadError("reset"), TransportFailure.BROKEN, ApiOperationError),
        (httpx.RemoteProtocolError("eof"), TransportFailure.BROKEN, ApiOperationError),
        (httpx.UnsupportedProtocol("ftp"), None, ApiOperationError),
    ],
)
def test_transport_errors(
    exc: httpx.TransportError, failure: TransportFailure | None, cls: type[ApiError]
) -> None:
    assert transport_failure(exc) is failure
    err = error_for_transport(exc, method="GET", url=URL, note="gave up after 3 attempt(s)")
    assert type(err) is cls
    assert f"({type(exc).__name__}: {exc})" in err.message
    assert "GET https://api.example/v2.0/companies(1)/customers" in err.message
    assert err.message.endswith("; gave up after 3 attempt(s)")
    assert err.context.details == {"error": type(exc).__name__}


def test_timeout_message_says_timed_out() -> None:
    err = error_for_transport(httpx.ReadTimeout("timed out"), method="GET", url="https://h/x")
    assert "GET https://h/x timed out (ReadTimeout: timed out)" in err.message


def test_json_body() -> None:
    assert json_body(_response(200, {"a": 1})) == {"a": 1}
    assert json_body(_response(204, "")) is None
    assert json_body(_response(200, "")) is None
    with pytest.raises(ApiOperationError, match="not JSON"):
        json_body(_response(200, "<html>", headers={"content-type": "text/html"}))
