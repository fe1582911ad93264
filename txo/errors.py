"""The txo error hierarchy.

Every error a user can hit is a :class:`HelpfulError`: it says what went
wrong, how to fix it and, where it helps, shows an example.  The runner
prints those three parts instead of a traceback.  No error ever carries a
secret value: messages name keys and paths, never the values behind them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from json import JSONDecodeError

__all__ = [
    "ApiAuthenticationError",
    "ApiError",
    "ApiOperationError",
    "ApiTimeoutError",
    "ApiValidationError",
    "CircuitOpenError",
    "ConfigError",
    "ConfigSchemaError",
    "DependencyMissingError",
    "EntityNotFoundError",
    "ErrorContext",
    "FileOperationError",
    "HelpfulError",
    "InvalidArgumentError",
    "InvalidIdError",
    "MissingConfigError",
    "RateLimitError",
    "SchemaViolation",
    "TxoError",
    "ValidationError",
    "describe_json_error",
]


@dataclass(slots=True, frozen=True)
class ErrorContext:
    """Where an error happened: the operation, the resource and extra details."""

    operation: str | None = None
    resource: str | None = None
    details: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The fields that are set, as a plain dict."""
        out: dict[str, Any] = {}
        if self.operation is not None:
            out["operation"] = self.operation
        if self.resource is not None:
            out["resource"] = self.resource
        if self.details is not None:
            out["details"] = dict(self.details)
        return out


class TxoError(Exception):
    """Base of every error txo raises."""

    context: ErrorContext

    def __init__(self, message: str, *, context: ErrorContext | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.context = context if context is not None else ErrorContext()

    def __str__(self) -> str:
        if self.context.operation:
            return f"{self.message} (during {self.context.operation})"
        return self.message


class HelpfulError(TxoError):
    """An error that tells the user what went wrong, how to fix it and an example."""

    def __init__(
        self,
        what_went_wrong: str,
        how_to_fix: str,
        example: str | None = None,
        *,
        context: ErrorContext | None = None,
    ) -> None:
        super().__init__(what_went_wrong, context=context)
        self.what_went_wrong = what_went_wrong
        self.how_to_fix = how_to_fix
        self.example = example

    def __str__(self) -> str:
        parts = [f"Problem: {TxoError.__str__(self)}", f"Fix: {self.how_to_fix}"]
        if self.example:
            parts.append("Example:\n" + _indent(self.example))
        return "\n".join(parts)


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


class InvalidArgumentError(HelpfulError):
    """A command-line argument has a value the script cannot use; runners exit 2 for it,
    as for any other bad argument."""


# --- configuration -----------------------------------------------------------


class ConfigError(HelpfulError):
    """Configuration is missing, unreadable or invalid."""


class MissingConfigError(ConfigError, KeyError):
    """A required configuration key is absent.

    Also a ``KeyError`` so that ``except KeyError`` in v2.1-era code still works.
    ``str()`` stays HelpfulError's: it precedes ``KeyError`` in the MRO (the same
    holds for every HelpfulError that also derives from a built-in exception).
    """

    def __init__(
        self,
        key_path: str,
        source: str,
        *,
        found_prefix: str = "",
        suggestions: Sequence[str] = (),
        example: str | None = None,
    ) -> None:
        where = f" ('{found_prefix}' exists, the rest does not)" if found_prefix else ""
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(
            f"Missing configuration key '{key_path}' in {source}{where}.",
            f"Add '{key_path}' to {source}.{hint}",
            example,
        )
        self.key_path = key_path
        self.source = source
        self.found_prefix = found_prefix
        self.suggestions = tuple(suggestions)


class InvalidIdError(InvalidArgumentError, ConfigError):
    """An organisation or environment id that cannot be part of a config file name
    (e.g. ``../../etc``): a bad argument, and a configuration error for code that
    catches ``ConfigError``."""


@dataclass(slots=True, frozen=True)
class SchemaViolation:
    """One schema violation: the JSON path where it is and what is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ConfigSchemaError(ConfigError):
    """The configuration does not match its schema; lists every violation."""

    def __init__(self, source: str, violations: Sequence[SchemaViolation], schema: str) -> None:
        listed = "\n".join(f"  - {v}" for v in violations)
        super().__init__(
            f"{source} does not match {schema} ({len(violations)} problem(s)):\n{listed}",
            f"Correct each key listed above in {source}; the schema {schema} says what is allowed.",
            '{"global": {"api-base-url": "https://api.example.com"},\n'
            ' "script-behavior": {"api-timeouts": {"rest-timeout-seconds": 60}}}',
        )
        self.source = source
        self.violations = tuple(violations)


# --- files and validation ----------------------------------------------------


class FileOperationError(HelpfulError):
    """Reading or writing a file failed."""

    def __init__(
        self,
        what_went_wrong: str,
        how_to_fix: str,
        example: str | None = None,
        *,
        file_path: str | None = None,
        operation: str | None = None,
        context: ErrorContext | None = None,
    ) -> None:
        super().__init__(what_went_wrong, how_to_fix, example, context=context)
        self.file_path = file_path
        self.operation = operation


class ValidationError(HelpfulError):
    """Input data is not what the operation accepts."""

    def __init__(
        self,
        what_went_wrong: str,
        how_to_fix: str,
        example: str | None = None,
        *,
        field: str | None = None,
        context: ErrorContext | None = None,
    ) -> None:
        super().__init__(what_went_wrong, how_to_fix, example, context=context)
        self.field = field


class DependencyMissingError(HelpfulError, ImportError):
    """An optional dependency is not installed."""

    def __init__(self, module: str, pip_line: str, feature: str) -> None:
        super().__init__(
            f"{feature} needs the optional package '{module}', which is not installed.",
            f"Install it: {pip_line}",
            pip_line,
        )
        self.module = module
        self.pip_line = pip_line


# --- API ---------------------------------------------------------------------


class ApiError(HelpfulError):
    """An HTTP API call failed.  Subclasses set a default fix for their case."""

    default_fix = "Check the request and the service's status, then run the script again."
    default_status: int | None = None

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        context: ErrorContext | None = None,
        how_to_fix: str | None = None,
        example: str | None = None,
        request_id: str | None = None,
        body_excerpt: str | None = None,
    ) -> None:
        super().__init__(message, how_to_fix or self.default_fix, example, context=context)
        self.status_code = status_code if status_code is not None else self.default_status
        self.request_id = request_id
        self.body_excerpt = body_excerpt


class ApiOperationError(ApiError):
    """The server failed the operation (5xx or an unexpected status)."""


class ApiTimeoutError(ApiError):
    """The request or a long-running operation timed out."""

    default_fix = (
        "Raise script-behavior.api-timeouts.rest-timeout-seconds (or async-max-wait for "
        "202 operations), or retry when the service is less busy."
    )
    default_status = 408


class ApiValidationError(ApiError):
    """The server rejected the request body or parameters (400, 409, 422)."""

    default_fix = "Correct the request payload using the server's message above."
    default_status = 400


class EntityNotFoundError(ApiError):
    """The requested resource does not exist (404)."""

    default_fix = "Check the URL, the company and the entity id; the entity may have been deleted."
    default_status = 404


class ApiAuthenticationError(ApiError):
    """Authentication or authorisation failed (401, 403, token endpoint errors)."""

    default_fix = (
        "Check global.tenant-id, global.client-id, global.oauth-scope and the client-secret "
        "in the secrets file, and that the app registration may call this API."
    )
    default_status = 401


class RateLimitError(ApiError):
    """The server kept throttling (429), or asked for a longer wait than allowed."""

    default_fix = (
        "Lower script-behavior.rate-limiting.calls-per-second, or run the script when the "
        "service is less busy."
    )
    default_status = 429

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class CircuitOpenError(ApiError):
    """The circuit breaker for a host is open: calls fail fast until it resets."""

    default_fix = "The service failed repeatedly; wait for it to recover, then run again."

    def __init__(self, message: str, *, retry_at: float, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_at = retry_at


# --- wording shared by every JSON reader ----------------------------------------


def describe_json_error(exc: JSONDecodeError) -> tuple[str, str]:
    """``(problem, fix)`` for a JSON syntax error, as whole sentences.

    The json module's own messages are fragments meant to be followed by a
    position ("Unterminated string starting at"); this names the problem in
    words and gives the fix for that problem.  The document text is inspected
    only to tell cases apart, never quoted (it may be a secrets file).
    """
    here = exc.doc[exc.pos : exc.pos + 1]
    message = exc.msg
    if not exc.doc.strip():
        return "the file is empty", "Write a JSON object into it; {} is the smallest one."
    if message.startswith("Unterminated string"):
        return (
            "the string that starts here is never closed",
            'Add the closing double quote ("); a quote inside a string is written \\".',
        )
    if message.startswith("Invalid control character"):
        return (
            "a string contains a raw line break or tab",
            "Close the string on the same line, or write the character as \\n or \\t.",
        )
    if message.startswith("Invalid \\"):
        return (
            "a backslash in a string starts an escape JSON does not know",
            'Write a literal backslash as \\\\ (a Windows path: "C:\\\\data").',
        )
    if message.startswith("Extra data"):
        return (
            "there is more text after the end of the JSON value",
            "Keep one top-level value: remove the extra text, or put several objects in one "
            "list [ {...}, {...} ].",
        )
    before = exc.doc[: exc.pos].rstrip()[-1:]
    return _describe_expectation(message, here, before)


def _describe_expectation(message: str, here: str, before: str) -> tuple[str, str]:
    """The "Expecting ..." family (and anything newer the json module may say)."""
    if not here:
        return (
            "the file ends before every { and [ is closed",
            "Add the missing closing } or ] (and check the file was saved completely).",
        )
    if before == ":" and here in ",}]" and message == "Expecting value":
        return (
            "the value after a key's colon is missing",
            'Write a value after the colon ("key": null if it has none), or remove the key.',
        )
    if here == "'":
        return (
            "a string uses single quotes, but JSON strings and keys need double quotes",
            'Replace the single quotes with double quotes: {"key": "value"}.',
        )
    if (here in ("}", "]") and before == ",") or "trailing comma" in message:
        return (
            f"there is a trailing comma before '{here}'",
            "Remove the comma after the last item.",
        )
    if message == "Expecting ':' delimiter":
        return "the colon is missing after a key", 'Put a colon between key and value: "key": 1.'
    if message == "Expecting ',' delimiter":
        return (
            "a comma is missing between two items",
            "Add a comma after the previous value (before this position).",
        )
    if message.startswith("Expecting property name"):
        return "a key in double quotes is expected here", 'Write every key in double quotes: "key".'
    if message == "Expecting value":
        return (
            "the text here is not a JSON value",
            "Use a number, a string in double quotes, true/false/null (lower case), "
            "an object {...} or a list [...].",
        )
    return message.rstrip(": "), "Correct the JSON at that position."
