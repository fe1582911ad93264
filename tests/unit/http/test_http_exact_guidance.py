"""The exact guidance of errors a user fixes by hand: bad settings, unusable URLs, paging loops.

A fix or example with anything added or lost is a worse message, so these compare whole texts.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from txo.config import ConfigProxy
from txo.errors import ApiOperationError, ConfigError, ValidationError
from txo.http.client import RestClient
from txo.http.factory import create_rest_api, read_settings
from txo.http.paging import iterate_items
from txo.http.polling import wait_for_completion
from txo.http.ratelimit import HostCooldown, TokenBucket
from txo.testing.clock import FakeClock
from txo.testing.plugin import build_config

SOURCE = "config/acme-test-config.json"
SB = "script-behavior"


def settings_error(overrides: dict[str, Any]) -> ConfigError:
    config = ConfigProxy(build_config(overrides={SB: overrides}), SOURCE)
    with pytest.raises(ConfigError) as caught:
        read_settings(config)
    return caught.value


def test_a_switch_that_is_not_a_boolean() -> None:
    error = settings_error({"rate-limiting": {"enabled": "yes"}})
    assert error.what_went_wrong == f"{SB}.rate-limiting.enabled in {SOURCE} must be true or false."
    assert error.how_to_fix == (
        f"Set {SB}.rate-limiting.enabled to true or false (JSON booleans, no quotes)."
    )
    assert error.example == f'"{SB}": {{"rate-limiting": {{"enabled": false}}}}'


def test_a_setting_that_is_not_a_number() -> None:
    error = settings_error({"jitter": {"min-factor": "0.8"}})
    assert error.what_went_wrong == f"{SB}.jitter.min-factor in {SOURCE} must be a number, not str."
    assert error.how_to_fix == f"Set {SB}.jitter.min-factor to a number."
    assert error.example == f'"{SB}": {{"jitter": {{"min-factor": 5}}}}'


def test_a_bad_total_deadline_comes_with_an_example() -> None:
    error = settings_error({"retry-strategy": {"total-deadline-seconds": -1}})
    assert error.example == f'"{SB}": {{"retry-strategy": {{"total-deadline-seconds": 120}}}}'


def test_a_single_missing_credential_gets_the_plain_fix() -> None:
    data = build_config(drop=["global.client-id"])
    data["_client_secret"] = "s3cret"
    with pytest.raises(ConfigError) as caught:
        create_rest_api(
            ConfigProxy(data, SOURCE), transport=httpx.MockTransport(lambda r: httpx.Response(200))
        )
    assert caught.value.how_to_fix == (
        "Set global.tenant-id, global.client-id and global.oauth-scope in the config file and "
        "client-secret in the matching -secrets.json file; or put a pre-issued token under "
        "az-token in the secrets file; or call create_rest_api(config, require_auth=False) "
        "for a public API."
    )


@pytest.mark.parametrize(
    ("base", "url", "why"),
    [
        ("", "items", "it is a relative URL and the client has no base_url"),
        (
            "",
            "ftp://files.example.com/x",
            "only absolute http(s) URLs with a host can be requested",
        ),
        ("", "https://a.example.com:abc/x", "Invalid port: 'abc'"),
    ],
)
def test_an_unusable_url_says_why(base: str, url: str, why: str) -> None:
    client = RestClient(base, transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    with pytest.raises(ValidationError) as caught:
        client.get(url)
    assert caught.value.message == f"Cannot request {url!r}: {why}."


def test_a_paging_loop_asks_to_tell_the_api_owner() -> None:
    first = httpx.URL("https://api.example.com/items")
    body = {"value": [1], "@odata.nextLink": str(first)}
    with pytest.raises(ApiOperationError) as caught:
        list(iterate_items(lambda url: body, first, max_pages=5))
    assert caught.value.how_to_fix == (
        "The server returned a repeating nextLink; report it to the API owner."
    )


def test_a_4xx_with_a_location_ends_polling() -> None:
    accepted = httpx.Response(
        202, headers={"Location": "/ops/1"}, request=httpx.Request("POST", "https://a.example/x")
    )

    def monitor(url: httpx.URL) -> httpx.Response:
        return httpx.Response(
            400, headers={"Location": "/elsewhere"}, request=httpx.Request("GET", url)
        )

    response = wait_for_completion(accepted, monitor, clock=FakeClock(), interval=1, max_wait=9)
    assert response.status_code == 400


def test_a_token_bucket_holds_one_call_by_default() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=2.0, clock=clock)
    assert [bucket.acquire(), bucket.acquire()] == [0.0, 0.5]


def test_limiters_without_a_clock_run_on_the_system_clock() -> None:
    assert TokenBucket(rate=1000.0).try_acquire()
    cooldown = HostCooldown()
    cooldown.pause("h", 3600)
    assert 3500 < cooldown.remaining("h") <= 3600
