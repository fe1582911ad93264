"""OAuth2 client-credentials tokens as an ``httpx.Auth``, with an injected token cache.

No module-level cache or client: the :class:`TokenCache` is built by the
caller (one per script run, usually) and passed to every
:class:`ClientCredentialsAuth` that should share tokens.  Tokens are fetched
through an injected sender — an ``httpx.Client`` or any
``send(request) -> response`` callable, e.g. the resilient RestClient stack —
refreshed ``skew`` seconds (at most half their lifetime) before they expire
on an injected clock, fetched by
exactly one thread when many need one at once, and registered with the
secret registry the moment they arrive.  No repr or error shows a token or
the client secret.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import AsyncGenerator, Callable, Generator
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from txo.clock import Clock, SystemClock
from txo.errors import (
    ApiAuthenticationError,
    ApiTimeoutError,
    ErrorContext,
    TxoError,
)
from txo.http.classify import TextRedactor, redact

__all__ = [
    "DEFAULT_AUTHORITY",
    "ClientCredentialsAuth",
    "SecretSink",
    "StaticTokenAuth",
    "TokenCache",
    "TokenInfo",
    "TokenKey",
    "TokenSender",
]

logger = logging.getLogger(__name__)

DEFAULT_AUTHORITY = "https://login.microsoftonline.com"
TokenKey = tuple[str, str, str]
"""(tenant id, client id, scope)."""
TokenSender = Callable[[httpx.Request], httpx.Response]


class SecretSink(Protocol):
    """Anything that records secret values for redaction (txo.log.SecretRegistry)."""

    def add(self, value: str) -> None: ...


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """An access token; ``expires_at`` is on the injected clock's ``time()`` scale."""

    access_token: str = field(repr=False)
    expires_at: float
    token_type: str = "Bearer"
    scope: str | None = None
    issued_at: float | None = None

    def is_expired(self, now: float, skew: float = 0.0) -> bool:
        """True once ``now`` is within ``skew`` seconds of expiry."""
        return now >= self.expires_at - skew

    @property
    def lifetime(self) -> float | None:
        """Seconds from issue to expiry, when the issue time is known."""
        return None if self.issued_at is None else self.expires_at - self.issued_at

    def refresh_due(self, now: float, max_margin: float) -> bool:
        """True once ``now`` is within the refresh margin of expiry.

        The margin is ``max_margin`` but at most half the lifetime: a token
        living 30 s is refreshed after 15 s, not treated as expired on arrival.
        """
        lifetime = self.lifetime
        margin = max_margin if lifetime is None else min(max_margin, max(lifetime, 0.0) / 2)
        return self.is_expired(now, margin)

    @property
    def authorization_header(self) -> str:
        return f"{self.token_type} {self.access_token}"


class TokenCache:
    """Thread-safe tokens keyed by (tenant, client id, scope), plus per-key fetch locks.

    Bounded like urllib3's RecentlyUsedContainer: beyond ``max_entries`` the
    least recently used token is dropped (it is simply fetched again when
    needed), so a process that talks to many tenants keeps flat memory.
    """

    def __init__(self, max_entries: int = 256) -> None:
        if max_entries < 1:
            raise ValueError("TokenCache max_entries must be at least 1")
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._tokens: OrderedDict[TokenKey, TokenInfo] = OrderedDict()
        self._fetch_locks: OrderedDict[TokenKey, threading.Lock] = OrderedDict()

    def __repr__(self) -> str:
        return f"TokenCache(size={len(self)}, max_entries={self.max_entries})"

    def __len__(self) -> int:
        with self._lock:
            return len(self._tokens)

    def get(self, key: TokenKey) -> TokenInfo | None:
        """The cached token for ``key`` (possibly expired — callers check), or None."""
        with self._lock:
            info = self._tokens.get(key)
            if info is not None:
                self._tokens.move_to_end(key)
            return info

    def put(self, key: TokenKey, info: TokenInfo) -> None:
        with self._lock:
            self._tokens[key] = info
            self._tokens.move_to_end(key)
            while len(self._tokens) > self.max_entries:
                self._tokens.popitem(last=False)

    def invalidate(self, key: TokenKey, token: TokenInfo | None = None) -> bool:
        """Drop the token for ``key``; with ``token``, only if it is still that token.

        The conditional form keeps a thread holding a stale token from dropping
        a fresh one another thread just fetched.  Returns whether one was dropped.
        """
        with self._lock:
            current = self._tokens.get(key)
            if current is None or (token is not None and current is not token):
                return False
            del self._tokens[key]
            return True

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()

    def fetch_lock(self, key: TokenKey) -> threading.Lock:
        """The lock that serialises token fetches for ``key`` (single flight).

        Beyond ``max_entries`` the least recently used idle locks are dropped;
        a lock some thread holds is never dropped.
        """
        with self._lock:
            lock = self._fetch_locks.get(key)
            if lock is None:
                lock = self._fetch_locks[key] = threading.Lock()
                self._prune_idle_locks()
            self._fetch_locks.move_to_end(key)
            return lock

    def _prune_idle_locks(self) -> None:
        excess = len(self._fetch_locks) - self.max_entries
        for old_key in list(self._fetch_locks)[:excess]:
            if not self._fetch_locks[old_key].locked():
                del self._fetch_locks[old_key]


class _BearerAuth(httpx.Auth):
    """Shared sync flow: set the header, and on a 401 refresh once and resend."""

    def get_token(self) -> TokenInfo:  # pragma: no cover - abstract
        raise NotImplementedError

    def _refresh_after_401(self, rejected: TokenInfo) -> TokenInfo | None:
        """A new token to retry with, or None to give the 401 back to the caller."""
        return None

    @property
    def auth_identity(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.get_token()
        request.headers["Authorization"] = token.authorization_header
        response = yield request
        if response.status_code != 401:
            return
        fresh = self._refresh_after_401(token)
        if fresh is None:
            return
        request.headers["Authorization"] = fresh.authorization_header
        yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        raise TypeError(f"{type(self).__name__} supports httpx.Client only (sync)")
        yield request  # pragma: no cover - makes this an async generator


class StaticTokenAuth(_BearerAuth):
    """A pre-issued bearer token (v2.1's ``_az_token``); a 401 is returned as is."""

    def __init__(
        self, token: str, *, token_type: str = "Bearer", secrets: SecretSink | None = None
    ) -> None:
        if not token:
            raise ValueError("StaticTokenAuth needs a non-empty token")
        if secrets is not None:
            secrets.add(token)
        self._token = TokenInfo(token, float("inf"), token_type)

    def __repr__(self) -> str:
        return f"StaticTokenAuth(identity={self.auth_identity!r})"

    def get_token(self) -> TokenInfo:
        return self._token

    @property
    def auth_identity(self) -> str:
        digest = hashlib.sha256(self._token.access_token.encode()).hexdigest()[:12]
        return f"static:{digest}"


class ClientCredentialsAuth(_BearerAuth):
    """OAuth2 client-credentials flow against ``{authority}/{tenant}/oauth2/v2.0/token``."""

    def __init__(
        self,
        *,
        tenant_id: str,
        client_id: str,
        client_secret: str,
        scope: str,
        cache: TokenCache,
        sender: httpx.Client | TokenSender | None = None,
        authority: str = DEFAULT_AUTHORITY,
        clock: Clock | None = None,
        skew: float = 60.0,
        timeout: float = 30.0,
        secrets: SecretSink | None = None,
        redactor: TextRedactor | None = None,
    ) -> None:
        _require_fields(tenant_id=tenant_id, client_id=client_id, scope=scope)
        _require_fields(client_secret=client_secret)
        self.tenant_id, self.client_id, self.scope = tenant_id, client_id, scope
        self._client_secret = client_secret
        self._cache = cache
        self._own_client: httpx.Client | None = None
        self._send = self._resolve_sender(sender, timeout)
        self.authority = authority.rstrip("/")
        self._clock: Clock = clock if clock is not None else SystemClock()
        self.skew, self.timeout = skew, timeout
        self._secrets = secrets
        self._redactor = redactor
        if secrets is not None:  # with the id, a registry also hides base64("id:secret")
            add_pair = getattr(secrets, "add_pair", None)
            if callable(add_pair):
                add_pair(client_id, client_secret)
            else:
                secrets.add(client_secret)

    def __repr__(self) -> str:
        return (
            f"ClientCredentialsAuth(tenant_id={self.tenant_id!r}, "
            f"client_id={self.client_id[:8]!r}..., scope={self.scope!r})"
        )

    @property
    def key(self) -> TokenKey:
        return (self.tenant_id, self.client_id, self.scope)

    @property
    def auth_identity(self) -> str:
        """``tenant:client_id:scope`` — stable, secret-free, usable in pool keys."""
        return ":".join(self.key)

    @property
    def token_url(self) -> str:
        return f"{self.authority}/{self.tenant_id}/oauth2/v2.0/token"

    def get_token(self) -> TokenInfo:
        """A valid token: from the cache, or fetched by exactly one thread."""
        seen = self._cache.get(self.key)
        if seen is not None and not seen.refresh_due(self._clock.time(), self.skew):
            return seen
        with self._cache.fetch_lock(self.key):
            current = self._cache.get(self.key)
            if current is not None and self._still_usable(current, seen):
                return current
            token = self._fetch()
            self._cache.put(self.key, token)
            logger.debug(
                "Fetched OAuth token for %s:%s... (scope %s)",
                self.tenant_id,
                self.client_id[:8],
                self.scope,
            )
            return token

    def invalidate(self, token: TokenInfo | None = None) -> None:
        """Forget the cached token (only ``token``, if given)."""
        self._cache.invalidate(self.key, token)

    def close(self) -> None:
        """Close the token client this object created itself (an injected one is left)."""
        if self._own_client is not None:
            self._own_client.close()
            self._own_client = None

    def _refresh_after_401(self, rejected: TokenInfo) -> TokenInfo:
        self._cache.invalidate(self.key, rejected)
        return self.get_token()

    def _still_usable(self, current: TokenInfo, seen: TokenInfo | None) -> bool:
        """Whether to use ``current`` rather than fetch (the fetch lock is held).

        A token another thread fetched while this one waited is used as long as
        it has not expired, even if it is already due for refresh: a waiting
        thread never fetches a second token for the same moment (single flight).
        """
        now = self._clock.time()
        if not current.refresh_due(now, self.skew):
            return True
        return current is not seen and not current.is_expired(now)

    def _resolve_sender(
        self, sender: httpx.Client | TokenSender | None, timeout: float
    ) -> TokenSender:
        if isinstance(sender, httpx.Client):
            return sender.send
        if sender is not None:
            return sender

        def send_with_own_client(request: httpx.Request) -> httpx.Response:
            if self._own_client is None:
                self._own_client = httpx.Client(timeout=timeout)
            return self._own_client.send(request)

        return send_with_own_client

    # --- the token request ---------------------------------------------------

    def _fetch(self) -> TokenInfo:
        request = httpx.Request(
            "POST",
            self.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self._client_secret,
                "scope": self.scope,
            },
            extensions={"timeout": httpx.Timeout(self.timeout).as_dict()},
        )
        response = self._send_token_request(request)
        try:
            response.read()
        finally:
            response.close()
        return self._parse(response)

    def _send_token_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return self._send(request)
        except httpx.TimeoutException as exc:
            raise ApiTimeoutError(
                f"OAuth token request timed out after {self.timeout:g}s",
                context=self._context(),
            ) from exc
        except httpx.HTTPError as exc:
            raise ApiAuthenticationError(
                self._redact(f"OAuth token request failed: {type(exc).__name__}: {exc}"),
                context=self._context(),
                status_code=0,
            ) from exc
        except (ApiAuthenticationError, ApiTimeoutError):
            raise
        except TxoError as exc:  # a resilient sender that classifies errors itself
            raise ApiAuthenticationError(
                self._redact(f"OAuth token request failed: {exc.message}"),
                context=self._context(),
            ) from exc

    def _parse(self, response: httpx.Response) -> TokenInfo:
        body = _json_object(response)
        if response.status_code != 200:
            raise self._status_error(response, body)
        token = body.get("access_token") if body is not None else None
        if not isinstance(token, str) or not token:
            raise ApiAuthenticationError(
                "Invalid token response, missing: 'access_token'",
                context=self._context(),
                status_code=response.status_code,
            )
        if self._secrets is not None:
            self._secrets.add(token)
        assert body is not None
        now = self._clock.time()
        return TokenInfo(
            token,
            now + _seconds(body.get("expires_in"), 3600.0),
            str(body.get("token_type") or "Bearer"),
            _optional_str(body.get("scope")) or self.scope,
            issued_at=now,
        )

    def _status_error(
        self, response: httpx.Response, body: dict[str, Any] | None
    ) -> ApiAuthenticationError:
        if body is not None:
            reason = str(body.get("error_description") or body.get("error") or "Unknown error")
            excerpt = None
        else:
            excerpt = self._redact(response.text[:200]) or None
            reason = excerpt or "Unknown error"
        return ApiAuthenticationError(
            self._redact(f"Token request failed with status {response.status_code}: {reason}"),
            status_code=response.status_code,
            context=self._context(),
            request_id=response.headers.get("x-ms-request-id")
            or response.headers.get("request-id"),
            body_excerpt=excerpt,
        )

    def _redact(self, text: str) -> str:
        return redact(text, self._redactor)

    def _context(self) -> ErrorContext:
        return ErrorContext(
            operation="OAuth token request",
            resource=self.token_url,
            details={
                "tenant_id": self.tenant_id,
                "client_id": self.client_id[:8] + "...",
                "scope": self.scope,
            },
        )


def _require_fields(**fields: str) -> None:
    for name, value in fields.items():
        if not value:
            raise ApiAuthenticationError(
                f"OAuth client credentials need a non-empty {name}.",
                how_to_fix=(
                    "Set global.tenant-id, global.client-id and global.oauth-scope in the "
                    "config file and client-secret in the secrets file."
                ),
            )


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _seconds(value: object, default: float) -> float:
    if isinstance(value, bool) or value is None:
        return default
    if isinstance(value, int | float | str):
        try:
            return float(value)
        except ValueError:
            return default
    return default


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
