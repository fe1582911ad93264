"""Former home of the registry, the pattern files and the redactor: kept as an import path.

The code lives in :mod:`txo.log.registry`, :mod:`txo.log.patterns` and
:mod:`txo.log.engine`; new code imports the names from :mod:`txo.log`.
"""

from __future__ import annotations

from txo.log.engine import Redactor
from txo.log.patterns import (
    DEFAULT_PATTERNS_SOURCE,
    RedactionPatterns,
    RedactionRule,
    load_redaction_patterns,
    parse_redaction_document,
)
from txo.log.registry import REDACTED, WITHHELD, SecretRegistry

__all__ = [
    "DEFAULT_PATTERNS_SOURCE",
    "REDACTED",
    "WITHHELD",
    "RedactionPatterns",
    "RedactionRule",
    "Redactor",
    "SecretRegistry",
    "load_redaction_patterns",
    "parse_redaction_document",
]
