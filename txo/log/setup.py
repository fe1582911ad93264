"""``setup_logging``: redacting handlers on the root logger, built per run (no singleton).

It builds a console handler and a daily file handler
(``logs/app_YYYY-MM-DD.log``, UTC date), shaped by a project's
``config/logging-config.json`` if there is one (:mod:`txo.log.config_file`),
and puts them on the **root** logger, so every record that propagates, txo's
own, the script's and third-party ones alike, leaves through a
:class:`~txo.log.RedactingFormatter`.  Warnings, exceptions escaping threads
and uncaught exceptions are redacted too, and written to the log file
(:mod:`txo.log.hooks`).

Without that file: console at INFO on **stderr** (logs are diagnostics;
stdout stays free for what a script prints or pipes on, and stderr is where
Python's own tracebacks go, so the two interleave in order), file at DEBUG.
The root logger gets the configured level (``level``, else ``root.level``
from the file, else the lowest handler level), so a script's own
``logging.getLogger(__name__)`` loggers log like txo's; the chatty HTTP
libraries (:data:`QUIET_LOGGERS`) are set to WARNING unless the file names
them.  ``close()`` restores every level and hook it changed.
"""

from __future__ import annotations

import datetime
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from txo.log.config_file import LoggingPlan, open_log_file, plan_from_config, remove_handlers
from txo.log.engine import Redactor
from txo.log.formatter import RedactingFormatter
from txo.log.hooks import OutputHooks
from txo.log.patterns import load_redaction_patterns
from txo.log.registry import SecretRegistry
from txo.paths import Dir, ProjectPaths

__all__ = [
    "LOGGING_CONFIG_FILE",
    "QUIET_LOGGERS",
    "REDACTION_PATTERNS_FILE",
    "LoggingSetup",
    "setup_logging",
]

LOGGING_CONFIG_FILE = "logging-config.json"
REDACTION_PATTERNS_FILE = "log-redaction-patterns.json"
QUIET_LOGGERS = ("httpx", "httpcore", "urllib3", "requests", "charset_normalizer", "hpack")
_MARK = "_txo_log_setup"  # attribute set on every handler setup_logging installs


class LoggingSetup:
    """What :func:`setup_logging` installed; ``close()`` removes exactly that."""

    __slots__ = ("_hooks", "_previous", "handlers", "log_file", "logger", "redactor")

    def __init__(
        self,
        logger: logging.Logger,
        redactor: Redactor,
        log_file: Path | None,
        handlers: tuple[logging.Handler, ...],
        previous: tuple[_LoggerState, ...] = (),
        hooks: OutputHooks | None = None,
    ) -> None:
        self.logger = logger
        self.redactor = redactor
        self.log_file = log_file
        self.handlers = handlers
        self._previous = previous
        self._hooks = hooks

    def close(self) -> None:
        """Remove this setup's handlers, restore the levels and hooks it changed (idempotent).

        Levels are restored only while this setup is the installed one: a later
        ``setup_logging`` call has taken over, and its levels stay.  Each hook
        is restored only while it is still this setup's own.
        """
        installed = any(h in logging.getLogger().handlers for h in self.handlers)
        if self._hooks is not None:
            self._hooks.uninstall()
            self._hooks = None
        remove_handlers(self.handlers)
        if installed:
            for state in reversed(self._previous):
                state.restore()
        self._previous = ()

    def __enter__(self) -> LoggingSetup:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        names = ", ".join(h.name or type(h).__name__ for h in self.handlers)
        return f"LoggingSetup(logger={self.logger.name!r}, log_file={self.log_file}, [{names}])"


@dataclass(frozen=True, slots=True)
class _LoggerState:
    """A logger's level and propagation before setup changed them."""

    logger: logging.Logger
    level: int
    propagate: bool

    @classmethod
    def of(cls, logger: logging.Logger) -> _LoggerState:
        return cls(logger, logger.level, logger.propagate)

    def restore(self) -> None:
        self.logger.setLevel(self.level)
        self.logger.propagate = self.propagate


def setup_logging(
    paths: ProjectPaths | None,
    secrets: SecretRegistry,
    *,
    logger_name: str = "txo",
    level: int | None = None,
    console: TextIO | None = None,
    today: Callable[[], datetime.date] | None = None,
) -> LoggingSetup:
    """Install redacting console (+ daily file) handlers on the root logger.

    ``paths=None`` logs to the console only.  ``level`` sets the level of
    ``logger_name`` and of the root logger (default: the config's level for
    each, else the lowest handler level), so the script's own loggers log at
    it too.  ``console`` replaces the stream of every console
    handler (tests pass a StringIO).  Calling it again replaces the handlers
    an earlier call installed, so nothing is duplicated.
    """
    config_file = _project_file(paths, LOGGING_CONFIG_FILE)
    patterns = load_redaction_patterns(_project_file(paths, REDACTION_PATTERNS_FILE))
    redactor = Redactor(patterns, secrets)
    log_file = None if paths is None else _daily_file(paths, today or _utc_today)
    if config_file is not None:
        plan = plan_from_config(config_file, redactor, log_file, console)
    else:
        plan = _default_plan(redactor, log_file, console)
    previous = _snapshot(plan, logger_name)
    logger = _install(plan, logger_name, level)
    hooks = OutputHooks(logger, redactor, plan.handlers, console).install()
    return LoggingSetup(logger, redactor, plan.log_file, tuple(plan.handlers), previous, hooks)


def _snapshot(plan: LoggingPlan, logger_name: str) -> tuple[_LoggerState, ...]:
    """The state of every logger :func:`_install` may change, so close() can restore it."""
    loggers = [logging.getLogger()]
    loggers += [logging.getLogger(name) for name in {*QUIET_LOGGERS, *plan.levels, logger_name}]
    return tuple(_LoggerState.of(logger) for logger in loggers)


def _utc_today() -> datetime.date:
    return datetime.datetime.now(datetime.UTC).date()


def _project_file(paths: ProjectPaths | None, name: str) -> Path | None:
    if paths is None:
        return None
    candidate = paths.path(Dir.CONFIG, name)
    return candidate if candidate.is_file() else None


def _daily_file(paths: ProjectPaths, today: Callable[[], datetime.date]) -> Path:
    return paths.path(Dir.LOGS, f"app_{today().isoformat()}.log")


def _default_plan(redactor: Redactor, log_file: Path | None, console: TextIO | None) -> LoggingPlan:
    formatter = RedactingFormatter(redactor=redactor)
    stream = logging.StreamHandler(console if console is not None else sys.stderr)
    stream.name, stream.level = "console", logging.INFO
    plan = LoggingPlan([stream])
    if log_file is not None:
        file = open_log_file(log_file)
        file.name, file.level = "file", logging.DEBUG
        plan.handlers.append(file)
        plan.log_file = log_file
    for handler in plan.handlers:
        handler.setFormatter(formatter)
    return plan


def _install(plan: LoggingPlan, logger_name: str, level: int | None) -> logging.Logger:
    """The only step that changes global logging state."""
    root = logging.getLogger()
    remove_handlers([h for h in root.handlers if getattr(h, _MARK, False)])
    for handler in plan.handlers:
        setattr(handler, _MARK, True)
        root.addHandler(handler)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name, logger_level in plan.levels.items():
        logging.getLogger(name).setLevel(logger_level)
    lowest = min((h.level or logging.DEBUG for h in plan.handlers), default=logging.DEBUG)
    root.setLevel(level if level is not None else _first(plan.root_level, lowest))
    logger = logging.getLogger(logger_name)
    logger.propagate = True
    if level is not None:
        logger.setLevel(level)
    elif logger_name not in plan.levels:
        logger.setLevel(lowest)
    return logger


def _first(configured: int | None, default: int) -> int:
    return default if configured is None else configured
