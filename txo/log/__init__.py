"""Logging that never leaks a secret: one small package, one job per module.

* :mod:`~txo.log.registry`: the secrets of a run and the forms they travel in;
* :mod:`~txo.log.patterns`: redaction rules and the v2.1 patterns file format;
* :mod:`~txo.log.engine`: the :class:`Redactor`, the tuned matching;
* :mod:`~txo.log.formatter`: the :class:`RedactingFormatter` every handler uses;
* :mod:`~txo.log.json_lines`: the redacted JSON-lines format, for log shippers;
* :mod:`~txo.log.config_file`: reading ``config/logging-config.json``;
* :mod:`~txo.log.hooks`: warnings, thread and uncaught exceptions into the log;
* :mod:`~txo.log.setup`: :func:`setup_logging`, which puts it all together.

``setup_logging(paths, secrets)`` puts a console and a daily-file handler on
the root logger, each with a :class:`RedactingFormatter`, so every record
that propagates (txo's, the script's, third-party libraries') is redacted
on its way out.  Library modules log with ``logging.getLogger(__name__)``.
Other code that prints text a user sees (the runner's error report) passes
it through ``LoggingSetup.redactor.redact(text)`` first.
"""

from __future__ import annotations

from txo.log.engine import Redactor
from txo.log.formatter import DEFAULT_FORMAT, RedactingFormatter
from txo.log.json_lines import JsonLinesFormatter
from txo.log.patterns import RedactionPatterns, RedactionRule, load_redaction_patterns
from txo.log.registry import REDACTED, SecretRegistry
from txo.log.setup import (
    LOGGING_CONFIG_FILE,
    REDACTION_PATTERNS_FILE,
    LoggingSetup,
    setup_logging,
)

__all__ = [
    "DEFAULT_FORMAT",
    "LOGGING_CONFIG_FILE",
    "REDACTED",
    "REDACTION_PATTERNS_FILE",
    "JsonLinesFormatter",
    "LoggingSetup",
    "RedactingFormatter",
    "RedactionPatterns",
    "RedactionRule",
    "Redactor",
    "SecretRegistry",
    "load_redaction_patterns",
    "setup_logging",
]
