"""@odata.nextLink paging: all pages, loop detection, page cap, no credentials cross-host."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest
import respx

from txo.errors import ApiOperationError, ApiValidationError
from txo.http import RestClient
from txo.http.auth import StaticTokenAuth
from txo.testing import FakeClock

BASE = "https://api.example.com/v2.0/companies(1)"
CUSTOMERS = f"{BASE}/customers"


def make(router: respx.MockRouter, clock: FakeClock, **kw: Any) -> RestClient:
    return RestClient(
        BASE, auth=StaticTokenAuth("tok-1"), clock=clock,
        transport=httpx.MockTransport(router.handler),
        rng=random.Random(9), **kw,
    )  # fmt: skip


def page(items: list[Any], next_link: str | None = None) -> httpx.Response:
    body: dict[str, Any] = {"@odata.context": "ctx", "value": items}
    if next_link is not None:
        body["@odata.nextLink"] = next_link
    return httpx.Response(200, json=body)


def item(n: int) -> dict[str, Any]:
    return {"@odata.etag": f'W/"{n}"', "number": f"C{n}"}


def three_pages(router: respx.MockRouter) -> None:
    """respx matches routes in order and params by inclusion: specific routes first."""
    router.get(CUSTOMERS, params={"$skiptoken": "2"}).mock(
        return_value=page([item(3), item(4)], "customers?$top=2&$skiptoken=4")  # relative
    )
    router.get(CUSTOMERS, params={"$skiptoken": "4"}).mock(return_value=page([item(5)]))
    router.get(CUSTOMERS, params={"$top": "2"}).mock(
        return_value=page([item(1), item(2)], f"{CUSTOMERS}?$top=2&$skiptoken=2")
    )


def test_get_all_follows_three_pages_keeping_items_as_sent(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    three_pages(router)
    items = make(router, fake_clock).get_all("customers", {"$top": 2})
    assert items == [item(n) for n in range(1, 6)]
    assert items[0]["@odata.etag"] == 'W/"1"'  # kept: patch(..., etag=...) needs it
    assert len(router.calls) == 3
    assert all(c.request.headers["Authorization"] == "Bearer tok-1" for c in router.calls)


def test_paginate_is_lazy(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    three_pages(router)
    pages = make(router, fake_clock).paginate("customers", {"$top": 2})
    assert len(router.calls) == 0
    assert next(pages) == item(1)
    assert len(router.calls) == 1


def test_a_repeating_next_link_is_a_loop(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    loop = f"{CUSTOMERS}?$skiptoken=A"
    router.get(CUSTOMERS, params={"$skiptoken": "A"}).mock(
        return_value=page([item(2)], f"{CUSTOMERS}?$skiptoken=B")
    )
    router.get(CUSTOMERS, params={"$skiptoken": "B"}).mock(return_value=page([item(3)], loop))
    router.get(CUSTOMERS).mock(return_value=page([item(1)], loop))
    with pytest.raises(ApiOperationError) as info:
        make(router, fake_clock).get_all(CUSTOMERS)
    message = info.value.message
    assert "Paging loop: page 3" in message
    assert "@odata.nextLink https://api.example.com/v2.0/companies(1)/customers?$skiptoken=A" in (
        message
    )
    assert "already fetched" in message
    assert len(router.calls) == 3


def test_page_cap_raises_instead_of_dropping_data(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    three_pages(router)
    seen: list[Any] = []
    with pytest.raises(ApiOperationError) as info:
        for entry in make(router, fake_clock).paginate("customers", {"$top": 2}, max_pages=2):
            seen.append(entry)
    assert seen == [item(n) for n in range(1, 5)]  # both pages' items were yielded first
    assert "Stopped paging" in info.value.message
    assert "after max_pages=2 page(s)" in info.value.message
    assert "$skiptoken=4" in info.value.message
    assert "Raise max_pages" in str(info.value)


def test_client_default_page_cap(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    three_pages(router)
    with pytest.raises(ApiOperationError, match="max_pages=1"):
        make(router, fake_clock, max_pages=1).get_all("customers", {"$top": 2})


def test_cross_host_next_link_gets_no_authorization(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    elsewhere = "https://cdn.elsewhere.example/export?page=2"
    router.get(CUSTOMERS, params={"$skiptoken": "1"}).mock(return_value=page([item(2)], elsewhere))
    router.get(CUSTOMERS).mock(return_value=page([item(1)], f"{CUSTOMERS}?$skiptoken=1"))
    router.get(elsewhere).mock(return_value=page([item(3)], "http://api.example.com/v2.0/x"))
    router.get("http://api.example.com/v2.0/x").mock(return_value=page([item(4)]))
    client = make(router, fake_clock, headers={"Authorization": "Basic c3RhdGlj"})
    assert len(client.get_all("customers")) == 4
    first, same_host, other_host, other_scheme = (c.request for c in router.calls)
    assert first.headers["Authorization"] == "Bearer tok-1"
    assert same_host.headers["Authorization"] == "Bearer tok-1"
    assert "authorization" not in other_host.headers  # different host
    assert "authorization" not in other_scheme.headers  # same host, different scheme/port


def test_other_port_is_another_origin(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    router.get("https://api.example.com:8443/v2.0/companies(1)/customers").mock(
        return_value=page([item(1)])
    )
    router.get(CUSTOMERS).mock(
        return_value=page([], "https://api.example.com:8443/v2.0/companies(1)/customers?p=2")
    )
    make(router, fake_clock).get_all("customers")
    assert "authorization" not in router.calls[1].request.headers


def test_not_a_collection(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    router.get(CUSTOMERS).mock(return_value=httpx.Response(200, json={"number": "C1"}))
    with pytest.raises(ApiOperationError, match="did not return an OData collection"):
        make(router, fake_clock).get_all("customers")


def test_errors_on_later_pages_propagate(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    router.get(CUSTOMERS, params={"$skiptoken": "1"}).mock(return_value=httpx.Response(400))
    router.get(CUSTOMERS).mock(return_value=page([item(1)], f"{CUSTOMERS}?$skiptoken=1"))
    with pytest.raises(ApiValidationError, match="HTTP 400"):
        make(router, fake_clock).get_all("customers")
