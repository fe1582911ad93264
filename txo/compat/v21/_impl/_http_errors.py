"""Translate v3 HTTP errors into the v2.1 classes and messages (v21-api.md §6.1–6.3)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from txo import errors as v3
from txo.compat.v21._impl.exceptions import (
    ApiError,
    ApiOperationError,
    ApiTimeoutError,
    ApiValidationError,
    EntityNotFoundError,
)

__all__ = ["legacy_error", "server_message"]


def _details(exc: v3.TxoError) -> Mapping[str, Any]:
    return exc.context.details or {}


def server_message(exc: v3.ApiError) -> str:
    """v2.1's ``m``: the body's ``error.message``, else ``"HTTP <code>[: <text>]"``."""
    code = exc.status_code
    if not exc.body_excerpt:
        return exc.message.rpartition("): ")[2].split("; ")[0] or f"HTTP {code}"
    try:
        body = json.loads(exc.body_excerpt)
    except ValueError:
        return f"HTTP {code}: {exc.body_excerpt[:200]}"
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        message = body["error"].get("message")
        if message is not None:
            return str(message)
    return f"HTTP {code}" if isinstance(body, dict) else f"HTTP {code}: {exc.body_excerpt[:200]}"


def legacy_error(exc: v3.ApiError, method: str, url: str) -> ApiError:
    """The v2.1 error for a v3 error raised while running ``method url``."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, v3.CircuitOpenError):
        return ApiOperationError(
            f"Circuit breaker open for {method} {url}. Too many failures detected."
        )
    if "error" in _details(exc):  # no response: a transport failure
        if isinstance(exc, v3.ApiTimeoutError):
            return ApiTimeoutError(f"{method} request timed out: {url}")
        return ApiOperationError(f"{method} request failed: {exc.message}")
    return _status_error(exc, method)


def _status_error(exc: v3.ApiError, op: str) -> ApiError:
    status, m = exc.status_code, server_message(exc)
    if status == 408:
        return ApiTimeoutError(f"{op} timed out: {m}")
    if status in (400, 422):
        return ApiValidationError(f"{op} validation failed: {m}")
    if status == 404:
        return EntityNotFoundError("Resource", m)
    if status == 409:
        return ApiValidationError(f"{op} conflict: {m}")
    if status == 429:
        return ApiOperationError(f"{op} rate limited: {m}")
    return ApiOperationError(f"{op} failed: {m}")
