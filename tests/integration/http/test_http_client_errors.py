"""Every status in the classification table, through the whole RestClient pipeline."""

from __future__ import annotations

import random

import httpx
import pytest
import respx

from txo.errors import (
    ApiAuthenticationError,
    ApiError,
    ApiOperationError,
    ApiTimeoutError,
    ApiValidationError,
    EntityNotFoundError,
    RateLimitError,
    ValidationError,
)
from txo.http import RestClient, RetryPolicy
from txo.http.auth import StaticTokenAuth
from txo.testing import FakeClock

BASE = "https://api.example.com/v2.0"
URL = f"{BASE}/companies(42)/customers"
TOKEN = "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJzZWNyZXQifQ.c2lnbmF0dXJlLXZhbHVl"


def make(router: respx.MockRouter, clock: FakeClock) -> RestClient:
    return RestClient(
        BASE, auth=StaticTokenAuth(TOKEN), clock=clock,
        transport=httpx.MockTransport(router.handler),
        rng=random.Random(3), retry=RetryPolicy(max_attempts=2),
    )  # fmt: skip


TABLE = [
    (400, ApiValidationError, "was rejected as invalid", 1),
    (422, ApiValidationError, "was rejected as invalid", 1),
    (409, ApiValidationError, "hit a conflict", 1),
    (401, ApiAuthenticationError, "was not authenticated", 1),
    (403, ApiAuthenticationError, "was forbidden", 1),
    (404, EntityNotFoundError, "found no such resource", 1),
    (408, ApiTimeoutError, "timed out on the server", 1),
    (429, RateLimitError, "was rate limited", 2),
    (500, ApiOperationError, "failed on the server", 1),
    (501, ApiOperationError, "failed on the server", 1),
    (502, ApiOperationError, "failed on the server", 1),
    (503, ApiOperationError, "failed on the server", 1),
    (504, ApiOperationError, "failed on the server", 1),
    (418, ApiOperationError, "got an unexpected status", 1),
]


@pytest.mark.parametrize(("status", "cls", "phrase", "calls"), TABLE)
def test_every_status_in_the_table(
    router: respx.MockRouter,
    fake_clock: FakeClock,
    status: int,
    cls: type[ApiError],
    phrase: str,
    calls: int,
) -> None:
    body = {"error": {"code": f"Code_{status}", "message": f"Server says {status}"}}
    route = router.patch(URL).mock(
        return_value=httpx.Response(status, json=body, headers={"x-ms-request-id": "ms-77"})
    )
    with pytest.raises(cls) as info:
        make(router, fake_clock).patch("companies(42)/customers", {"a": 1}, etag='W/"1"')
    err = info.value
    assert type(err) is cls
    assert route.call_count == calls  # PATCH: only 429 is retried
    assert err.status_code == status
    assert err.request_id == "ms-77"
    assert f"PATCH {URL} {phrase} (HTTP {status}" in err.message
    assert f"Server says {status}" in err.message and "[request id ms-77]" in err.message
    assert err.context.operation == "PATCH" and err.context.resource == URL
    assert err.context.details is not None
    assert err.context.details["server_code"] == f"Code_{status}"
    assert err.body_excerpt is not None and f"Server says {status}" in err.body_excerpt
    everything = f"{err!s} {err!r} {err.context.to_dict()} {err.body_excerpt}"
    assert TOKEN not in everything and "Authorization" not in everything


def test_conflict_says_conflict(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    router.post(URL).mock(return_value=httpx.Response(409, json={"error": {"message": "dup"}}))
    with pytest.raises(ApiValidationError, match="conflict") as info:
        make(router, fake_clock).post(URL, {})
    assert "reload the entity" in str(info.value)


def test_non_json_error_body_gives_a_text_excerpt(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    router.get(URL).mock(return_value=httpx.Response(404, text="<h1>Not here</h1>"))
    with pytest.raises(EntityNotFoundError) as info:
        make(router, fake_clock).get(URL)
    assert "found no such resource (HTTP 404 Not Found): <h1>Not here</h1>" in info.value.message


def test_query_strings_stay_out_of_messages(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    router.get(URL).mock(return_value=httpx.Response(400, json={}))
    with pytest.raises(ApiValidationError) as info:
        make(router, fake_clock).get(URL, {"api_key": "k-secret-1"})
    assert "k-secret-1" not in str(info.value)
    assert "(HTTP 400 Bad Request): HTTP 400" in info.value.message


@pytest.mark.parametrize(
    ("method", "url", "part"),
    [
        ("FETCH", "companies", "Unsupported HTTP method 'FETCH'"),
        ("GET", "ftp://files.example/x", "only absolute http(s) URLs"),
    ],
)
def test_validation_happens_before_sending(
    router: respx.MockRouter, fake_clock: FakeClock, method: str, url: str, part: str
) -> None:
    with pytest.raises(ValidationError) as info:
        make(router, fake_clock).request(method, url)
    assert part in str(info.value)
    assert "Fix:" in str(info.value)
    assert len(router.calls) == 0


def test_relative_url_without_base_url_is_rejected(fake_clock: FakeClock) -> None:
    client = RestClient(
        clock=fake_clock, transport=httpx.MockTransport(lambda r: httpx.Response(200))
    )
    with pytest.raises(ValidationError, match="relative URL and the client has no base_url"):
        client.get("companies")
