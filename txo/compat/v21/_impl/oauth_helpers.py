"""v2.1 ``utils.oauth_helpers`` over :class:`txo.http.ClientCredentialsAuth`.

The token request, expiry handling (refresh 60 s early) and secret
registration are v3's; the global token cache and default client of v2.1
live in the compat runtime.  The authority defaults to
``https://login.microsoftonline.com``; ``OAuthClient(authority=...)`` or
the environment variable ``TXO_OAUTH_AUTHORITY`` point it elsewhere (the
script runner passes ``global.oauth-authority`` from the config).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urlencode

from txo import errors as v3
from txo.compat.runtime import current
from txo.compat.v21._impl.exceptions import ApiAuthenticationError, ApiTimeoutError
from txo.compat.warnings import shim_of, warn_deprecated
from txo.http import auth as v3auth

__all__ = [
    "AUTHORITY_ENV_VAR",
    "HTTPError",
    "OAuthClient",
    "TokenCache",
    "TokenInfo",
    "clear_token_cache",
    "get_client_credentials_token",
    "get_oauth_client",
]

AUTHORITY_ENV_VAR = "TXO_OAUTH_AUTHORITY"
_log = logging.getLogger("TxoApp")


class HTTPError(OSError):
    """Stands in for ``requests.HTTPError`` (also an OSError); has ``.response.status_code``."""

    def __init__(self, message: str, status_code: int) -> None:
        super().__init__(message)
        self.response = SimpleNamespace(status_code=status_code, text=message)


@shim_of("utils.oauth_helpers.TokenInfo")
@dataclass
class TokenInfo:
    """An access token and when it expires (epoch seconds)."""

    access_token: str
    expires_at: float
    token_type: str = "Bearer"
    scope: str | None = None

    def is_expired(self, buffer_seconds: int = 60) -> bool:
        return current().clock.time() >= self.expires_at - buffer_seconds

    @property
    def authorization_header(self) -> str:
        return f"{self.token_type} {self.access_token}"


def _key(key: str) -> v3auth.TokenKey:
    tenant, _, rest = key.partition(":")
    client, _, scope = rest.partition(":")
    return (tenant, client, scope)


@shim_of("utils.oauth_helpers.TokenCache")
class TokenCache:
    """v2.1's string-keyed cache (``tenant:client_id:scope``) over a v3 TokenCache."""

    def __init__(self) -> None:
        self.v3_cache = v3auth.TokenCache()

    def get(self, key: str) -> TokenInfo | None:
        """The token, unless missing or expired (then it is dropped)."""
        found = self.v3_cache.get(_key(key))
        if found is None:
            return None
        info = TokenInfo(found.access_token, found.expires_at, found.token_type, found.scope)
        if info.is_expired():
            self.v3_cache.invalidate(_key(key))
            return None
        return info

    def set(self, key: str, info: TokenInfo) -> None:
        token = v3auth.TokenInfo(info.access_token, info.expires_at, info.token_type, info.scope)
        self.v3_cache.put(_key(key), token)

    def clear(self, key: str | None = None) -> None:
        if key is None:
            self.v3_cache.clear()
        else:
            self.v3_cache.invalidate(_key(key))

    def close(self) -> None:
        self.v3_cache.clear()


def _global_cache() -> TokenCache:
    cache: TokenCache = current().token_cache
    return cache


def _authority(explicit: str | None) -> str:
    if explicit:
        return explicit
    return os.getenv(AUTHORITY_ENV_VAR) or v3auth.DEFAULT_AUTHORITY


def _legacy(exc: v3.ApiError) -> v3.ApiError:
    if isinstance(exc, ApiAuthenticationError | ApiTimeoutError):
        return exc
    if isinstance(exc, v3.ApiTimeoutError):
        return ApiTimeoutError(exc.message)
    return ApiAuthenticationError(exc.message)


class _ClearCache:
    """``clear_cache`` on an instance (2.1) or on the class (3.1's staticmethod, warns)."""

    def __get__(self, obj: object, owner: type | None = None) -> Callable[[], None]:
        if obj is None:
            warn_deprecated("utils.oauth_helpers.OAuthClient.clear_cache")
        return _clear_all_tokens


@shim_of("utils.oauth_helpers.OAuthClient")
class OAuthClient:
    """v2.1 OAuth client (client credentials); tokens go to the process-wide cache."""

    def __init__(
        self,
        tenant_id: str | None = None,
        timeout: int = 30,
        max_retries: int = 3,
        cache_tokens: bool = True,
        *,
        authority: str | None = None,
    ) -> None:
        self.tenant_id = tenant_id
        self.timeout = timeout
        self.max_retries = max_retries
        self.cache_tokens = cache_tokens
        self.authority = authority

    def _tenant(self, tenant_id: str | None) -> str:
        tenant = tenant_id or self.tenant_id
        if not tenant:
            raise ValueError("tenant_id must be provided either in constructor or method call")
        return tenant

    def _auth(
        self, tenant: str, client_id: str, client_secret: str, scope: str
    ) -> v3auth.ClientCredentialsAuth:
        cache = _global_cache().v3_cache if self.cache_tokens else v3auth.TokenCache()
        return v3auth.ClientCredentialsAuth(
            tenant_id=tenant,
            client_id=client_id,
            client_secret=client_secret,
            scope=scope,
            cache=cache,
            authority=_authority(self.authority),
            clock=current().clock,
            timeout=float(self.timeout),
            secrets=current().secrets,
        )

    def get_client_credentials_token(
        self,
        client_id: str,
        client_secret: str,
        scope: str,
        tenant_id: str | None = None,
        additional_params: Mapping[str, str] | None = None,
    ) -> str:
        """An access token (from the cache while valid)."""
        tenant = self._tenant(tenant_id)
        if additional_params:
            _log.warning("additional_params are not sent: txo 3 sends the standard form only")
        _log.info("Acquiring OAuth token for client %s...", client_id[:8])
        auth = self._auth(tenant, client_id, client_secret, scope)
        try:
            return auth.get_token().access_token
        except v3.ApiError as exc:
            raise _legacy(exc) from exc
        finally:
            auth.close()

    def get_token_with_refresh(
        self,
        refresh_token: str,
        client_id: str,
        client_secret: str,
        scope: str,
        tenant_id: str | None = None,
    ) -> tuple[str, str]:
        """(access token, the refresh token passed in) from a refresh-token grant; not cached."""
        from txo.http.classify import json_body
        from txo.http.client import RestClient

        tenant = self._tenant(tenant_id)
        url = f"{_authority(self.authority).rstrip('/')}/{tenant}/oauth2/v2.0/token"
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        form |= {"client_id": client_id, "client_secret": client_secret, "scope": scope}
        content = urlencode(form).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        with RestClient(timeout=float(self.timeout), clock=current().clock) as client:
            try:
                body = json_body(client.request("POST", url, content=content, headers=headers))
            except v3.ApiError as exc:
                raise _legacy(exc) from exc
        token = body["access_token"] if isinstance(body, dict) and "access_token" in body else None
        if not isinstance(token, str):
            raise ApiAuthenticationError("Invalid token response, missing: 'access_token'")
        current().secrets.add(token)
        return token, refresh_token

    def revoke_token(
        self, token: str, client_id: str, client_secret: str, tenant_id: str | None = None
    ) -> bool:
        """No HTTP call (as v2.1); forgets cached tokens of this client; returns True."""
        tenant = self._tenant(tenant_id)
        _global_cache().clear(f"{tenant}:{client_id}:*")
        return True

    #: 2.1: ``client.clear_cache()``; 3.1: a staticmethod, ``OAuthClient.clear_cache()``.
    clear_cache = _ClearCache()


def _clear_all_tokens() -> None:
    """Forget every cached token (v2.1's ``OAuthClient.clear_cache``)."""
    _global_cache().clear()


def _default_client() -> OAuthClient:
    client: OAuthClient = current().oauth_client
    return client


@shim_of("utils.oauth_helpers.get_client_credentials_token")
def get_client_credentials_token(
    tenant_id: str, client_id: str, client_secret: str, scope: str, use_cache: bool = True
) -> str:
    """A token from the default client; errors in v2.1's shapes (HTTPError, KeyError)."""
    client = _default_client()
    client.cache_tokens = use_cache  # persistent, as in v2.1
    try:
        return client.get_client_credentials_token(client_id, client_secret, scope, tenant_id)
    except ApiAuthenticationError as exc:
        if "access_token" in str(exc):
            raise KeyError("access_token") from exc
        raise HTTPError(str(exc), 401) from exc


@shim_of("utils.oauth_helpers.clear_token_cache")
def clear_token_cache() -> None:
    _global_cache().clear()


@shim_of("utils.oauth_helpers.get_oauth_client")
def get_oauth_client(
    tenant_id: str | None = None, timeout: int = 30, max_retries: int = 3, cache_tokens: bool = True
) -> OAuthClient:
    return OAuthClient(tenant_id, timeout, max_retries, cache_tokens)
