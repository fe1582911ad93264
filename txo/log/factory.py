"""Logger factory: redacting handlers on the root logger, built per run (no singleton).

``setup_logging`` builds a console handler and a daily file handler
(``logs/app_YYYY-MM-DD.log``, UTC date) and puts them on the **root** logger,
so every record that propagates, txo's own and third-party ones alike, leaves
through a :class:`RedactingFormatter`.  A project's ``config/logging-config.json``
(v2.1's dictConfig shape) may shape them:

* ``handlers`` are built as dictConfig would build them (class, level,
  stream, rotation settings, filters); every ``*FileHandler`` writes to the
  daily file instead of its ``filename``;
* ``formatters`` keep their ``format``/``datefmt``/``style`` but are always
  :class:`RedactingFormatter` (a ``class`` or ``()`` given there is ignored);
  a handler without a formatter gets the default one;
* ``loggers.<name>.level`` and ``root.level`` are applied; a logger's
  ``handlers`` and ``propagate`` are not, because all output leaves through the
  root handlers (one redacting path).  ``disable_existing_loggers`` and
  ``incremental`` are ignored: txo never silences loggers nor closes handlers
  it did not install, which is why ``logging.config.dictConfig`` itself is not
  called.

Without that file: console at INFO on **stderr** (logs are diagnostics;
stdout stays free for what a script prints or pipes on, and stderr is where
Python's own tracebacks go, so the two interleave in order), file at DEBUG.
The root logger's level is left alone unless the file sets ``root.level``
(so third-party loggers stay at WARNING); the ``httpx`` and ``httpcore``
loggers are set to WARNING; the named logger (``txo`` by default, the parent
of every library module's logger) gets ``level`` or the lowest handler level.
"""

from __future__ import annotations

import copy
import datetime
import json
import logging
import re
import string
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, TextIO

from txo.errors import ConfigError, FileOperationError, HelpfulError
from txo.log.redaction import Redactor, SecretRegistry, load_redaction_patterns
from txo.paths import Dir, ProjectPaths

__all__ = [
    "DEFAULT_FORMAT",
    "LOGGING_CONFIG_FILE",
    "REDACTION_PATTERNS_FILE",
    "SAFE_FIELDS",
    "LoggingSetup",
    "RedactingFormatter",
    "setup_logging",
]

DEFAULT_FORMAT = "%(asctime)s - %(name)s - %(levelname)s - %(message)s"
LOGGING_CONFIG_FILE = "logging-config.json"
REDACTION_PATTERNS_FILE = "log-redaction-patterns.json"
QUIET_LOGGERS = ("httpx", "httpcore")
_DEFAULT_FORMATS = MappingProxyType(
    {
        "%": DEFAULT_FORMAT,
        "{": "{asctime} - {name} - {levelname} - {message}",
        "$": "${asctime} - ${name} - ${levelname} - ${message}",
    }
)
_MARK = "_txo_log_setup"  # attribute set on every handler setup_logging installs
SAFE_FIELDS = frozenset(
    {
        "asctime", "created", "filename", "funcName", "levelname", "levelno", "lineno",
        "message", "module", "msecs", "name", "pathname", "process", "processName",
        "relativeCreated", "taskName", "thread", "threadName",
    }
)  # fmt: skip
_PERCENT_FIELD = re.compile(r"%\((\w+)\)")
_FORMATTER_KEYS = frozenset({"format", "datefmt", "style", "validate", "defaults"})
_Style = Literal["%", "{", "$"]

_EXAMPLE_CONFIG = """{
  "version": 1,
  "formatters": {
    "simple": {"format": "%(asctime)s - %(name)s - %(levelname)s - %(message)s"}
  },
  "handlers": {
    "console": {"class": "logging.StreamHandler", "level": "INFO",
                "formatter": "simple", "stream": "ext://sys.stderr"},
    "file": {"class": "logging.FileHandler", "level": "DEBUG", "formatter": "simple",
             "filename": "logs/app.log", "encoding": "utf-8"}
  },
  "loggers": {"urllib3": {"level": "WARNING"}}
}"""


class RedactingFormatter(logging.Formatter):
    """Formats a record with every secret redacted: message, traceback and stack.

    The record's ``msg`` and ``args`` are never touched (v2.1 stringified
    ``args``, breaking ``%d`` and lone dict arguments), so other handlers
    see the original record.  When the format uses only fields that code
    controls (time, level, logger name, location: :data:`SAFE_FIELDS`), just
    the message, the exception text and the stack text are redacted, which
    is cheaper and never mangles a timestamp; any other field (an ``extra``
    value) makes the whole formatted text go through the redactor.
    Timestamps are UTC (``2024-05-01T12:00:00.123Z`` unless ``datefmt`` is
    given).  A record that cannot be formatted, or a redaction that fails,
    yields a notice instead of an exception: logging's own error report
    would print the raw arguments to stderr.
    """

    converter = staticmethod(time.gmtime)
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"

    def __init__(
        self,
        fmt: str | None = None,
        datefmt: str | None = None,
        style: _Style = "%",
        validate: bool = True,
        *,
        defaults: Mapping[str, Any] | None = None,
        redactor: Redactor,
    ) -> None:
        chosen = fmt if fmt is not None else _DEFAULT_FORMATS[style]
        super().__init__(chosen, datefmt, style, validate, defaults=defaults)
        self.redactor = redactor
        self.redacts_parts = not defaults and _fields(chosen, style) <= SAFE_FIELDS

    def format(self, record: logging.LogRecord) -> str:
        try:
            if self.redacts_parts:
                return self._format_parts(record)
            return self.redactor.redact(super().format(record))
        except Exception as exc:  # fail closed: never hand logging unredacted text
            return self._failed(record, exc)

    def _format_parts(self, record: logging.LogRecord) -> str:
        """logging.Formatter.format, with the message, exception and stack redacted."""
        redact = self.redactor.redact
        record.message = redact(record.getMessage())
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        text = self.formatMessage(record)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            text += ("" if text.endswith("\n") else "\n") + redact(record.exc_text)
        if record.stack_info:
            stack = self.formatStack(record.stack_info)
            text += ("" if text.endswith("\n") else "\n") + redact(stack)
        return text

    def _failed(self, record: logging.LogRecord, exc: Exception) -> str:
        notice = (
            f"{self.formatTime(record, self.datefmt)} - {record.name} - {record.levelname} - "
            f"[txo: could not log the message {_safe_str(record.msg)!r} from "
            f"{record.pathname}:{record.lineno}: {type(exc).__name__}: {_safe_str(exc)}]"
        )
        try:
            return self.redactor.redact(notice)
        except Exception:
            return f"[txo: a log record from {record.name} was withheld: redaction failed]"


def _safe_str(value: object) -> str:
    try:
        return str(value)
    except Exception:
        return f"<unprintable {type(value).__name__}>"


def _fields(fmt: str, style: str) -> frozenset[str]:
    """The record attributes a format string refers to (an unparsable one: not only safe ones)."""
    if style == "%":
        return frozenset(_PERCENT_FIELD.findall(fmt))
    if style == "$":
        return frozenset(string.Template(fmt).get_identifiers())
    try:
        names = [field for _, field, _, _ in string.Formatter().parse(fmt) if field]
    except ValueError:
        return frozenset({"<unparsable>"})
    return frozenset(re.split(r"[.\[]", name, maxsplit=1)[0] for name in names)


class LoggingSetup:
    """What :func:`setup_logging` installed; ``close()`` removes exactly that."""

    __slots__ = ("_previous", "handlers", "log_file", "logger", "redactor")

    def __init__(
        self,
        logger: logging.Logger,
        redactor: Redactor,
        log_file: Path | None,
        handlers: tuple[logging.Handler, ...],
        previous: tuple[_LoggerState, ...] = (),
    ) -> None:
        self.logger = logger
        self.redactor = redactor
        self.log_file = log_file
        self.handlers = handlers
        self._previous = previous

    def close(self) -> None:
        """Remove this setup's handlers and restore the levels it changed (idempotent).

        Levels are restored only while this setup is the installed one: a later
        ``setup_logging`` call has taken over, and its levels stay.
        """
        installed = any(h in logging.getLogger().handlers for h in self.handlers)
        _remove(self.handlers)
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


@dataclass(slots=True)
class _Plan:
    """Handlers built and levels to apply, before anything global changes."""

    handlers: list[logging.Handler] = field(default_factory=list)
    log_file: Path | None = None
    levels: dict[str, int] = field(default_factory=dict)
    root_level: int | None = None


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
    ``logger_name`` (default: the config's level for it, else the lowest
    handler level).  ``console`` replaces the stream of every console
    handler (tests pass a StringIO).  Calling it again replaces the handlers
    an earlier call installed, so nothing is duplicated.
    """
    config_file = _project_file(paths, LOGGING_CONFIG_FILE)
    patterns = load_redaction_patterns(_project_file(paths, REDACTION_PATTERNS_FILE))
    redactor = Redactor(patterns, secrets)
    log_file = None if paths is None else _daily_file(paths, today or _utc_today)
    if config_file is not None:
        plan = _plan_from_config(config_file, redactor, log_file, console)
    else:
        plan = _default_plan(redactor, log_file, console)
    previous = _snapshot(plan, logger_name)
    logger = _install(plan, logger_name, level)
    return LoggingSetup(logger, redactor, plan.log_file, tuple(plan.handlers), previous)


def _snapshot(plan: _Plan, logger_name: str) -> tuple[_LoggerState, ...]:
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


def _default_plan(redactor: Redactor, log_file: Path | None, console: TextIO | None) -> _Plan:
    formatter = RedactingFormatter(redactor=redactor)
    stream = logging.StreamHandler(console if console is not None else sys.stderr)
    stream.name, stream.level = "console", logging.INFO
    plan = _Plan([stream])
    if log_file is not None:
        file = _open_log_file(log_file)
        file.name, file.level = "file", logging.DEBUG
        plan.handlers.append(file)
        plan.log_file = log_file
    for handler in plan.handlers:
        handler.setFormatter(formatter)
    return plan


def _open_log_file(log_file: Path) -> logging.FileHandler:
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        return logging.FileHandler(log_file, encoding="utf-8")
    except OSError as exc:
        raise FileOperationError(
            f"Cannot open the log file {log_file}: {exc.strerror or exc}.",
            f"Make {log_file.parent} writable (or free some disk space), or run the script "
            "from a project folder you can write to.",
            f"ls -ld {log_file.parent}",
            file_path=str(log_file),
            operation="open log file",
        ) from None


def _install(plan: _Plan, logger_name: str, level: int | None) -> logging.Logger:
    """The only step that changes global logging state."""
    root = logging.getLogger()
    _remove([h for h in root.handlers if getattr(h, _MARK, False)])
    for handler in plan.handlers:
        setattr(handler, _MARK, True)
        root.addHandler(handler)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name, logger_level in plan.levels.items():
        logging.getLogger(name).setLevel(logger_level)
    if plan.root_level is not None:
        root.setLevel(plan.root_level)
    logger = logging.getLogger(logger_name)
    logger.propagate = True
    if level is not None:
        logger.setLevel(level)
    elif logger_name not in plan.levels:
        logger.setLevel(min((h.level or logging.DEBUG for h in plan.handlers), default=0))
    return logger


def _remove(handlers: list[logging.Handler] | tuple[logging.Handler, ...]) -> None:
    root = logging.getLogger()
    for handler in handlers:
        root.removeHandler(handler)
        handler.close()


# --- config/logging-config.json ------------------------------------------------


def _plan_from_config(
    file: Path, redactor: Redactor, log_file: Path | None, console: TextIO | None
) -> _Plan:
    raw = _read_config(file)
    import logging.config  # imported on use: it pulls in sockets, queues and pickling

    configurator = logging.config.DictConfigurator(copy.deepcopy(raw))
    configurator.config["formatters"] = {
        name: _formatter(file, name, spec, redactor)
        for name, spec in _section(raw, "formatters", file).items()
    }
    plan = _Plan(levels=_logger_levels(file, raw), root_level=_root_level(file, raw))
    try:
        _configure_filters(configurator, raw, file)
        for name in raw["handlers"]:
            plan.handlers.append(_handler(configurator, file, name, log_file, plan))
    except BaseException:
        _remove(plan.handlers)
        raise
    for handler in plan.handlers:
        _finish(handler, redactor, console)
    return plan


def _read_config(file: Path) -> dict[str, Any]:
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise _config_problem(
            file,
            f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
            "Correct the JSON syntax (often a missing or trailing comma), or delete the file "
            "to use txo's default console + daily file logging.",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _config_problem(
            file, f"cannot be read: {exc}.", "Make the file readable UTF-8 JSON, or delete it."
        ) from None
    if not isinstance(raw, dict):
        raise _config_problem(
            file, f"holds a JSON {type(raw).__name__}, not an object.", "Make it one object."
        )
    _check_shape(file, raw)
    return raw


def _check_shape(file: Path, raw: Mapping[str, Any]) -> None:
    if "version" in raw and raw["version"] != 1:
        raise _config_problem(file, "has a version other than 1.", 'Set "version": 1.')
    handlers = _section(raw, "handlers", file)
    if not handlers:
        raise _config_problem(
            file,
            'has no "handlers", so nothing would be logged.',
            'Define at least one handler under "handlers" (see the example).',
        )
    for key in ("formatters", "filters", "loggers"):
        _section(raw, key, file)
    if "root" in raw and not isinstance(raw["root"], dict):
        raise _config_problem(file, '"root" is not an object.', 'Write "root": {"level": "INFO"}.')


def _section(raw: Mapping[str, Any], key: str, file: Path) -> Mapping[str, Any]:
    if key not in raw:
        return {}
    section = raw[key]
    if not isinstance(section, dict) or not all(isinstance(v, dict) for v in section.values()):
        raise _config_problem(
            file,
            f'"{key}" is not an object of named objects.',
            f'Write "{key}" as {{"<name>": {{...settings...}}}}.',
        )
    return section


def _formatter(
    file: Path, name: str, spec: Mapping[str, Any], redactor: Redactor
) -> RedactingFormatter:
    options = {key: spec[key] for key in _FORMATTER_KEYS if key in spec}
    fmt = options.pop("format", None)
    try:
        return RedactingFormatter(fmt, **options, redactor=redactor)
    except (ValueError, TypeError, KeyError) as exc:
        raise _config_problem(
            file,
            f"formatter '{name}' is invalid: {exc}.",
            'Give it a valid "format" for its "style" (default "%"), e.g. '
            '"%(asctime)s - %(levelname)s - %(message)s".',
        ) from None


def _configure_filters(configurator: Any, raw: Mapping[str, Any], file: Path) -> None:
    filters = configurator.config["filters"] if "filters" in raw else {}
    for name in _section(raw, "filters", file):
        try:
            filters[name] = configurator.configure_filter(filters[name])
        except Exception as exc:
            raise _config_problem(
                file, f"filter '{name}' could not be built: {exc}.", "Correct that filter."
            ) from None


def _handler(
    configurator: Any, file: Path, name: str, log_file: Path | None, plan: _Plan
) -> logging.Handler:
    spec = configurator.config["handlers"][name]
    if "class" in spec and str(spec["class"]).endswith("FileHandler") and log_file is not None:
        _open_log_file(log_file).close()  # the folder exists and the file is writable
        spec["filename"] = str(log_file)
        plan.log_file = log_file
    try:
        handler: logging.Handler = configurator.configure_handler(spec)
    except Exception as exc:
        raise _config_problem(
            file,
            f"handler '{name}' could not be built: {type(exc).__name__}: {exc}.",
            'Check its "class" (e.g. logging.StreamHandler), "level" (DEBUG, INFO, WARNING, '
            'ERROR, CRITICAL), "formatter" and "filters" names, and its other settings.',
        ) from None
    handler.name = name
    return handler


def _finish(handler: logging.Handler, redactor: Redactor, console: TextIO | None) -> None:
    """Every handler formats through a RedactingFormatter; consoles use ``console`` if given."""
    if not isinstance(handler.formatter, RedactingFormatter):
        handler.setFormatter(RedactingFormatter(redactor=redactor))
    if console is None or isinstance(handler, logging.FileHandler):
        return
    if isinstance(handler, logging.StreamHandler):
        handler.setStream(console)


def _logger_levels(file: Path, raw: Mapping[str, Any]) -> dict[str, int]:
    levels: dict[str, int] = {}
    for name, spec in _section(raw, "loggers", file).items():
        if "level" in spec:
            levels[name] = _level(file, f"loggers.{name}.level", spec["level"])
    return levels


def _root_level(file: Path, raw: Mapping[str, Any]) -> int | None:
    if "root" in raw and "level" in raw["root"]:
        return _level(file, "root.level", raw["root"]["level"])
    return None


def _level(file: Path, where: str, value: Any) -> int:
    names = logging.getLevelNamesMapping()
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.upper() in names:
        return names[value.upper()]
    raise _config_problem(
        file,
        f"{where} is {value!r}, which is not a logging level.",
        f"Use one of {', '.join(sorted(names, key=names.__getitem__))}.",
    )


def _config_problem(file: Path, what: str, fix: str) -> HelpfulError:
    return ConfigError(f"Logging configuration {file} {what}", fix, _EXAMPLE_CONFIG)
