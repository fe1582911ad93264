"""v2.1 ``utils.logger`` over :func:`txo.log.setup_logging`.

``setup_logger()`` returns one ``TxoLogger`` per process, held in the
compat runtime.  Its handlers are v3's: every record that
reaches the root logger is redacted by the formatter, with the bundled
patterns, the project's ``config/log-redaction-patterns.json`` and every
secret the compat layer has seen (``_``-prefixed JSON keys included: v2.1
bug 9).  ``config/logging-config.json`` shapes the handlers as in v2.1.

Unlike v2.1 nothing here exits: a missing logging or redaction file gets
txo's defaults plus a WARNING; an invalid one is reported on stderr and
txo's console defaults are used.  The redaction filter no longer turns log
arguments into strings (v2.1 bug 7).
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import time
from typing import Any

from txo.compat.runtime import current
from txo.compat.v21._impl.path_helpers import v3_paths
from txo.compat.warnings import shim_of
from txo.errors import ConfigError
from txo.log import LoggingSetup, Redactor, load_redaction_patterns, setup_logging
from txo.log.setup import LOGGING_CONFIG_FILE, REDACTION_PATTERNS_FILE

__all__ = ["ContextFilter", "TokenRedactionFilter", "TxoLogger", "UTCFormatter", "setup_logger"]

LOGGER_NAME = "TxoApp"


def _redactor() -> Redactor:
    path = v3_paths().path("config", REDACTION_PATTERNS_FILE)
    return Redactor(load_redaction_patterns(path if path.is_file() else None), current().secrets)


@shim_of("utils.logger.TokenRedactionFilter")
class TokenRedactionFilter(logging.Filter):
    """Redacts a record's message in place (after formatting it, so ``%d`` still works).

    ``redactor``: TxoLogger passes its logging setup's own, so the patterns
    are read once and an invalid patterns file falls back as the handlers do.
    """

    def __init__(self, *, redactor: Redactor | None = None) -> None:
        super().__init__()
        self.config_path = v3_paths().path("config", REDACTION_PATTERNS_FILE)
        self.redactor = _redactor() if redactor is None else redactor
        rules = self.redactor.patterns
        self.patterns = [(re.compile(r.pattern, re.IGNORECASE), r.replacement) for r in rules]
        self.simple_patterns = [
            {"name": r.name, "contains": list(r.contains), "replacement": r.replacement}
            for r in rules
            if r.kind == "simple"
        ]

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # leave an unformattable record to the formatter's report
            return True
        record.msg, record.args = self.redactor.redact(message), ()
        return True


@shim_of("utils.logger.UTCFormatter")
class UTCFormatter(logging.Formatter):
    """A formatter with UTC timestamps."""

    converter = staticmethod(time.gmtime)


@shim_of("utils.logger.ContextFilter")
class ContextFilter(logging.Filter):
    """2.1.0: adds ``record.org_id`` (default ``"default"``) and ``record.elapsed_ms``."""

    def __init__(self, org_id: str | None = None) -> None:
        super().__init__()
        self.org_id = org_id or "default"
        self._start = time.monotonic()

    def filter(self, record: logging.LogRecord) -> bool:
        record.org_id = self.org_id
        record.elapsed_ms = (time.monotonic() - self._start) * 1000
        return True


def _install() -> LoggingSetup:
    """v3 logging for the project; defaults (+ a WARNING) where v2.1 would have exited."""
    paths = v3_paths()
    names = (LOGGING_CONFIG_FILE, REDACTION_PATTERNS_FILE)
    missing = [n for n in names if not paths.path("config", n).is_file()]
    try:
        setup = setup_logging(paths, current().secrets, logger_name=LOGGER_NAME)
    except ConfigError as exc:
        print(
            f"{'=' * 70}\nCRITICAL CONFIGURATION ERROR (txo.compat continues with txo's default "
            f"console logging)\n{exc}\n{'=' * 70}",
            file=sys.stderr,
        )
        setup = setup_logging(None, current().secrets, logger_name=LOGGER_NAME)
    for name in missing:
        setup.logger.warning(
            "config/%s not found: using txo's defaults (v2.1 would have exited here)", name
        )
    return setup


@shim_of("utils.logger.TxoLogger")
class TxoLogger:
    """v2.1's logger singleton: ``TxoLogger()`` and ``setup_logger()`` return the same one."""

    logger: logging.Logger
    token_filter: TokenRedactionFilter
    org_id: str | None
    _setup: LoggingSetup
    _lock: threading.Lock

    def __new__(cls) -> TxoLogger:
        return setup_logger()

    def __init__(self) -> None:
        """Nothing: the singleton was set up when it was created."""

    @classmethod
    def _create(cls) -> TxoLogger:
        self = object.__new__(cls)
        self._lock = threading.Lock()
        self.org_id = None
        self._setup = _install()
        self.logger = self._setup.logger
        self.token_filter = TokenRedactionFilter(redactor=self._setup.redactor)
        return self

    def reload_redaction_patterns(self) -> None:
        """Re-read the redaction patterns (and logging config) and swap the handlers."""
        with self._lock:
            self._setup = _install()
            self.token_filter = TokenRedactionFilter(redactor=self._setup.redactor)

    def set_context(self, org_id: str | None = None) -> None:
        """2.1.0: remember the organisation (the log format is no longer changed)."""
        self.org_id = org_id

    def debug(self, msg: str, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stacklevel", 2)
        self.logger.debug(msg, *args, **kwargs)

    def info(self, msg: str, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stacklevel", 2)
        self.logger.info(msg, *args, **kwargs)

    def warning(self, msg: str, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stacklevel", 2)
        self.logger.warning(msg, *args, **kwargs)

    def error(self, msg: str, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stacklevel", 2)
        self.logger.error(msg, *args, **kwargs)

    def critical(self, msg: str, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stacklevel", 2)
        self.logger.critical(msg, *args, **kwargs)

    def exception(self, msg: str, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stacklevel", 2)
        self.logger.exception(msg, *args, **kwargs)

    def close(self) -> None:
        """Remove the handlers (called when the compat runtime closes or resets)."""
        self._setup.close()


@shim_of("utils.logger.setup_logger")
def setup_logger(org_id: str | None = None) -> TxoLogger:
    """The process's TxoLogger (``org_id``: 2.1.0 form, accepted)."""
    instance: TxoLogger = current().logger
    if org_id is not None:
        instance.set_context(org_id)
    return instance
