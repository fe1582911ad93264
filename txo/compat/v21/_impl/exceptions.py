"""v2.1 ``utils.exceptions``: the v2.1 classes, each also a subclass of its v3 error.

``except`` clauses work both ways: a v2.1 ``except ApiOperationError``
catches what the compat layer raises, and v3 code's ``except
txo.errors.ApiError`` catches the same objects.  ``str()`` keeps the v2.1
text (``HelpfulError`` keeps its ``❌ Problem / ✅ Solution`` block).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from txo import errors as v3
from txo.compat.warnings import shim_of

__all__ = [
    "ApiAuthenticationError",
    "ApiError",
    "ApiNotFoundError",
    "ApiOperationError",
    "ApiRateLimitError",
    "ApiTimeoutError",
    "ApiValidationError",
    "ConfigurationError",
    "EntityNotFoundError",
    "ErrorContext",
    "FileOperationError",
    "HelpfulError",
    "TxoBaseError",
    "ValidationError",
]

_CONFIG_FIX = "Check the configuration file against schemas/org-env-config-schema.json."
_FILE_FIX = "Check that the file exists, is readable and holds the expected format."
_DATA_FIX = "Check the data against what the operation expects."


@shim_of("utils.exceptions.ErrorContext")
@dataclass(frozen=True, slots=True)
class ErrorContext(v3.ErrorContext):
    """v2.1 ErrorContext (operation, resource, details); ``to_dict()`` omits None fields."""


@shim_of("utils.exceptions.TxoBaseError")
class TxoBaseError(v3.TxoError):
    """v2.1 base error: ``str()`` is the message plus `` (during <operation>)``."""

    def __init__(self, message: str, context: v3.ErrorContext | None = None) -> None:
        v3.TxoError.__init__(self, message, context=context)

    def __str__(self) -> str:
        base = Exception.__str__(self)
        if self.context.operation:
            return f"{base} (during {self.context.operation})"
        return base


@shim_of("utils.exceptions.ApiError")
class ApiError(TxoBaseError, v3.ApiError):
    """v2.1 ApiError(message, status_code=None, response=None, context=None)."""

    def __init__(
        self,
        message: str,
        status_code: int | None = None,
        response: Any = None,
        context: v3.ErrorContext | None = None,
    ) -> None:
        v3.ApiError.__init__(self, message, context=context)
        self.status_code = status_code
        self.response = response


@shim_of("utils.exceptions.ApiOperationError")
class ApiOperationError(ApiError, v3.ApiOperationError):
    """An API operation failed."""


@shim_of("utils.exceptions.ApiTimeoutError")
class ApiTimeoutError(ApiError, v3.ApiTimeoutError):
    """Timed out; a truthy ``timeout_seconds`` appends `` after N seconds``; status 408."""

    def __init__(
        self,
        message: str = "API request timed out",
        timeout_seconds: float | None = None,
        **kwargs: Any,
    ) -> None:
        if timeout_seconds:
            message = f"{message} after {timeout_seconds} seconds"
        ApiError.__init__(self, message, status_code=408, **kwargs)


@shim_of("utils.exceptions.ApiRateLimitError")
class ApiRateLimitError(ApiError, v3.RateLimitError):
    """Status 429; ``.message`` mentions ``retry_after`` but ``str()`` does not (as in v2.1)."""

    def __init__(
        self, message: str = "Rate limit exceeded", retry_after: float | None = None, **kwargs: Any
    ) -> None:
        ApiError.__init__(self, message, status_code=429, **kwargs)
        self.retry_after = retry_after
        if retry_after:
            self.message = f"{message}. Retry after {retry_after} seconds"


@shim_of("utils.exceptions.ApiAuthenticationError")
class ApiAuthenticationError(ApiError, v3.ApiAuthenticationError):
    """Status 401."""

    def __init__(self, message: str = "Authentication failed", **kwargs: Any) -> None:
        ApiError.__init__(self, message, status_code=401, **kwargs)


@shim_of("utils.exceptions.ApiNotFoundError")
class ApiNotFoundError(ApiError, v3.EntityNotFoundError):
    """``"<resource> not found"`` unless a message is given; status 404."""

    def __init__(
        self, resource: str = "Resource", message: str | None = None, **kwargs: Any
    ) -> None:
        if message is None:
            message = f"{resource} not found"
        ApiError.__init__(self, message, status_code=404, **kwargs)


@shim_of("utils.exceptions.ApiValidationError")
class ApiValidationError(ApiError, v3.ApiValidationError):
    """Status 400; with a field: ``"<m> for field '<f>'"`` plus ``": <v>"``."""

    def __init__(
        self,
        message: str = "Validation failed",
        field: str | None = None,
        value: Any = None,
        **kwargs: Any,
    ) -> None:
        if field:
            message = f"{message} for field '{field}'"
            if value is not None:
                message = f"{message}: {value}"
        ApiError.__init__(self, message, status_code=400, **kwargs)
        self.field = field
        self.value = value


@shim_of("utils.exceptions.EntityNotFoundError")
class EntityNotFoundError(ApiNotFoundError):
    """``"<type> with ID '<id>' not found"`` or ``"<type> not found"``."""

    def __init__(
        self, entity_type: str = "Entity", entity_id: str | None = None, **kwargs: Any
    ) -> None:
        resource = f"{entity_type} with ID '{entity_id}'" if entity_id else entity_type
        ApiNotFoundError.__init__(self, resource=resource, **kwargs)
        self.entity_type = entity_type
        self.entity_id = entity_id


@shim_of("utils.exceptions.ConfigurationError")
class ConfigurationError(TxoBaseError, v3.ConfigError):
    """``.config_key``; ``.message`` mentions the key, ``str()`` does not (as in v2.1)."""

    def __init__(
        self,
        message: str,
        config_key: str | None = None,
        context: v3.ErrorContext | None = None,
    ) -> None:
        v3.ConfigError.__init__(self, message, _CONFIG_FIX, context=context)
        self.config_key = config_key
        if config_key:
            self.message = f"{message} (key: {config_key})"


@shim_of("utils.exceptions.ValidationError")
class ValidationError(TxoBaseError, v3.ValidationError):
    """``.field`` and ``.value``."""

    def __init__(
        self,
        message: str,
        field: str | None = None,
        value: Any = None,
        context: v3.ErrorContext | None = None,
    ) -> None:
        v3.ValidationError.__init__(self, message, _DATA_FIX, field=field, context=context)
        self.value = value


@shim_of("utils.exceptions.FileOperationError")
class FileOperationError(TxoBaseError, v3.FileOperationError):
    """``.file_path`` and ``.operation``."""

    def __init__(
        self,
        message: str,
        file_path: str | None = None,
        operation: str | None = None,
        context: v3.ErrorContext | None = None,
    ) -> None:
        v3.FileOperationError.__init__(
            self, message, _FILE_FIX, file_path=file_path, operation=operation, context=context
        )


@shim_of("utils.exceptions.HelpfulError")
class HelpfulError(TxoBaseError, v3.HelpfulError):
    """v2.1 HelpfulError(what_went_wrong, how_to_fix, example=None); no context.

    ``str()`` is ``"\\n❌ Problem: …\\n\\n✅ Solution: …"`` (+ ``"\\n\\n📝 Example:\\n…"``).
    """

    def __init__(self, what_went_wrong: str, how_to_fix: str, example: str | None = None) -> None:
        v3.HelpfulError.__init__(self, what_went_wrong, how_to_fix, example)
        self.args = (legacy_helpful_text(what_went_wrong, how_to_fix, example),)


def legacy_helpful_text(what: str, how: str, example: str | None) -> str:
    """The v2.1 HelpfulError text."""
    text = f"\n❌ Problem: {what}\n\n✅ Solution: {how}"
    if example:
        text += f"\n\n📝 Example:\n{example}"
    return text
