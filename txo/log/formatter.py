"""The redacting formatter every txo handler formats through (message, traceback, stack).

A record is redacted once, however many handlers format it: the redacted
message, exception and stack text are kept on the record under a private
attribute, keyed by the redactor, so a second handler (or a rotating file
handler that formats twice to decide when to roll over) reuses them.
"""

from __future__ import annotations

import logging
import re
import string
import time
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal

from txo.log.engine import Redactor

__all__ = ["DEFAULT_FORMAT", "SAFE_FIELDS", "RedactingFormatter"]

DEFAULT_FORMAT = "%(asctime)s - %(name)s - %(levelname)s - %(message)s"
_DEFAULT_FORMATS = MappingProxyType(
    {
        "%": DEFAULT_FORMAT,
        "{": "{asctime} - {name} - {levelname} - {message}",
        "$": "${asctime} - ${name} - ${levelname} - ${message}",
    }
)
SAFE_FIELDS = frozenset(
    {
        "asctime", "created", "filename", "funcName", "levelname", "levelno", "lineno",
        "message", "module", "msecs", "name", "pathname", "process", "processName",
        "relativeCreated", "taskName", "thread", "threadName",
    }
)  # fmt: skip
_PERCENT_FIELD = re.compile(r"%\((\w+)\)")
Style = Literal["%", "{", "$"]
_PARTS = "_txo_redacted_parts"  # record attribute: (id(redactor), message, exception, stack)
_OUTPUT = "_txo_formatted"  # record attribute: (id(formatter), formatted text)


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
        style: Style = "%",
        validate: bool = True,
        *,
        defaults: Mapping[str, Any] | None = None,
        redactor: Redactor,
    ) -> None:
        chosen = fmt if fmt is not None else _DEFAULT_FORMATS[style]
        super().__init__(chosen, datefmt, style, validate, defaults=defaults)
        self.redactor = redactor
        self.redacts_parts = not defaults and _fields(chosen, style) <= SAFE_FIELDS
        self._uses_time = self.usesTime()
        self._id, self._redactor_id = id(self), id(redactor)

    def format(self, record: logging.LogRecord) -> str:
        attributes = record.__dict__
        cached = attributes.get(_OUTPUT)
        if cached is not None and cached[0] == self._id:
            return str(cached[1])  # formatted before (a rotating file handler formats twice)
        try:
            text = self._render(record)
        except Exception as exc:  # fail closed: never hand logging unredacted text
            return self._failed(record, exc)
        attributes[_OUTPUT] = (self._id, text)
        return text

    def _render(self, record: logging.LogRecord) -> str:
        if not self.redacts_parts:
            return self.redactor.redact(super().format(record))
        message, exception, stack = self.redacted_parts(record)
        record.message = message
        if self._uses_time:
            record.asctime = self.formatTime(record, self.datefmt)
        text: str = self._style.format(record)
        if exception:
            text += ("" if text.endswith("\n") else "\n") + exception
        if stack:
            text += ("" if text.endswith("\n") else "\n") + stack
        return text

    def redacted_parts(self, record: logging.LogRecord) -> tuple[str, str, str]:
        """The record's message, exception text and stack text, redacted once per record.

        Kept on the record, so every formatter sharing this redactor (one per
        handler) reuses the first one's work; only an id and redacted text
        are kept, so the record stays picklable for socket and queue handlers.
        """
        attributes = record.__dict__
        parts = attributes.get(_PARTS)
        if parts is not None and parts[0] == self._redactor_id:
            return parts[1], parts[2], parts[3]
        redact = self.redactor.redact
        message = redact(record.getMessage())
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        exception = redact(record.exc_text) if record.exc_text else ""
        stack = redact(self.formatStack(record.stack_info)) if record.stack_info else ""
        attributes[_PARTS] = (self._redactor_id, message, exception, stack)
        return message, exception, stack

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
