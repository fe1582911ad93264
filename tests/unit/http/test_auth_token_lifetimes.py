"""When tokens count as expired or due, what a static token is, and the settings' defaults."""

from __future__ import annotations

import time

import httpx
import pytest

from txo.errors import ApiAuthenticationError
from txo.http.auth import ClientCredentialsAuth, StaticTokenAuth, TokenCache, TokenInfo


def test_a_token_is_expired_only_at_its_expiry_without_skew() -> None:
    token = TokenInfo("t", expires_at=100.0)
    assert not token.is_expired(99.5)
    assert token.is_expired(100.0)


def test_a_token_with_no_lifetime_left_gets_no_early_refresh_margin() -> None:
    token = TokenInfo("t", expires_at=100.0, issued_at=100.0)
    assert not token.refresh_due(99.8, max_margin=60.0)


def test_a_static_token_never_expires_and_keeps_its_type() -> None:
    auth = StaticTokenAuth("abc", token_type="PoP")
    token = auth.get_token()
    assert token.authorization_header == "PoP abc"
    assert token.expires_at == float("inf")
    assert not token.refresh_due(time.time() + 10 * 365 * 86400, max_margin=60.0)


def test_empty_settings_are_refused_with_their_names() -> None:
    with pytest.raises(ValueError, match=r"^StaticTokenAuth needs a non-empty token$"):
        StaticTokenAuth("")
    with pytest.raises(ValueError, match=r"^TokenCache max_entries must be at least 1$"):
        TokenCache(0)
    with pytest.raises(ApiAuthenticationError) as caught:
        ClientCredentialsAuth(
            tenant_id="", client_id="c", client_secret="s", scope="x", cache=TokenCache()
        )
    assert caught.value.message == "OAuth client credentials need a non-empty tenant_id."
    assert caught.value.how_to_fix == (
        "Set global.tenant-id, global.client-id and global.oauth-scope in the config file and "
        "client-secret in the secrets file."
    )


def test_the_token_cache_keeps_256_tokens_by_default() -> None:
    cache = TokenCache()
    for n in range(257):
        cache.put(("t", "c", f"scope-{n}"), TokenInfo("x", 1.0))
    assert len(cache) == 256
    assert cache.get(("t", "c", "scope-0")) is None


def test_a_trailing_slash_on_the_authority_is_ignored() -> None:
    auth = ClientCredentialsAuth(
        tenant_id="tenant-1", client_id="c", client_secret="s", scope="x", cache=TokenCache(),
        authority="https://login.example.com/",
    )  # fmt: skip
    assert auth.token_url == "https://login.example.com/tenant-1/oauth2/v2.0/token"


def test_without_a_clock_tokens_expire_on_the_system_clock() -> None:
    def send(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})

    auth = ClientCredentialsAuth(
        tenant_id="t", client_id="c", client_secret="s", scope="x", cache=TokenCache(),
        sender=send,
    )  # fmt: skip
    assert auth.get_token().expires_at == pytest.approx(time.time() + 3600, abs=60)
