"""The verb helpers pass everything they are given; followed links drop what does not apply.

Each test builds a RestClient on an ``httpx.MockTransport`` that records the requests, so
what reaches the server is what is asserted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from txo.errors import ApiOperationError, ValidationError
from txo.http.client import RestClient
from txo.http.retry import RetryPolicy
from txo.testing.clock import FakeClock

BASE = "https://api.example.com/v2.0"
Handler = Callable[[httpx.Request], httpx.Response]


class Server:
    """Answers with ``handler`` and keeps every request it saw."""

    def __init__(self, handler: Handler | None = None) -> None:
        self.seen: list[httpx.Request] = []
        self.handler = handler or (lambda request: httpx.Response(200, json={"ok": True}))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.seen.append(request)
        return self.handler(request)


def client_for(server: Server) -> RestClient:
    return RestClient(
        BASE,
        transport=httpx.MockTransport(server),
        clock=FakeClock(),
        retry=RetryPolicy(max_attempts=1),
    )


HEADERS = {"X-Trace": "t-1"}


@pytest.mark.parametrize(
    ("call", "method"),
    [
        (lambda c: c.get("items", headers=HEADERS), "GET"),
        (lambda c: c.post("items", {"n": 1}, headers=HEADERS), "POST"),
        (lambda c: c.put("items(1)", {"n": 1}, headers=HEADERS), "PUT"),
        (lambda c: c.patch("items(1)", {"n": 1}, etag='W/"1"', headers=HEADERS), "PATCH"),
        (lambda c: c.delete("items(1)", etag='W/"1"', headers=HEADERS), "DELETE"),
        (lambda c: c.get_all("items", headers=HEADERS), "GET"),
        (lambda c: list(c.paginate("items", headers=HEADERS)), "GET"),
    ],
)
def test_every_verb_helper_sends_the_callers_headers(
    call: Callable[[RestClient], Any], method: str
) -> None:
    server = Server(lambda request: httpx.Response(200, json={"value": []}))
    with client_for(server) as client:
        call(client)
    (request,) = server.seen
    assert request.method == method
    assert request.headers["X-Trace"] == "t-1"


@pytest.mark.parametrize("verb", ["post", "put", "patch"])
def test_the_body_helpers_send_the_json_body(verb: str) -> None:
    server = Server()
    with client_for(server) as client:
        getattr(client, verb)("items(1)", {"name": "Ann", "n": 2})
    assert json.loads(server.seen[0].content) == {"name": "Ann", "n": 2}


def test_get_all_honours_its_page_cap() -> None:
    def pages(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"value": [1], "@odata.nextLink": f"{BASE}/items?p=2"})

    with client_for(Server(pages)) as client, pytest.raises(ApiOperationError, match="max_pages=1"):
        client.get_all("items", max_pages=1)


def test_a_polled_monitor_gets_neither_the_etag_nor_the_body() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "PATCH":
            return httpx.Response(202, headers={"Location": f"{BASE}/ops/1", "Retry-After": "1"})
        return httpx.Response(200, json={"done": True})

    server = Server(handler)
    with client_for(server) as client:
        assert client.patch("items(1)", {"n": 1}, etag='W/"7"') == {"done": True}
    patch, monitor = server.seen
    assert patch.headers["If-Match"] == 'W/"7"'
    assert monitor.method == "GET"
    assert "If-Match" not in monitor.headers
    assert monitor.content == b""


@pytest.mark.parametrize(
    ("base", "url"),
    [("", "items"), (BASE, "ftp://files.example.com/x"), (BASE, "https://a.example:abc/x")],
)
def test_an_unusable_url_is_a_validation_error_with_a_fix_and_an_example(
    base: str, url: str
) -> None:
    client = RestClient(base, transport=httpx.MockTransport(Server()), clock=FakeClock())
    with pytest.raises(ValidationError) as caught:
        client.get(url)
    error = caught.value
    assert error.field == "url"
    assert error.message.startswith(f"Cannot request {url!r}: ")
    assert error.how_to_fix == (
        "Pass an absolute http(s) URL, or a path relative to the client's base_url."
    )
    assert error.example == 'RestClient("https://api.example.com/v2.0").get("companies")'
    assert error.context.operation == "validate request"
    assert error.context.resource == url
