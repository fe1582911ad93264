"""v2.1 ``utils.api_factory``: build a ``TxoRestAPI`` from the configuration dict.

Reads exactly the keys v2.1 read, with ``[]`` (a missing key is a
KeyError, as in v2.1).  The optional instance cache of ``use_cache=True``
lives in the compat runtime.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from txo.compat.runtime import current
from txo.compat.v21._impl._util import v21_default
from txo.compat.v21._impl.api_common import CircuitBreaker, RateLimiter
from txo.compat.v21._impl.rest_api_helpers import TxoRestAPI
from txo.compat.warnings import shim_of

__all__ = ["ApiManager", "clear_api_cache", "create_rest_api", "get_batch_config"]

_log = logging.getLogger("TxoApp")


def _get_rate_limiter(config: Mapping[str, Any]) -> RateLimiter | None:
    section = config["script-behavior"]["rate-limiting"]
    if not section["enabled"]:
        return None
    return RateLimiter(section["calls-per-second"], section["burst-size"])


def _get_circuit_breaker(config: Mapping[str, Any]) -> CircuitBreaker | None:
    section = config["script-behavior"]["circuit-breaker"]
    if not section["enabled"]:
        return None
    return CircuitBreaker(section["failure-threshold"], section["timeout-seconds"])


@shim_of("utils.api_factory.create_rest_api")
def create_rest_api(
    config: Mapping[str, Any],
    require_auth: bool = True,
    use_cache: bool = False,
    cache_key: str | None = None,
    rate_limiter: RateLimiter | None = None,
    circuit_breaker: CircuitBreaker | None = None,
) -> TxoRestAPI:
    """A TxoRestAPI configured from ``script-behavior`` (and ``_token``)."""
    org_id, env_type = config["_org_id"], config["_env_type"]
    key = cache_key or f"rest_{org_id}_{env_type}_{'auth' if require_auth else 'noauth'}"
    cache = current().api_cache
    if use_cache and key in cache.items:
        cached: TxoRestAPI = cache.items[key]
        return cached
    token = config["_token"] if require_auth else v21_default(config, "_token", None)
    behavior = config["script-behavior"]
    timeouts = {**behavior["api-timeouts"], **behavior["retry-strategy"]}
    api = TxoRestAPI(
        token=token,
        require_auth=require_auth,
        timeout_config=timeouts,
        jitter_config=behavior["jitter"],
        rate_limiter=rate_limiter or _get_rate_limiter(config),
        circuit_breaker=circuit_breaker or _get_circuit_breaker(config),
    )
    if use_cache:
        with cache.lock:
            cache.items[key] = api
    _log.debug("Created REST API client for %s-%s", org_id, env_type)
    return api


@shim_of("utils.api_factory.clear_api_cache")
def clear_api_cache() -> None:
    """Close and forget every cached client."""
    current().api_cache.close()


@shim_of("utils.api_factory.ApiManager")
class ApiManager:
    """Builds the REST client once per manager; ``with`` closes it."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        self.org_id = config["_org_id"]
        self.env_type = config["_env_type"]
        self._rest_api: TxoRestAPI | None = None

    def get_rest_api(self, **kwargs: Any) -> TxoRestAPI:
        """The client (built on first call; later kwargs are ignored, as in v2.1)."""
        if self._rest_api is None:
            self._rest_api = create_rest_api(self.config, **kwargs)
        return self._rest_api

    def close(self) -> None:
        if self._rest_api is not None:
            self._rest_api.close()
            self._rest_api = None

    def __enter__(self) -> ApiManager:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


@shim_of("utils.api_factory.get_batch_config")
def get_batch_config(config: Mapping[str, Any]) -> Any:
    return config["script-behavior"]["batch-handling"]
