"""RestClient's documented defaults, URL joining, redirects left alone, and pool identities."""

from __future__ import annotations

from collections.abc import Generator

import httpx
import pytest

from txo.errors import ApiOperationError, ApiTimeoutError, RateLimitError, ValidationError
from txo.http.auth import StaticTokenAuth
from txo.http.client import RestClient
from txo.http.retry import RetryPolicy
from txo.testing.clock import FakeClock

A, B = "https://a.example.com", "https://b.example.com"


class Recorder:
    def __init__(self, answer: httpx.Response | None = None) -> None:
        self.answer = answer or httpx.Response(200, json={"ok": True})
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return self.answer


def make(handler: Recorder, base: str = "", **kwargs: object) -> RestClient:
    return RestClient(base, transport=httpx.MockTransport(handler), clock=FakeClock(), **kwargs)  # type: ignore[arg-type]


def test_default_request_timeout_is_60_seconds() -> None:
    recorder = Recorder()
    with make(recorder) as client:
        client.get(f"{A}/items")
    assert recorder.seen[0].extensions["timeout"]["read"] == 60.0


def test_default_polling_waits_5_seconds_and_gives_up_after_300() -> None:
    clock = FakeClock()
    accepted = httpx.Response(202, headers={"Location": f"{A}/ops/1"})
    client = RestClient(transport=httpx.MockTransport(Recorder(accepted)), clock=clock)
    with client, pytest.raises(ApiTimeoutError, match="did not finish within 300s"):
        client.post(f"{A}/jobs", {})
    assert clock.sleeps[:2] == [5.0, 5.0] and sum(clock.sleeps) == pytest.approx(300.0)


def test_default_page_cap_is_1000() -> None:
    def endless(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("p", "0"))
        return httpx.Response(200, json={"value": [page], "@odata.nextLink": f"{A}/i?p={page + 1}"})

    client = RestClient(transport=httpx.MockTransport(endless), clock=FakeClock())
    with client, pytest.raises(ApiOperationError, match="max_pages=1000 page"):
        client.get_all(f"{A}/i")


@pytest.mark.parametrize(("base", "path"), [(f"{A}/api/", "items"), (f"{A}/api", "/items")])
def test_base_url_and_path_are_joined_with_one_slash(base: str, path: str) -> None:
    recorder = Recorder()
    with make(recorder, base) as client:
        client.get(path)
    assert str(recorder.seen[0].url) == f"{A}/api/items"


def test_a_redirect_is_returned_not_followed() -> None:
    recorder = Recorder(httpx.Response(302, headers={"Location": f"{B}/elsewhere"}))
    with make(recorder) as client:
        assert client.request("GET", f"{A}/items").status_code == 302
    assert [str(r.url) for r in recorder.seen] == [f"{A}/items"]


def test_the_etag_replaces_an_if_match_header_given_by_the_caller() -> None:
    recorder = Recorder()
    with make(recorder) as client:
        client.patch(f"{A}/items(1)", {}, etag='W/"2"', headers={"If-Match": 'W/"1"'})
    assert recorder.seen[0].headers.get_list("If-Match") == ['W/"2"']


def test_an_unknown_method_is_a_validation_error_listing_the_known_ones() -> None:
    with make(Recorder()) as client, pytest.raises(ValidationError) as caught:
        client.request("FETCH", f"{A}/items")
    error = caught.value
    assert error.field == "method"
    assert error.how_to_fix == "Use one of: DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT."
    assert error.example == 'client.request("GET", "companies")'


def test_a_link_followed_off_origin_leases_an_anonymous_session() -> None:
    def pages(request: httpx.Request) -> httpx.Response:
        if request.url.host == "a.example.com":
            return httpx.Response(200, json={"value": [1], "@odata.nextLink": f"{B}/p2"})
        return httpx.Response(200, json={"value": [2]})

    client = RestClient(
        transport=httpx.MockTransport(pages), clock=FakeClock(), auth=StaticTokenAuth("tok")
    )
    with client:
        assert client.get_all(f"{A}/p1") == [1, 2]
        keys = client.pool.keys()
    assert keys == [(f"{A}:443", client.auth_identity), (f"{B}:443", "anonymous")]


class NamelessAuth(httpx.Auth):
    auth_identity = ""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        yield request


def test_auth_objects_without_an_identity_get_one_of_their_own() -> None:
    first, second = make(Recorder(), auth=NamelessAuth()), make(Recorder(), auth=NamelessAuth())
    assert first.auth_identity.startswith("NamelessAuth@")
    assert first.auth_identity != second.auth_identity


def test_a_final_429_pauses_the_next_call_on_the_injected_clock() -> None:
    clock = FakeClock()
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "30"}))
    client = RestClient(
        transport=httpx.MockTransport(recorder), clock=clock, retry=RetryPolicy(max_attempts=1)
    )
    with client:
        with pytest.raises(RateLimitError):
            client.get(f"{A}/items")
        recorder.answer = httpx.Response(200, json={"ok": True})
        assert client.get(f"{A}/items") == {"ok": True}
    assert clock.sleeps == [30.0]
