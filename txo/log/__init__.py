"""Logging that never leaks a secret: secret registry, redactor, redacting formatter, setup.

``setup_logging(paths, secrets)`` puts a console and a daily-file handler on
the root logger, each with a :class:`RedactingFormatter`, so every record
that propagates (txo's, the script's, third-party libraries') is redacted
on its way out.  Library modules log with ``logging.getLogger(__name__)``.
Other code that prints text a user sees (the runner's error report) passes
it through ``LoggingSetup.redactor.redact(text)`` first.
"""

from __future__ import annotations

from txo.log.factory import (
    DEFAULT_FORMAT,
    LOGGING_CONFIG_FILE,
    REDACTION_PATTERNS_FILE,
    LoggingSetup,
    RedactingFormatter,
    setup_logging,
)
from txo.log.redaction import (
    REDACTED,
    RedactionPatterns,
    RedactionRule,
    Redactor,
    SecretRegistry,
    load_redaction_patterns,
)

__all__ = [
    "DEFAULT_FORMAT",
    "LOGGING_CONFIG_FILE",
    "REDACTED",
    "REDACTION_PATTERNS_FILE",
    "LoggingSetup",
    "RedactingFormatter",
    "RedactionPatterns",
    "RedactionRule",
    "Redactor",
    "SecretRegistry",
    "load_redaction_patterns",
    "setup_logging",
]
