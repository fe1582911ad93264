"""Links the server hands out (next pages) keep the caller's headers, lose credentials when they
leave the origin, and count against their own host; retries are logged for the operator."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest

from txo.errors import ApiOperationError
from txo.http.breaker import BreakerRegistry
from txo.http.client import RestClient
from txo.http.retry import RetryPolicy
from txo.testing.clock import FakeClock

A = "https://a.example.com"
B = "https://b.example.com"


class Server:
    def __init__(self, pages: dict[str, httpx.Response]) -> None:
        self.pages = pages
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return self.pages[str(request.url)]


def client(server: Callable[[httpx.Request], httpx.Response], **kwargs: object) -> RestClient:
    options: dict[str, object] = {"retry": RetryPolicy(max_attempts=1), "clock": FakeClock()}
    options.update(kwargs)
    return RestClient(transport=httpx.MockTransport(server), **options)  # type: ignore[arg-type]


def page(items: list[int], next_link: str | None = None) -> httpx.Response:
    body: dict[str, object] = {"value": items}
    if next_link:
        body["@odata.nextLink"] = next_link
    return httpx.Response(200, json=body)


HEADERS = {"X-Trace": "t-1", "Authorization": "Bearer caller-token"}


def test_a_next_page_on_the_same_origin_keeps_every_header() -> None:
    server = Server({f"{A}/items": page([1], f"{A}/items?p=2"), f"{A}/items?p=2": page([2])})
    with client(server) as c:
        assert c.get_all(f"{A}/items", headers=HEADERS) == [1, 2]
    second = server.seen[1]
    assert second.headers["X-Trace"] == "t-1"
    assert second.headers["Accept"] == "application/json"
    assert second.headers["Authorization"] == "Bearer caller-token"


def test_a_next_page_on_another_origin_keeps_the_headers_but_not_the_credentials() -> None:
    server = Server({f"{A}/items": page([1], f"{B}/items?p=2"), f"{B}/items?p=2": page([2])})
    with client(server) as c:
        assert c.get_all(f"{A}/items", headers=HEADERS) == [1, 2]
    second = server.seen[1]
    assert second.headers["X-Trace"] == "t-1"
    assert second.headers["Accept"] == "application/json"
    assert "Authorization" not in second.headers


def test_a_failing_next_page_counts_against_its_own_host() -> None:
    server = Server(
        {f"{A}/items": page([1], f"{B}/items?p=2"), f"{B}/items?p=2": httpx.Response(500)}
    )
    breakers = BreakerRegistry(FakeClock(), failure_threshold=1)
    with client(server, breakers=breakers) as c, pytest.raises(ApiOperationError):
        c.get_all(f"{A}/items")
    assert breakers.hosts() == [f"{A}:443", f"{B}:443"]
    assert breakers.get(f"{B}:443").failures == 1
    assert breakers.get(f"{A}:443").failures == 0


def test_each_retry_is_logged_with_the_outcome_the_delay_and_the_attempt(
    caplog: pytest.LogCaptureFixture,
) -> None:
    answers = [httpx.Response(503, headers={"Retry-After": "2"}), httpx.Response(200, json={})]

    def handler(request: httpx.Request) -> httpx.Response:
        if not answers:
            raise httpx.ConnectError("refused", request=request)
        return answers.pop(0)

    c = RestClient(
        transport=httpx.MockTransport(handler),
        clock=FakeClock(),
        retry=RetryPolicy(max_attempts=3, backoff_factor=1.0, jitter_min=1.0, jitter_max=1.0),
    )
    with caplog.at_level(logging.WARNING, logger="txo.http.client"):
        c.get(f"{A}/items?secret=s")
        answers.clear()
        with pytest.raises(ApiOperationError):
            c.get(f"{A}/items")
    assert caplog.messages == [
        f"GET {A}/items: HTTP 503; retrying in 2.0s (attempt 2 of 3)",
        f"GET {A}/items: ConnectError; retrying in 1.0s (attempt 2 of 3)",
        f"GET {A}/items: ConnectError; retrying in 2.0s (attempt 3 of 3)",
    ]


def test_a_next_page_that_gets_no_answer_names_the_get_and_the_link() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("p") == "2":
            raise httpx.ConnectError("refused", request=request)
        return page([1], f"{A}/items?p=2")

    with client(handler) as c, pytest.raises(ApiOperationError) as caught:
        c.get_all(f"{A}/items")
    assert caught.value.message.startswith(f"GET {A}/items failed before a response arrived")


def test_a_monitor_that_gets_no_answer_names_the_get() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(202, headers={"Location": f"{A}/ops/1", "Retry-After": "1"})
        raise httpx.ConnectError("refused", request=request)

    with client(handler) as c, pytest.raises(ApiOperationError) as caught:
        c.post(f"{A}/jobs", {"run": True})
    assert caught.value.message.startswith(f"GET {A}/ops/1 failed before a response arrived")
