"""Reading ``config/logging-config.json`` (v2.1's dictConfig shape) into a logging plan.

* ``handlers`` are built as dictConfig would build them (class, level,
  stream, rotation settings, filters); every ``*FileHandler`` writes to the
  daily file instead of its ``filename``;
* ``formatters`` keep their ``format``/``datefmt``/``style`` but are always
  :class:`RedactingFormatter` (a ``class`` or ``()`` given there is ignored),
  except that ``"format": "json"`` (or ``"class": "txo.log.JsonLinesFormatter"``)
  chooses the redacted JSON-lines format (:mod:`txo.log.json_lines`);
  a handler without a formatter gets the default one;
* ``loggers.<name>.level`` and ``root.level`` are applied; a logger's
  ``handlers`` and ``propagate`` are not, because all output leaves through the
  root handlers (one redacting path).  ``disable_existing_loggers`` and
  ``incremental`` are ignored: txo never silences loggers nor closes handlers
  it did not install, which is why ``logging.config.dictConfig`` itself is not
  called.

Nothing global changes here: the plan is installed by :mod:`txo.log.setup`.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from txo.errors import ConfigError, FileOperationError, HelpfulError
from txo.log.engine import Redactor
from txo.log.formatter import RedactingFormatter
from txo.log.json_lines import JSON_FORMAT_NAMES, JsonLinesFormatter

__all__ = ["LoggingPlan", "open_log_file", "plan_from_config", "remove_handlers"]

_FORMATTER_KEYS = frozenset({"format", "datefmt", "style", "validate", "defaults"})

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


@dataclass(slots=True)
class LoggingPlan:
    """Handlers built and levels to apply, before anything global changes."""

    handlers: list[logging.Handler] = field(default_factory=list)
    log_file: Path | None = None
    levels: dict[str, int] = field(default_factory=dict)
    root_level: int | None = None


def open_log_file(log_file: Path) -> logging.FileHandler:
    """A UTF-8 file handler on ``log_file`` (its folder created), or a helpful error."""
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


def remove_handlers(handlers: list[logging.Handler] | tuple[logging.Handler, ...]) -> None:
    """Take ``handlers`` off the root logger and close them."""
    root = logging.getLogger()
    for handler in handlers:
        root.removeHandler(handler)
        handler.close()


def plan_from_config(
    file: Path, redactor: Redactor, log_file: Path | None, console: TextIO | None
) -> LoggingPlan:
    raw = _read_config(file)
    import logging.config  # imported on use: it pulls in sockets, queues and pickling

    configurator = logging.config.DictConfigurator(copy.deepcopy(raw))
    configurator.config["formatters"] = {
        name: _formatter(file, name, spec, redactor)
        for name, spec in _section(raw, "formatters", file).items()
    }
    plan = LoggingPlan(levels=_logger_levels(file, raw), root_level=_root_level(file, raw))
    try:
        _configure_filters(configurator, raw, file)
        for name in raw["handlers"]:
            plan.handlers.append(_handler(configurator, file, name, log_file, plan))
    except BaseException:
        remove_handlers(plan.handlers)
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
    chosen = {str(spec[key]) for key in ("format", "class", "()") if key in spec}
    if chosen & JSON_FORMAT_NAMES:
        return JsonLinesFormatter(redactor=redactor)
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
    configurator: Any, file: Path, name: str, log_file: Path | None, plan: LoggingPlan
) -> logging.Handler:
    spec = configurator.config["handlers"][name]
    if "class" in spec and str(spec["class"]).endswith("FileHandler") and log_file is not None:
        open_log_file(log_file).close()  # the folder exists and the file is writable
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
