"""End to end: RestClient (built by create_rest_api) against the fake BC on a real socket.

Time is a FakeClock, so retries, cool-downs and 202 polling never sleep for
real; only the read-timeout tests wait for the client's (short) timeout.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from txo.config import ConfigProxy
from txo.errors import ApiTimeoutError, EntityNotFoundError, RateLimitError
from txo.http import RestClient
from txo.http.auth import StaticTokenAuth
from txo.http.factory import create_rest_api
from txo.http.retry import RetryPolicy
from txo.testing.clock import FakeClock
from txo.testing.fake_bc import FakeBusinessCentral
from txo.testing.plugin import default_config
from txo.testing.server import LoopbackServer

pytestmark = pytest.mark.loopback


def loopback_config(server: LoopbackServer) -> ConfigProxy:
    data = default_config(api_base_url=server.url)
    data["global"]["oauth-authority"] = server.url
    data["_client_secret"] = "fake-client-secret-value"
    return ConfigProxy(data, "config/txo-loopback-config.json")


@pytest.fixture
def api(fake_bc_server: LoopbackServer, fake_clock: FakeClock) -> Iterator[RestClient]:
    config = loopback_config(fake_bc_server)
    with create_rest_api(config, clock=fake_clock, rng=random.Random(1)) as client:
        yield client


def customers_path(fake: FakeBusinessCentral) -> str:
    return f"api/v2.0/companies({fake.company_id})/customers"


def test_sequential_calls_reuse_one_connection(
    fake_bc: FakeBusinessCentral, fake_bc_server: LoopbackServer, fake_clock: FakeClock
) -> None:
    fake_bc.accept_token("pre-issued-loopback-token")
    auth = StaticTokenAuth("pre-issued-loopback-token")
    with RestClient(fake_bc_server.url, auth=auth, clock=fake_clock) as client:
        for _ in range(20):
            client.get("api/v2.0/companies")
    assert fake_bc_server.connections == 1
    assert fake_bc_server.requests == 20


def test_factory_client_keeps_one_connection_per_pooled_session(
    api: RestClient, fake_bc: FakeBusinessCentral, fake_bc_server: LoopbackServer
) -> None:
    for _ in range(10):
        api.get("api/v2.0/companies")
    # one pooled session for the token endpoint (anonymous), one for the API
    assert fake_bc_server.connections == 2
    assert fake_bc.token_requests == 1
    assert api.pool.stats.misses == 2


def test_paging_follows_next_links(
    api: RestClient, fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    for n in range(40):
        fake_bc.add_customer(fake_bc.company_id, displayName=f"extra {n}")
    items = api.get_all(customers_path(fake_bc))
    assert len(items) == 45 and len({i["id"] for i in items}) == 45
    assert [r.status for r in fake_bc.api_requests] == [200, 200, 200]


def test_long_running_action_is_polled_to_its_result(
    api: RestClient, fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    customer = fake_bc.customers()[0]
    result = api.post(f"{customers_path(fake_bc)}({customer['id']})/Microsoft.NAV.syncNow")
    assert result["status"] == "succeeded"
    assert result["customerNumber"] == customer["number"]
    polls = [r for r in fake_bc.api_requests if "operations(" in r.path]
    assert len(polls) == 3  # 202, 202, 200
    assert sum(fake_clock.sleeps) >= 3 * fake_bc.action_retry_after


def test_throttling_honours_retry_after(
    api: RestClient, fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    api.get("api/v2.0/companies")  # token first, so the sleeps below are the 429s'
    fake_bc.throttle(2, retry_after=3)
    assert api.get("api/v2.0/companies")["value"]
    assert fake_clock.sleeps == [3.0, 3.0]
    assert [r.status for r in fake_bc.api_requests][-3:] == [429, 429, 200]


def test_persistent_throttling_gives_a_rate_limit_error(
    api: RestClient, fake_bc: FakeBusinessCentral
) -> None:
    api.get("api/v2.0/companies")
    fake_bc.throttle(10, retry_after=1)
    with pytest.raises(RateLimitError) as caught:
        api.get("api/v2.0/companies")
    assert caught.value.status_code == 429
    assert "Too many requests reached." in str(caught.value)


def test_injected_5xx_on_get_is_retried(api: RestClient, fake_bc: FakeBusinessCentral) -> None:
    api.get("api/v2.0/companies")
    fake_bc.fail_next(2, status=503)
    assert api.get("api/v2.0/companies")["value"]
    assert [r.status for r in fake_bc.api_requests][-3:] == [503, 503, 200]


def test_404_carries_the_odata_message(api: RestClient, fake_bc: FakeBusinessCentral) -> None:
    with pytest.raises(EntityNotFoundError) as caught:
        api.get(f"{customers_path(fake_bc)}(00000000-0000-0000-0000-00000000beef)")
    assert "The Customer does not exist" in str(caught.value)
    assert caught.value.request_id is not None


def test_revoked_token_is_refreshed_once(api: RestClient, fake_bc: FakeBusinessCentral) -> None:
    api.get("api/v2.0/companies")
    fake_bc.revoke_tokens()
    assert api.get("api/v2.0/companies")["value"]
    assert fake_bc.token_requests == 2


def test_etag_update_round_trip(api: RestClient, fake_bc: FakeBusinessCentral) -> None:
    created = api.post(customers_path(fake_bc), {"displayName": "Loopback Ltd"})
    url = f"{customers_path(fake_bc)}({created['id']})"
    updated = api.patch(url, {"email": "x@loopback.test"}, etag=created["@odata.etag"])
    assert updated["email"] == "x@loopback.test"
    assert api.delete(url, etag=updated["@odata.etag"]) is None


def test_read_timeout_is_retried_on_a_new_connection(
    fake_bc: FakeBusinessCentral, fake_bc_server: LoopbackServer, fake_clock: FakeClock
) -> None:
    fake_bc.require_auth = False
    fake_bc.timeout_next(1, delay=2.0)
    with RestClient(fake_bc_server.url, timeout=0.25, clock=fake_clock) as client:
        assert client.get("api/v2.0/companies")["value"]
    assert fake_bc_server.connections == 2
    assert [r.status for r in fake_bc.api_requests] == [0, 200]


def test_read_timeout_without_retries_is_an_api_timeout(
    fake_bc: FakeBusinessCentral, fake_bc_server: LoopbackServer, fake_clock: FakeClock
) -> None:
    fake_bc.require_auth = False
    fake_bc.timeout_next(1, delay=2.0)
    retry = RetryPolicy(max_attempts=1)
    with (
        RestClient(fake_bc_server.url, timeout=0.25, clock=fake_clock, retry=retry) as client,
        pytest.raises(ApiTimeoutError) as caught,
    ):
        client.get("api/v2.0/companies")
    assert "timed out" in str(caught.value)
