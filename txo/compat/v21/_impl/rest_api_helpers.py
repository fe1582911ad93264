"""v2.1 ``utils.rest_api_helpers``: ``TxoRestAPI`` over :class:`txo.http.RestClient`.

The request pipeline (retries with backoff and jitter, rate limiting, the
circuit breaker, 202 polling, pooled sessions) is v3's; this module keeps
v2.1's signatures, return values (JSON dicts, ``{}`` for an empty body)
and error classes/messages (v21-api.md §6.2).  Differences from v2.1, all
deliberate and listed in migration/GUIDE.md: paging follows
``@odata.nextLink`` (sizing pages with ``Prefer: odata.maxpagesize``)
instead of ``$top/$skip``; the breaker counts 5xx and transport failures
(not 4xx); the rate limiter gates every attempt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from txo import errors as v3
from txo.compat.runtime import current
from txo.compat.v21._impl._http_errors import legacy_error
from txo.compat.v21._impl.api_common import CircuitBreaker, RateLimiter, apply_jitter, manual_retry
from txo.compat.v21._impl.exceptions import (
    ApiOperationError,
    ApiTimeoutError,
)
from txo.compat.v21._impl.url_helpers import odata_condition
from txo.compat.warnings import shim_of
from txo.http.auth import StaticTokenAuth
from txo.http.breaker import BreakerRegistry
from txo.http.breaker import CircuitBreaker as V3Breaker
from txo.http.classify import json_body
from txo.http.client import RestClient
from txo.http.polling import wait_for_completion
from txo.http.pool import SessionPool
from txo.http.retry import RetryPolicy

if TYPE_CHECKING:
    import httpx

    from txo.compat.v21._impl.rate_limit_manager import RateLimitManager

__all__ = ["RestOperationResult", "SessionManager", "TxoRestAPI", "retry_rest_call"]

_log = logging.getLogger("TxoApp")
DEFAULT_TIMEOUTS: Mapping[str, float] = MappingProxyType(
    {
        "rest-timeout-seconds": 60,
        "max-retries": 5,
        "backoff-factor": 3.0,
        "async-max-wait": 300,
        "async-poll-interval": 5,
    }
)


@shim_of("utils.rest_api_helpers.RestOperationResult")
@dataclass
class RestOperationResult:
    """The outcome of ``create_or_update`` (errors are returned, not raised)."""

    success: bool
    operation: str
    entity_id: str
    message: str
    status_code: int = 0
    raw_result: Any = None


@shim_of("utils.rest_api_helpers.SessionManager")
class SessionManager:
    """v2.1's session cache over a v3 :class:`SessionPool` (sessions are ``httpx.Client``)."""

    def __init__(self, max_cache_size: int = 50) -> None:
        self.max_cache_size = max_cache_size
        self.pool = SessionPool(max_cache_size)

    def get_session(
        self, key: str, headers: Mapping[str, str], retry_config: Mapping[str, Any]
    ) -> httpx.Client:
        """The pooled client for ``key``, created on first use."""
        with self.pool.lease(
            (key, "v21"), lambda: self._create_session(headers, retry_config)
        ) as c:
            return c

    @staticmethod
    def _create_session(
        headers: Mapping[str, str], retry_config: Mapping[str, Any]
    ) -> httpx.Client:
        """A client with the headers; retries are RestClient's job in v3."""
        import httpx  # the one httpx use in txo.compat: v2.1 handed out raw sessions

        timeout = (
            float(retry_config["rest-timeout-seconds"])
            if "rest-timeout-seconds" in retry_config
            else 60.0
        )
        return httpx.Client(headers=dict(headers), timeout=timeout)

    def close_all(self) -> None:
        """Close every pooled session; later calls start a fresh pool."""
        self.pool.close()
        self.pool = SessionPool(self.max_cache_size)


class _LimiterGate:
    """v2.1 ``RateLimiter.wait_if_needed`` as v3's ``acquire()``."""

    def __init__(self, limiter: RateLimiter) -> None:
        self._limiter = limiter

    def acquire(self) -> float:
        self._limiter.wait_if_needed()
        return 0.0


class _SharedBreaker(BreakerRegistry):
    """Every host uses the one v2.1 breaker the caller passed in."""

    def __init__(self, legacy: CircuitBreaker) -> None:
        super().__init__(current().clock, legacy.failure_threshold, legacy.timeout)
        self._legacy = legacy

    def get(self, host: str) -> V3Breaker:
        return self._legacy.v3_breaker


def _retry_policy(timeouts: Mapping[str, Any], jitter: Mapping[str, Any]) -> RetryPolicy:
    """v2.1's manual loop: ``max-retries`` total attempts, delay ``backoff-factor ** n``."""
    return RetryPolicy(
        max_attempts=max(1, int(timeouts["max-retries"])),
        backoff_factor=1.0,
        backoff_base=max(1.0, float(timeouts["backoff-factor"])),
        backoff_max=3600.0,
        jitter_min=float(jitter["min-factor"]),
        jitter_max=float(jitter["max-factor"]),
        total_deadline=None,
        retry_non_idempotent=True,  # v2.1 retried every method on 429/5xx
    )


@shim_of("utils.rest_api_helpers.TxoRestAPI")
class TxoRestAPI:
    """v2.1's REST client; a context manager."""

    def __init__(
        self,
        token: str | None = None,
        require_auth: bool = True,
        rate_limit_manager: RateLimitManager | None = None,
        timeout_config: Mapping[str, Any] | None = None,
        jitter_config: Mapping[str, Any] | None = None,
        rate_limiter: RateLimiter | None = None,
        circuit_breaker: CircuitBreaker | None = None,
    ) -> None:
        if require_auth and not token:
            raise ValueError(
                "Token is required when require_auth=True. Either provide a token or set "
                "require_auth=False for public APIs."
            )
        self.token, self.require_auth = token, require_auth
        self.rate_limit_manager = rate_limit_manager
        self.rate_limiter, self.circuit_breaker = rate_limiter, circuit_breaker
        self.timeouts: dict[str, Any] = {**DEFAULT_TIMEOUTS, **(timeout_config or {})}
        self.jitter_config = dict(jitter_config or {"min-factor": 1.0, "max-factor": 1.0})
        self.headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Prefer": "return=representation",
        }
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self._session_manager = SessionManager(50)
        self._session_key = f"rest_{id(self)}"
        self._client: RestClient | None = None

    # --- plumbing -------------------------------------------------------------

    @property
    def session(self) -> httpx.Client:
        return self._session_manager.get_session(self._session_key, self.headers, self.timeouts)

    def _rest(self) -> RestClient:
        if self._client is None:
            auth = StaticTokenAuth(self.token, secrets=current().secrets) if self.token else None
            headers = {k: v for k, v in self.headers.items() if k != "Authorization"}
            self._client = RestClient(
                auth=auth,
                headers=headers,
                retry=_retry_policy(self.timeouts, self.jitter_config),
                rate_limiter=_LimiterGate(self.rate_limiter) if self.rate_limiter else None,
                breakers=_SharedBreaker(self.circuit_breaker) if self.circuit_breaker else None,
                timeout=float(self.timeouts["rest-timeout-seconds"]),
                poll_interval=float(self.timeouts["async-poll-interval"]),
                poll_max_wait=float(self.timeouts["async-max-wait"]),
                clock=current().clock,
                pool=self._session_manager.pool,
            )
        return self._client

    def apply_jitter(self, delay: float) -> float:
        return apply_jitter(delay, self.jitter_config)

    @staticmethod
    def extract_context_from_url(url: str) -> str:
        """``"[<service>:<company>]"`` from a BC URL, ``"[<service>]"``, or ``"[REST]"``."""
        parts = url.split("/")
        if len(parts) <= 5 or not parts[5]:
            return "[REST]"
        company = url.split("companies(", 1)[1].split(")", 1)[0] if "companies(" in url else ""
        company = company.strip("'")
        if len(company) > 8 and "-" in company:
            company = company[:8] + "..."
        return f"[{parts[5]}:{company}]" if company else f"[{parts[5]}]"

    def _check_circuit_breaker(self, operation: str) -> None:
        if self.circuit_breaker is not None and self.circuit_breaker.is_open():
            raise ApiOperationError(
                f"Circuit breaker open for {operation}. Too many failures detected."
            )

    def _apply_rate_limit(self) -> None:
        if self.rate_limiter is not None:
            self.rate_limiter.wait_if_needed()

    def _handle_response_error(self, response: httpx.Response, operation: str) -> None:
        """Raise the v2.1 error for a failed response."""
        from txo.http.classify import error_for_response

        raise legacy_error(error_for_response(response), operation, str(response.request.url))

    # --- requests ---------------------------------------------------------------

    def _execute_request(
        self, method: str, url: str, skip_async_check: bool = False, **kwargs: Any
    ) -> httpx.Response:
        """One call through the v3 pipeline; v3 errors become v2.1 errors."""
        if int(self.timeouts["max-retries"]) <= 0:  # v2.1 sent nothing in this case
            raise ApiOperationError(f"{method} failed after 0 attempts. Last error: None")
        kwargs.pop("timeout", None)  # v3 applies rest-timeout-seconds to every request
        try:
            response = self._rest().request(method, url, poll=False, **kwargs)
        except v3.ApiError as exc:
            raise legacy_error(exc, method, url) from exc
        if self.rate_limit_manager is not None:
            self.rate_limit_manager.update_from_headers(url, dict(response.headers))
        return response

    def _request_json(self, method: str, url: str, **kwargs: Any) -> Any:
        response = self._execute_request(method, url, **kwargs)
        if response.status_code == 202:
            return self._handle_async_operation(response, self.extract_context_from_url(url))
        body = json_body(response)
        return {} if body is None else body

    def _handle_async_operation(self, response: httpx.Response, context: str) -> Any:
        """Poll a 202's ``Location`` until done; the final JSON (or ``{}``)."""
        interval = float(self.timeouts["async-poll-interval"])
        max_wait = float(self.timeouts["async-max-wait"])
        try:
            final = wait_for_completion(
                response,
                self._poll_once,
                clock=current().clock,
                interval=interval,
                max_wait=max_wait,
            )
        except v3.ApiTimeoutError as exc:
            details = exc.context.details or {}
            elapsed, polls = details["elapsed_seconds"], details["polls"]
            raise ApiTimeoutError(
                f"Async operation timeout after {elapsed:.1f}s ({polls} polls)"
            ) from exc
        if final is response:
            _log.warning("%s 202 Accepted without a Location header", context)
        elif final.status_code != 200:
            raise ApiOperationError(f"Async operation failed: HTTP {final.status_code}")
        body = json_body(final)
        return {} if body is None else body

    def _poll_once(self, url: httpx.URL) -> httpx.Response:
        return self._execute_request("GET", str(url), skip_async_check=True)

    def get(self, url: str, params: Mapping[str, Any] | None = None) -> Any:
        return self._request_json("GET", url, params=params)

    def post(self, url: str, json_data: Any = None) -> Any:
        return self._request_json("POST", url, json=json_data)

    def patch(self, url: str, json_data: Any = None, etag: str | None = None) -> Any:
        return self._request_json("PATCH", url, json=json_data, etag=etag)

    def delete(self, url: str, etag: str | None = None) -> None:
        self._execute_request("DELETE", url, etag=etag)

    # --- OData ------------------------------------------------------------------

    def get_odata_entities(
        self,
        base_url: str,
        entity_name: str,
        odata_filter: str | None = None,
        select_fields: list[str] | None = None,
        page_size: int | None = None,
        max_pages: int | None = None,
        log_context: str | None = None,
        batch_config: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Every entity, following ``@odata.nextLink``; ``@odata.*`` keys stripped.

        As in v2.1, an ApiOperationError/ApiTimeoutError after the first page
        is logged and the entities fetched so far are returned.
        """
        size = min(page_size or _batch_size(batch_config), 1000)
        url: str | None = _collection_url(base_url, entity_name, odata_filter, select_fields)
        prefer = {"Prefer": f"odata.maxpagesize={size}"}
        entities: list[dict[str, Any]] = []
        seen: set[str] = set()
        while url and url not in seen and (max_pages is None or len(seen) < max_pages):
            seen.add(url)
            try:
                body = self._request_json("GET", url, headers=prefer)
            except (ApiOperationError, ApiTimeoutError) as exc:
                if len(seen) == 1:
                    raise
                _log.error("%s Failed on page %d: %s", log_context or "", len(seen), exc)
                break
            page = body["value"] if isinstance(body, dict) and "value" in body else []
            entities.extend(_strip_odata(item) for item in page)
            url = _next_link(body) if page else None
        return entities

    def get_odata_entities_filtered(
        self,
        base_url: str,
        entity_name: str,
        filter_conditions: Mapping[str, Any],
        select_fields: list[str] | None = None,
        page_size: int | None = None,
        log_context: str | None = None,
        batch_config: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """``filter_conditions`` joined with `` and `` (values quoted as in build_odata_filter)."""
        odata_filter = " and ".join(odata_condition(k, v) for k, v in filter_conditions.items())
        return self.get_odata_entities(
            base_url,
            entity_name,
            odata_filter=odata_filter or None,
            select_fields=select_fields,
            page_size=page_size,
            log_context=log_context,
            batch_config=batch_config,
        )

    def create_or_update(
        self,
        url: str,
        entity_name: str,
        key_field: str,
        key_value: str,
        payload: Mapping[str, Any],
    ) -> RestOperationResult:
        """PATCH the entity whose ``key_field`` equals ``key_value``, else POST it."""
        try:
            found = self.get(f"{url}?$filter={key_field} eq '{key_value}'")
            matches = found["value"] if isinstance(found, dict) and "value" in found else []
            if matches:
                return self._update_first(url, entity_name, key_value, matches[0], payload)
            created = self.post(url, dict(payload))
            message = f"Created new {entity_name}"
            return RestOperationResult(True, "created", key_value, message, 201, created)
        except Exception as exc:  # v2.1 returned every failure as a result
            _log.error("create_or_update %s %s failed: %s", entity_name, key_value, exc)
            return RestOperationResult(False, "failed", key_value, str(exc), 0)

    def _update_first(
        self,
        url: str,
        entity_name: str,
        key_value: str,
        match: Mapping[str, Any],
        payload: Mapping[str, Any],
    ) -> RestOperationResult:
        # an API response: absent fields are truly optional here
        target = match.get("@odata.id") or f"{url}({match.get('id', key_value)})"
        etag = match.get("@odata.etag")
        self.patch(target, dict(payload), etag=etag)
        message = f"Updated existing {entity_name}"
        return RestOperationResult(True, "updated", key_value, message, 200)

    def close(self) -> None:
        """Close the pooled sessions."""
        self._session_manager.close_all()
        self._client = None

    def __enter__(self) -> TxoRestAPI:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _batch_size(batch_config: Mapping[str, Any] | None) -> int:
    if batch_config and "read-batch-size" in batch_config:
        return int(batch_config["read-batch-size"])
    return 20


def _collection_url(
    base_url: str, entity: str, odata_filter: str | None, select: list[str] | None
) -> str:
    parts = []
    if odata_filter:
        parts.append(f"$filter={quote(odata_filter)}")
    if select:
        parts.append(f"$select={','.join(select)}")
    url = f"{base_url.rstrip('/')}/{entity}"
    return f"{url}?{'&'.join(parts)}" if parts else url


def _strip_odata(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if not k.startswith("@odata.")}


def _next_link(body: Any) -> str | None:
    link = body.get("@odata.nextLink") if isinstance(body, dict) else None  # API response
    return link if isinstance(link, str) and link else None


@shim_of("utils.rest_api_helpers.retry_rest_call")
def retry_rest_call(
    api_func: Callable[..., Any],
    *args: Any,
    max_retries: int | None = None,
    backoff: float | None = None,
    **kwargs: Any,
) -> Any:
    """A TxoRestAPI method already retries: call it once (``timeout`` dropped); else retry."""
    if isinstance(getattr(api_func, "__self__", None), TxoRestAPI):
        kwargs.pop("timeout", None)
        return api_func(*args, **kwargs)
    return manual_retry(
        api_func, *args, max_retries=max_retries or 3, backoff=backoff or 2.0, **kwargs
    )
