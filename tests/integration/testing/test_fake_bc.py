"""The fake Business Central API, exercised in-process and over a real loopback socket.

Every test in ``TestBothWays`` runs twice: through ``httpx.MockTransport`` and
through :class:`LoopbackServer` on 127.0.0.1 — the same handler either way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from txo.testing.clock import FakeClock
from txo.testing.fake_bc import DEFAULT_SCOPE, FakeBusinessCentral
from txo.testing.server import LoopbackServer


@dataclass
class Bc:
    """A client wired to the fake one way or the other, plus the URLs to use."""

    fake: FakeBusinessCentral
    client: httpx.Client
    base: str  # API root for customers_url()/api_root()
    token_base: str

    def token(self) -> str:
        response = self.client.post(
            self.fake.token_url(self.token_base),
            data={
                "grant_type": "client_credentials",
                "client_id": self.fake.client_id,
                "client_secret": self.fake.client_secret,
                "scope": DEFAULT_SCOPE,
            },
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def login(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {self.token()}"

    @property
    def customers(self) -> str:
        return self.fake.customers_url(self.base)

    def customer(self, customer_id: str) -> str:
        return f"{self.customers}({customer_id})"


def make_fake(clock: FakeClock, **options: Any) -> FakeBusinessCentral:
    return FakeBusinessCentral(clock=clock, **options)


@pytest.fixture(params=["mock", "loopback"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def connect(mode: str, fake_clock: FakeClock) -> Iterator[Any]:
    """``connect(**fake_options) -> Bc`` for the current mode; everything closed afterwards."""
    opened: list[Any] = []

    def build(**options: Any) -> Bc:
        fake = make_fake(fake_clock, **options)
        if mode == "mock":
            client = httpx.Client(transport=httpx.MockTransport(fake.handle), timeout=5)
            opened.append(client)
            return Bc(
                fake,
                client,
                "https://api.businesscentral.dynamics.com/v2.0/t/prod",
                "https://login.microsoftonline.com",
            )
        server = LoopbackServer(fake.handle).start()
        client = httpx.Client(timeout=5)
        opened.extend([client, server])
        return Bc(fake, client, server.url, server.url)

    yield build
    for thing in reversed(opened):
        thing.close() if isinstance(thing, httpx.Client) else thing.stop()


def collect(bc: Bc, url: str, **kwargs: Any) -> tuple[list[dict[str, Any]], list[str]]:
    items: list[dict[str, Any]] = []
    links: list[str] = []
    next_url: str | None = url
    while next_url is not None:
        body = bc.client.get(next_url, **kwargs).json()
        items.extend(body["value"])
        next_url = body.get("@odata.nextLink")
        kwargs = {}
        if next_url:
            links.append(next_url)
    return items, links


class TestBothWays:
    def test_companies(self, connect: Any) -> None:
        bc = connect()
        bc.login()
        body = bc.client.get(f"{bc.fake.api_root(bc.base)}/companies").json()
        assert [c["name"] for c in body["value"]] == ["CRONUS USA, Inc."]
        one = bc.client.get(f"{bc.fake.api_root(bc.base)}/companies({bc.fake.company_id})")
        assert one.json()["id"] == bc.fake.company_id

    def test_server_driven_paging_with_absolute_next_links(self, connect: Any) -> None:
        bc = connect(customers=45, page_size=20)
        bc.login()
        items, links = collect(bc, bc.customers)
        assert len(items) == 45 and len({c["id"] for c in items}) == 45
        assert len(links) == 2
        assert all(link.startswith(bc.customers + "?") for link in links)
        assert links[0].endswith("$skiptoken=20")

    def test_filter_select_top_and_maxpagesize(self, connect: Any) -> None:
        bc = connect(customers=30, page_size=20)
        bc.login()
        hit = bc.client.get(bc.customers, params={"$filter": "number eq 'C00007'"}).json()
        assert [c["displayName"] for c in hit["value"]] == ["Customer 007"]
        slim = bc.client.get(bc.customers, params={"$select": "number", "$top": "3"}).json()
        assert [sorted(c) for c in slim["value"]] == [["@odata.etag", "id", "number"]] * 3
        assert "@odata.nextLink" not in slim
        items, links = collect(bc, bc.customers, headers={"Prefer": "odata.maxpagesize=10"})
        assert len(items) == 30 and len(links) == 1  # the hint applies to the first page only

    def test_top_and_skip_page_as_v21_did(self, connect: Any) -> None:
        """v2.1 paged with $top/$skip and no next link: the fake answers as Business Central."""
        bc = connect(customers=7, page_size=20)
        bc.login()
        numbers = []
        for skip in (0, 3, 6):
            page = bc.client.get(bc.customers, params={"$top": "3", "$skip": str(skip)}).json()
            assert "@odata.nextLink" not in page
            numbers.append([c["number"] for c in page["value"]])
        assert numbers == [
            ["C00001", "C00002", "C00003"],
            ["C00004", "C00005", "C00006"],
            ["C00007"],
        ]

    def test_filter_keeps_across_pages(self, connect: Any) -> None:
        bc = connect(customers=0, page_size=2)
        for n in range(5):
            bc.fake.add_customer(bc.fake.company_id, displayName=f"n{n}", city="Oslo")
        bc.fake.add_customer(bc.fake.company_id, displayName="elsewhere", city="Bergen")
        bc.login()
        items, links = collect(bc, bc.customers, params={"$filter": "city eq 'Oslo'"})
        assert len(items) == 5 and len(links) == 2
        assert all(httpx.URL(link).params["$filter"] == "city eq 'Oslo'" for link in links)

    def test_bad_filter_is_a_400(self, connect: Any) -> None:
        bc = connect()
        bc.login()
        response = bc.client.get(bc.customers, params={"$filter": "contains(name,'x')"})
        assert response.status_code == 400
        assert "Invalid $filter term" in response.json()["error"]["message"]

    def test_create_read_update_delete_with_etags(self, connect: Any) -> None:
        bc = connect(customers=0)
        bc.login()
        created = bc.client.post(bc.customers, json={"displayName": "Adatum", "number": "C900"})
        assert created.status_code == 201
        cust = created.json()
        assert created.headers["Location"].endswith(f"customers({cust['id']})")
        got = bc.client.get(bc.customer(cust["id"]))
        assert got.headers["ETag"] == cust["@odata.etag"] == got.json()["@odata.etag"]
        patched = bc.client.patch(
            bc.customer(cust["id"]),
            json={"email": "a@x.test"},
            headers={"If-Match": cust["@odata.etag"]},
        )
        assert patched.status_code == 200 and patched.json()["email"] == "a@x.test"
        assert patched.json()["@odata.etag"] != cust["@odata.etag"]
        stale = bc.client.patch(
            bc.customer(cust["id"]), json={"email": "b"}, headers={"If-Match": cust["@odata.etag"]}
        )
        assert stale.status_code == 412
        assert stale.json()["error"]["code"] == "Request_EntityChanged"
        assert bc.client.delete(bc.customer(cust["id"])).status_code == 204
        assert bc.fake.customers() == []

    def test_patch_without_if_match_and_invalid_payloads(self, connect: Any) -> None:
        bc = connect(customers=1)
        bc.login()
        cust = bc.fake.customers()[0]
        missing = bc.client.patch(bc.customer(cust["id"]), json={"email": "x"})
        assert missing.status_code == 400
        assert "concurrency token" in missing.json()["error"]["message"]
        no_name = bc.client.post(bc.customers, json={"number": "X1"})
        assert no_name.status_code == 400
        assert no_name.json()["error"]["message"] == "The field displayName is required."
        read_only = bc.client.post(bc.customers, json={"displayName": "a", "id": "x"})
        assert "read-only" in read_only.json()["error"]["message"]
        duplicate = bc.client.post(
            bc.customers, json={"displayName": "a", "number": cust["number"]}
        )
        assert duplicate.status_code == 409

    def test_unknown_ids_give_404_with_odata_error(self, connect: Any) -> None:
        bc = connect()
        bc.login()
        response = bc.client.get(bc.customer("00000000-0000-0000-0000-000000000000"))
        assert response.status_code == 404
        error = response.json()["error"]
        assert error["code"] == "BadRequest_NotFound"
        assert "The Customer does not exist" in error["message"]
        assert "00000000-0000-0000-0000-000000000000" in error["message"]
        assert response.headers["request-id"]
        wrong_company = bc.client.get(bc.fake.customers_url(bc.base, "nope"))
        assert wrong_company.status_code == 404

    def test_unknown_path_and_method(self, connect: Any) -> None:
        bc = connect()
        bc.login()
        assert bc.client.get(f"{bc.fake.api_root(bc.base)}/vendors").status_code == 404
        assert bc.client.put(bc.customers, json={}).status_code == 405

    def test_long_running_action_202_then_200(self, connect: Any) -> None:
        bc = connect(action_polls=2, action_retry_after=3)
        bc.login()
        cust = bc.fake.customers()[0]
        started = bc.client.post(f"{bc.customer(cust['id'])}/Microsoft.NAV.syncNow")
        assert started.status_code == 202
        assert started.headers["Retry-After"] == "3"
        location = started.headers["Location"]
        assert location.startswith(("http://127.0.0.1", "https://api.businesscentral"))
        statuses = [bc.client.get(location) for _ in range(3)]
        assert [r.status_code for r in statuses] == [202, 202, 200]
        assert statuses[0].headers["Retry-After"] == "3"
        assert statuses[-1].json()["status"] == "succeeded"
        assert statuses[-1].json()["customerNumber"] == cust["number"]

    def test_throttle_then_recover(self, connect: Any) -> None:
        bc = connect()
        bc.login()
        bc.fake.throttle(2, retry_after=7)
        first, second, third = (bc.client.get(bc.customers) for _ in range(3))
        assert (first.status_code, second.status_code, third.status_code) == (429, 429, 200)
        assert first.headers["Retry-After"] == "7"
        assert first.json()["error"]["code"] == "Application_TooManyRequests"

    def test_injected_5xx(self, connect: Any) -> None:
        bc = connect()
        bc.login()
        bc.fake.fail_next(1, status=503, retry_after=2)
        failed = bc.client.get(bc.customers)
        assert failed.status_code == 503
        assert failed.headers["Retry-After"] == "2"
        assert "Simulated failure (HTTP 503)" in failed.json()["error"]["message"]
        assert bc.client.get(bc.customers).status_code == 200
        assert [r.status for r in bc.fake.api_requests] == [503, 200]

    def test_faults_target_token_or_api(self, connect: Any) -> None:
        bc = connect()
        bc.fake.fail_next(1, status=502, target="token")
        assert bc.client.post(bc.fake.token_url(bc.token_base), data={}).status_code == 502
        bc.login()
        assert bc.client.get(bc.customers).status_code == 200
        bc.fake.fail_next(1, status=500)  # API only: the token endpoint is unaffected
        bc.login()
        assert bc.client.get(bc.customers).status_code == 500
        bc.fake.throttle(1, target="any")
        assert bc.client.post(bc.fake.token_url(bc.token_base), data={}).status_code == 429

    def test_bearer_token_checks(self, connect: Any, fake_clock: FakeClock) -> None:
        bc = connect(expires_in=100)
        anonymous = bc.client.get(bc.customers)
        assert anonymous.status_code == 401
        assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
        bc.login()
        assert bc.client.get(bc.customers).status_code == 200
        fake_clock.advance(101)
        assert bc.client.get(bc.customers).status_code == 401

    def test_token_endpoint_validates_credentials(self, connect: Any) -> None:
        bc = connect()
        url = bc.fake.token_url(bc.token_base)
        form = {
            "grant_type": "client_credentials",
            "client_id": bc.fake.client_id,
            "scope": DEFAULT_SCOPE,
        }
        bad_secret = bc.client.post(url, data={**form, "client_secret": "nope"})
        assert bad_secret.status_code == 401
        assert bad_secret.json()["error"] == "invalid_client"
        bad_grant = bc.client.post(url, data={**form, "grant_type": "password"})
        assert bad_grant.json()["error"] == "unsupported_grant_type"
        assert bc.client.get(url).status_code == 405
        assert bc.fake.token_requests == 3 and bc.fake.tokens_issued == 0


def test_simulated_timeout_in_process_is_a_read_timeout(fake_bc: FakeBusinessCentral) -> None:
    fake_bc.require_auth = False
    fake_bc.timeout_next(1)
    with httpx.Client(transport=httpx.MockTransport(fake_bc.handle)) as client:
        with pytest.raises(httpx.ReadTimeout, match="simulated read timeout"):
            client.get(fake_bc.customers_url())
        assert client.get(fake_bc.customers_url()).status_code == 200
    assert [r.status for r in fake_bc.requests] == [0, 200]


def test_relative_links_when_configured(fake_clock: FakeClock) -> None:
    fake = make_fake(fake_clock, customers=3, page_size=2, absolute_links=False, require_auth=False)
    with httpx.Client(transport=httpx.MockTransport(fake.handle)) as client:
        body = client.get(fake.customers_url()).json()
        assert body["@odata.nextLink"].startswith(
            "/v2.0/fake-tenant/production/api/v2.0/companies("
        )
        cust = body["value"][0]["id"]
        started = client.post(f"{fake.customers_url()}({cust})/Microsoft.NAV.syncNow")
        assert started.headers["Location"].startswith(
            "/v2.0/fake-tenant/production/api/v2.0/operations("
        )


def test_fixture_router_and_transport_share_the_fake(
    fake_bc: FakeBusinessCentral, fake_bc_router: Any, fake_bc_transport: httpx.MockTransport
) -> None:
    fake_bc.require_auth = False
    with httpx.Client(transport=httpx.MockTransport(fake_bc_router.handler)) as via_router:
        assert via_router.get(fake_bc.customers_url()).status_code == 200
    with httpx.Client(transport=fake_bc_transport) as via_transport:
        assert via_transport.get(fake_bc.customers_url()).status_code == 200
    assert len(fake_bc.requests) == 2
    assert fake_bc_router.calls.call_count == 1


@pytest.mark.loopback
def test_loopback_read_timeout_then_recovery(
    fake_bc: FakeBusinessCentral, fake_bc_server: LoopbackServer
) -> None:
    fake_bc.require_auth = False
    fake_bc.timeout_next(1, delay=2.0)
    url = fake_bc.customers_url(fake_bc_server.url)
    with httpx.Client(timeout=0.2) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.get(url)
        assert client.get(url).status_code == 200
    assert fake_bc_server.connections == 2  # the timed-out connection is not reused
