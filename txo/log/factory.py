"""Former home of the formatter and ``setup_logging``: kept as an import path.

The code lives in :mod:`txo.log.formatter`, :mod:`txo.log.setup` and
:mod:`txo.log.config_file`; new code imports the names from :mod:`txo.log`.
"""

from __future__ import annotations

from txo.log.formatter import DEFAULT_FORMAT, SAFE_FIELDS, RedactingFormatter
from txo.log.setup import (
    LOGGING_CONFIG_FILE,
    QUIET_LOGGERS,
    REDACTION_PATTERNS_FILE,
    LoggingSetup,
    setup_logging,
)

__all__ = [
    "DEFAULT_FORMAT",
    "LOGGING_CONFIG_FILE",
    "QUIET_LOGGERS",
    "REDACTION_PATTERNS_FILE",
    "SAFE_FIELDS",
    "LoggingSetup",
    "RedactingFormatter",
    "setup_logging",
]
