"""TxoRestAPI against the fake Business Central API on loopback: v2.1 results and errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from txo.compat.runtime import CompatRuntime
from txo.compat.v21._impl import api_factory, exceptions
from txo.compat.v21._impl.api_common import CircuitBreaker
from txo.compat.v21._impl.rest_api_helpers import TxoRestAPI, retry_rest_call
from txo.testing.clock import FakeClock
from txo.testing.fake_bc import FakeBusinessCentral
from txo.testing.server import LoopbackServer

pytestmark = pytest.mark.loopback
TOKEN = "compat-test-token-0123456789"


@pytest.fixture
def fake() -> FakeBusinessCentral:
    fake = FakeBusinessCentral(action_retry_after=1.0)
    fake.accept_token(TOKEN)
    return fake


@pytest.fixture
def base(fake: FakeBusinessCentral, tmp_path: Path, compat_runtime: CompatRuntime) -> Iterator[str]:
    (tmp_path / "config").mkdir()
    compat_runtime.clock = FakeClock()
    with LoopbackServer(fake.handle) as server:
        yield fake.api_root(server.url)


def _api(**timeouts: float) -> TxoRestAPI:
    config = {"max-retries": 2, "backoff-factor": 2.0, **timeouts}
    return TxoRestAPI(token=TOKEN, timeout_config=config)


def _customers(base: str, fake: FakeBusinessCentral) -> str:
    return f"{base}/companies({fake.company_id})/customers"


def test_token_required() -> None:
    with pytest.raises(ValueError, match=r"Token is required when require_auth=True"):
        TxoRestAPI()


def test_crud_and_results(base: str, fake: FakeBusinessCentral) -> None:
    url = _customers(base, fake)
    with _api() as api:
        created = api.post(url, {"number": "X1", "displayName": "New"})
        fetched = api.get(f"{url}({created['id']})")
        patched = api.patch(
            f"{url}({created['id']})", {"email": "a@b.c"}, etag=fetched["@odata.etag"]
        )
        assert patched["email"] == "a@b.c"
        api.delete(f"{url}({created['id']})", etag=patched["@odata.etag"])
        result = api.create_or_update(url, "customer", "number", "C00001", {"email": "x@y.z"})
        assert (result.success, result.operation, result.status_code) == (True, "updated", 200)
        failed = api.create_or_update(url, "customer", "number", "Z9", {"number": "Z9"})
        assert (failed.success, failed.operation, failed.status_code) == (False, "failed", 0)
        assert "validation failed" in failed.message


def test_error_mapping(base: str, fake: FakeBusinessCentral) -> None:
    url = _customers(base, fake)
    with _api() as api:
        with pytest.raises(exceptions.EntityNotFoundError) as not_found:
            api.get(f"{url}(a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d)")
        assert str(not_found.value).startswith("Resource with ID 'The Customer does not exist.")
        with pytest.raises(exceptions.ApiValidationError, match=r"^POST conflict: The record"):
            api.post(url, {"number": "C00001", "displayName": "dup"})
        with pytest.raises(exceptions.ApiValidationError, match=r"^POST validation failed: "):
            api.post(url, {"number": "Q"})
        fake.fail_next(3, 503)
        with pytest.raises(exceptions.ApiOperationError, match=r"^GET failed: "):
            api.get(url)
        fake.throttle(3, retry_after=0.1)
        with pytest.raises(exceptions.ApiOperationError, match=r"^GET rate limited: "):
            api.get(url)


def test_no_attempt_when_max_retries_is_zero(base: str) -> None:
    with pytest.raises(exceptions.ApiOperationError, match=r"GET failed after 0 attempts"):
        _api(**{"max-retries": 0}).get(f"{base}/companies")


def test_202_action_is_polled(base: str, fake: FakeBusinessCentral) -> None:
    customer = fake.customers()[0]
    url = f"{_customers(base, fake)}({customer['id']})/Microsoft.NAV.syncNow"
    result = _api(**{"async-poll-interval": 1}).post(url, {})
    assert result["status"] == "succeeded"
    assert result["customerNumber"] == customer["number"]


def test_paging_and_filtered(base: str, fake: FakeBusinessCentral) -> None:
    company = f"{base}/companies({fake.company_id})"
    api = _api()
    everything = api.get_odata_entities(company, "customers", page_size=2)
    assert [c["number"] for c in everything] == [f"C0000{i}" for i in range(1, 6)]
    assert api.get_odata_entities(company, "customers", page_size=2, max_pages=2).__len__() == 4
    only = api.get_odata_entities_filtered(company, "customers", {"number": "C00002"})
    assert [c["number"] for c in only] == ["C00002"]
    assert all(not k.startswith("@odata.") for c in everything for k in c)


def test_breaker_opens_with_v21_message(base: str, fake: FakeBusinessCentral) -> None:
    api = TxoRestAPI(
        token=TOKEN,
        timeout_config={"max-retries": 1},
        circuit_breaker=CircuitBreaker(failure_threshold=1, timeout=60),
    )
    fake.fail_next(1, 500)
    with pytest.raises(exceptions.ApiOperationError, match=r"^GET failed"):
        api.get(f"{base}/companies")
    with pytest.raises(exceptions.ApiOperationError, match=r"^Circuit breaker open for GET"):
        api.get(f"{base}/companies")


def test_factory_reads_v21_keys_and_caches(base: str) -> None:
    config = {
        "_org_id": "o", "_env_type": "e", "_token": TOKEN,
        "script-behavior": {
            "api-timeouts": {"rest-timeout-seconds": 5}, "retry-strategy": {"max-retries": 1},
            "jitter": {"min-factor": 1.0, "max-factor": 1.0},
            "rate-limiting": {"enabled": True, "calls-per-second": 100, "burst-size": 5},
            "circuit-breaker": {"enabled": False}, "batch-handling": {"read-batch-size": 3},
        },
    }  # fmt: skip
    api = api_factory.create_rest_api(config, use_cache=True)
    assert api is api_factory.create_rest_api(config, use_cache=True)
    assert api.rate_limiter is not None and api.circuit_breaker is None
    assert api_factory.get_batch_config(config) == {"read-batch-size": 3}
    assert retry_rest_call(api.get, f"{base}/companies", timeout=3)["value"]
    api_factory.clear_api_cache()
    assert api_factory.create_rest_api(config, use_cache=True) is not api
    with pytest.raises(KeyError):
        api_factory.create_rest_api({"_org_id": "o", "_env_type": "e"})
    with api_factory.ApiManager(config) as manager:
        assert manager.get_rest_api() is manager.get_rest_api(require_auth=False)
